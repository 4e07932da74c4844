using System.Text.Json;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Markup;
using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Storage;
using FeedHub.Testing;

namespace FeedHub.IntegrationTests.Corpus;

/// <summary>
/// The encoding and entity cases of feedparser's suite, served over HTTP with the headers each is
/// meant to have (a charset that overrides the XML declaration, say) and polled through the whole
/// pipeline: every one ends as a feed whose title is what feedparser reads, or a named error.
/// </summary>
public sealed class FeedparserPipelineTests
{
    [Fact]
    public async Task EncodingAndEntityCases_ArriveIntact_ThroughHttp()
    {
        var corpus = TestCorpus.Folder("feedparser");
        var cases = File.ReadLines(Path.Combine(corpus, "expectations.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(row => row.GetProperty("file").GetString()!.Split('/')[0] is "encoding" or "entities")
            .Select(row => (
                File: row.GetProperty("file").GetString()!,
                Headers: row.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString(), StringComparer.OrdinalIgnoreCase),
                Title: row.GetProperty("simple_canonical") is { ValueKind: JsonValueKind.Object } expected && expected.TryGetProperty("feed.title", out var title) ? title.GetString() : null))
            .ToList();

        await using var upstream = await TestUpstream.StartAsync();
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < cases.Count; i++)
        {
            var (file, headers, _) = cases[i];
            var bytes = File.ReadAllBytes(Path.Combine(corpus, file));
            upstream.Map(file, context =>
            {
                context.Response.ContentType = headers.GetValueOrDefault("Content-type") ?? "application/xml";
                return context.Response.Body.WriteAsync(bytes).AsTask();
            });
            settings[$"FeedHub:Sources:{i}:Id"] = $"case-{i}";
            settings[$"FeedHub:Sources:{i}:Url"] = upstream.Url(file).AbsoluteUri;
        }

        await using var app = FeedHubApp.Start(settings: settings);

        var wrong = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var fetch = (await app.WaitForFetchesAsync($"case-{i}"))[0];
            var source = await app.Get<SourceStore>().GetAsync($"case-{i}", CancellationToken.None);
            if (fetch.Outcome == FetchOutcome.Failed && string.IsNullOrWhiteSpace(fetch.Error))
            {
                wrong.Add($"{cases[i].File}: failed without a reason");
            }
            else if (cases[i].Title is { } title && source!.FeedTitle != HtmlText.PlainText(title))
            {
                wrong.Add($"{cases[i].File}: title «{source.FeedTitle}», feedparser «{title}» ({fetch.Outcome} {fetch.Error})");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }
}
