using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Testing;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Polling.Push;

/// <summary>
/// FeedHub's subscriber callback under hostile and careless input, over a real socket, at the callback
/// of a real subscription: a source whose feed advertises a hub on the test's upstream, subscribed and
/// verified. Hostile verification queries (each parameter, and the callback's id) and hostile pushes
/// (Atom and RSS, signed with the subscription's secret and unsigned, whole and chunked) are each
/// answered with success or a 4xx that says why, never a 5xx; afterwards FeedHub is alive and the
/// source is still there.
/// </summary>
[Collection(HostileRequests.Collection)]
public sealed class CallbackHostileInputTests : IntegrationTest
{
    private const int CasesPerSurface = 40;

    private const string Challenge = "a-challenge-0123456789";

    private readonly ConcurrentQueue<Dictionary<string, string>> _hubRequests = new();

    private RunningFeedHub _hub = null!;
    private HttpClient _client = null!;
    private string _callback = null!;
    private string _secret = null!;

    private Uri FeedUrl => Upstream.Url("feed.xml");

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("feed.xml", Advertising(Upstream.Url("hub"), FeedUrl), etag: null, lastModified: null);
        Upstream.Map("hub", async context =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            _hubRequests.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });
        _hub = Own(await RunningFeedHub.StartAsync(Root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Admin:ApiKey"] = FeedHubApp.ApiKey,
            ["FeedHub:Polling:AllowPrivateNetworks"] = "true",
            ["FeedHub:WebSub:AllowPrivateCallbacks"] = "true",
            ["FeedHub:WebSub:RequestedLease"] = "00:16:40",
            ["FeedHub:WebSub:SafetyNetInterval"] = "1.00:00:00",
        }));
        _client = OwnDisposable(new HttpClient { BaseAddress = _hub.BaseUrl });

        var created = await _client.SendAsync(Admin(HttpMethod.Post, "/api/sources", JsonContent.Create(new { id = "s", url = FeedUrl.AbsoluteUri, schedule = "6h" })), Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(!_hubRequests.IsEmpty), "the subscription request at the hub");
        var request = _hubRequests.First();
        _callback = new Uri(request["hub.callback"]).AbsolutePath;
        _secret = request["hub.secret"];

        // The hub's verification of intent (WebSub §5.3): from here on the subscription is live, and pushes are read.
        var verified = await _client.GetAsync(new Uri(_callback + Query(("hub.mode", "subscribe"), ("hub.topic", FeedUrl.AbsoluteUri), ("hub.challenge", Challenge), ("hub.lease_seconds", "1000")), UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Equal(Challenge, await verified.Content.ReadAsStringAsync(Token));
    }

    public static readonly TheoryData<string> QuerySurfaces = ["hub.mode", "hub.topic", "hub.challenge", "hub.lease_seconds", "the callback's id"];

    [Theory]
    [MemberData(nameof(QuerySurfaces))]
    public async Task EveryHostileVerification_IsAnsweredWithSuccessOrAReason(string parameter)
    {
        var valid = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["hub.mode"] = "subscribe",
            ["hub.topic"] = FeedUrl.AbsoluteUri,
            ["hub.challenge"] = Challenge,
            ["hub.lease_seconds"] = "1000",
        };
        var id = _callback[(_callback.LastIndexOf('/') + 1)..];
        var surface = new HostileSurface(
            parameter == "the callback's id" ? id : valid[parameter],
            value => value,
            depth => parameter == "the callback's id" ? string.Concat(Enumerable.Repeat("../", depth)) : new string('[', depth) + new string(']', depth));

        foreach (var input in surface.Cases(CasesPerSurface))
        {
            var target = parameter == "the callback's id"
                ? _callback[..(_callback.LastIndexOf('/') + 1)] + HostileRequests.QueryValue(input) + Query([.. valid.Select(p => (p.Key, p.Value))])
                : _callback + Query([.. valid.Where(p => p.Key != parameter).Select(p => (p.Key, p.Value))]) + $"&{parameter}=" + HostileRequests.QueryValue(input);
            await HostileSurface.TryAsync(input, input => HostileRequests.GetAndAssertAnsweredAsync(_client, target, input));
        }

        await AssertStillThereAsync();
    }

    public static readonly TheoryData<string, bool> PushSurfaces = new()
    {
        { "atom", true },
        { "atom", false },
        { "rss", true },
        { "rss", false },
    };

    [Theory]
    [MemberData(nameof(PushSurfaces))]
    public async Task EveryHostilePush_IsAnsweredWithSuccessOrAReason(string format, bool signed)
    {
        foreach (var input in HostileDocuments.Feed(format).Cases(CasesPerSurface))
        {
            await HostileSurface.TryAsync(input, async input =>
            {
                var response = await HostileRequests.SendAsync(_client, HttpMethod.Post, _callback, input, HostileDocuments.ContentType(format), headers =>
                {
                    if (signed)
                    {
                        headers.TryAddWithoutValidation("X-Hub-Signature", HubSignature.Header("sha256", _secret, input.Body));
                    }
                });
                await HostileRequests.AssertAnsweredAsync(response, input);
            });
        }

        // Every case reached the subscription: a signed one matched its signature and was read (stored or refused as no feed), an unsigned one was refused for it.
        var metrics = PrometheusText.Parse(await _client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token));
        double Pushes(string outcome) => metrics.Find("feedhub_websub_subscriber_pushes_total", ("outcome", outcome)).Sum(m => m.Value);
        Assert.Equal(CasesPerSurface, signed ? Pushes("accepted") + Pushes("parse_error") : Pushes("unsigned"));
        await AssertStillThereAsync();
    }

    private async Task AssertStillThereAsync()
    {
        await HostileRequests.AssertAliveAsync(_client);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(Admin(HttpMethod.Get, "/api/sources/s"), Token)).StatusCode);
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FeedHubApp.ApiKey);
        return request;
    }

    private static string Query(params (string Name, string Value)[] parameters) =>
        "?" + string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>An RSS feed with WebSub's <c>atom:link</c> elements (as WordPress writes them).</summary>
    private static string Advertising(Uri hub, Uri self) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Hubbed</title><link>https://upstream.example/</link>
        <atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{self}"/>
        <item><guid isPermaLink="false">a</guid><title>A story</title><description>Body.</description><pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate></item>
        </channel></rss>
        """;
}
