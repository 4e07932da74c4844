using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Testing;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>
/// Hostile feed bodies, each served by a real loopback upstream, whole or chunked, to a source of its
/// own: every poll ends in items or in a recorded error that says why, FeedHub keeps answering, and
/// whatever it stored it still publishes as well-formed Atom, RSS and JSON Feed.
/// </summary>
[Collection(HostileRequests.Collection)]
public sealed class FeedBodyHostileInputTests : IntegrationTest
{
    private const int CasesPerFormat = 30;

    protected override async ValueTask SetUpAsync() => await StartUpstreamAsync();

    [Fact]
    public async Task EveryHostileBody_EndsInItemsOrANamedError_AndThePlanetStaysWellFormed()
    {
        var cases = new Dictionary<string, HostileInput>();
        foreach (var format in HostileDocuments.FeedFormats)
        {
            foreach (var input in HostileDocuments.Feed(format).Cases(CasesPerFormat))
            {
                var id = $"{format}-{input.Index}";
                cases[id] = input;
                Upstream.Map($"{id}.xml", context => ServeAsync(context, input, HostileDocuments.ContentType(format)));
            }
        }

        var settings = FeedHubApp.Sources([.. cases.Keys.Select(id => (id, Upstream.Url($"{id}.xml")))]);
        settings["FeedHub:Channels:0:Id"] = "planet";
        settings["FeedHub:Channels:0:Title"] = "Planet";
        settings["FeedHub:Channels:0:Sources:0"] = "*";
        settings["FeedHub:Channels:0:Limit"] = "1000";
        var app = StartApp(settings: settings);

        foreach (var (id, input) in cases)
        {
            var fetch = (await app.WaitForFetchesAsync(id))[^1];
            Assert.True(
                fetch.Outcome == FetchOutcome.Fetched || (fetch.Outcome == FetchOutcome.Failed && !string.IsNullOrWhiteSpace(fetch.Error)),
                $"{input}: the poll ended {fetch.Outcome} with error '{fetch.Error}'");
        }

        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative), Token)).StatusCode);
        XDocument.Parse(await client.GetStringAsync(new Uri("/feeds/planet.atom", UriKind.Relative), Token));
        XDocument.Parse(await client.GetStringAsync(new Uri("/feeds/planet.rss", UriKind.Relative), Token));
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri("/feeds/planet.json", UriKind.Relative), Token));
        Assert.NotEqual(0, json.RootElement.GetProperty("items").GetArrayLength());
    }

    /// <summary>The case's bytes, with a Content-Length, or chunked without one.</summary>
    private static async Task ServeAsync(HttpContext context, HostileInput input, string contentType)
    {
        context.Response.ContentType = contentType;
        if (!input.Chunked)
        {
            context.Response.ContentLength = input.Body.Length;
        }

        await context.Response.Body.WriteAsync(input.Body);
    }
}
