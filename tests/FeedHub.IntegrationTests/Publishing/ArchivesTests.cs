using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using Microsoft.Data.Sqlite;

namespace FeedHub.IntegrationTests.Publishing;

/// <summary>RFC 5005 archives: from the subscription document, prev-archive links reach every entry exactly once.</summary>
public sealed class ArchivesTests : IntegrationTest
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace History = "http://purl.org/syndication/history/1.0";
    private FeedHubApp _app = null!;

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(10), etag: "\"10\"");
        var settings = FeedHubApp.Sources(("upstream", Upstream.Url("feed.xml")));
        settings["FeedHub:Channels:0:Id"] = "planet";
        settings["FeedHub:Channels:0:Title"] = "Planet";
        settings["FeedHub:Channels:0:Sources:0"] = "*";
        settings["FeedHub:Channels:0:Limit"] = "3";
        _app = StartApp(settings: settings);
        await _app.WaitForFetchesAsync("upstream");
    }

    private async Task<HttpResponseMessage> GetAsync(Uri url)
    {
        using var client = _app.CreateClient();
        return await client.GetAsync(new Uri(url.PathAndQuery, UriKind.Relative), TestContext.Current.CancellationToken);
    }

    /// <summary>Follows prev-archive from the subscription document; returns every entry id met, in order, and each archive page's ETag and entries.</summary>
    private async Task<(List<string> Ids, Dictionary<string, (string ETag, string Entries)> Pages)> WalkAsync()
    {
        var ids = new List<string>();
        var etags = new Dictionary<string, (string ETag, string Entries)>();
        Uri? next = new("http://localhost:5080/feeds/planet.atom");
        for (var hops = 0; next is not null && hops < 50; hops++)
        {
            var response = await GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var feed = XDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Root!;
            var entries = feed.Elements(Atom + "entry").Select(e => e.Element(Atom + "id")!.Value).ToList();
            ids.AddRange(entries);
            var isArchive = feed.Element(History + "archive") is not null;
            Assert.Equal(hops > 0, isArchive);
            if (isArchive)
            {
                etags[next.AbsolutePath] = (response.Headers.ETag!.Tag, string.Join(",", entries));
                Assert.Equal("http://localhost:5080/feeds/planet.atom", Link(feed, "current"));
                Assert.Equal(TimeSpan.FromDays(30), response.Headers.CacheControl?.MaxAge);
            }

            next = Link(feed, "prev-archive") is { } prev ? new Uri(prev) : null;
        }

        return (ids, etags);
    }

    private static string? Link(XElement feed, string relation) =>
        feed.Elements(Atom + "link").FirstOrDefault(l => (string?)l.Attribute("rel") == relation)?.Attribute("href")?.Value;

    [Fact]
    public async Task WalkingPrevArchive_YieldsEveryEntryExactlyOnce_AndFullPagesNeverChange()
    {
        var (ids, etags) = await WalkAsync();

        Assert.Equal(10, ids.Count);
        Assert.Equal(10, ids.Distinct().Count());
        Assert.Equal(2, etags.Count); // (10 - 3) / 3 full pages; the subscription document keeps the newest 4.

        Upstream.ServeFeed("feed.xml", Feeds.Numbered(13), etag: "\"13\"");
        await _app.Get<SourcePoller>().PollAsync("upstream", CancellationToken.None);
        var (after, etagsAfter) = await WalkAsync();

        Assert.Equal(13, after.Count);
        Assert.Equal(13, after.Distinct().Count());
        Assert.Equal(3, etagsAfter.Count);

        // A full page never changes, byte for byte, except that the newest one gains its next-archive link.
        Assert.Equal(etags["/feeds/planet/archive/1.atom"].ETag, etagsAfter["/feeds/planet/archive/1.atom"].ETag);
        Assert.Equal(etags["/feeds/planet/archive/2.atom"].Entries, etagsAfter["/feeds/planet/archive/2.atom"].Entries);
    }

    [Fact]
    public async Task JsonFeed_PagesThroughTheSameArchives_WithNextUrl()
    {
        var ids = new List<string>();
        Uri? next = new("http://localhost:5080/feeds/planet.json");
        while (next is not null)
        {
            var json = JsonDocument.Parse(await (await GetAsync(next)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            ids.AddRange(json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            next = json.TryGetProperty("next_url", out var url) ? new Uri(url.GetString()!) : null;
        }

        Assert.Equal(10, ids.Distinct().Count());
        Assert.Equal(10, ids.Count);
    }

    [Fact]
    public async Task ABackdatedArticle_JoinsTheNewestEntries_NotAnArchivePage()
    {
        using var root = new TestDirectory();
        for (var day = 1; day <= 3; day++)
        {
            root.Write($"feeds/articles/a{day}.md", $"---\ntitle: Article {day}\npublished: 2026-11-0{day}T09:00:00Z\n---\nBody.\n");
        }

        await using var app = new FeedHubApp(root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "News",
            ["FeedHub:Channels:0:Articles"] = "true",
            ["FeedHub:Channels:0:Limit"] = "1",
        });
        using var client = app.CreateClient();
        var token = TestContext.Current.CancellationToken;
        var page1 = await client.GetAsync(new Uri("/feeds/news/archive/1.atom", UriKind.Relative), token);
        Assert.Contains("Article 1", await page1.Content.ReadAsStringAsync(token), StringComparison.Ordinal);

        // Written later but dated before every other article.
        root.Write("feeds/articles/a0.md", "---\ntitle: Article 0\npublished: 2025-01-01T09:00:00Z\n---\nBody.\n");
        await Eventually.TrueAsync(() => Task.FromResult(app.Get<FeedHub.Articles.ArticleLibrary>().Current.Articles.Length == 4), "the new article to be read");
        var page1Again = await client.GetAsync(new Uri("/feeds/news/archive/1.atom", UriKind.Relative), token);
        var subscription = await client.GetStringAsync(new Uri("/feeds/news.atom", UriKind.Relative), token);

        Assert.Equal(page1.Headers.ETag, page1Again.Headers.ETag);
        Assert.Contains("Article 0", subscription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ItemsDeletedByAnotherProcess_LeaveTheChannelAndItsPages_AndEveryOtherEntryIsStillMetOnce()
    {
        var (before, _) = await WalkAsync();

        // Another process on the same store: this process is told nothing, and keeps the channel's history between reads.
        var token = TestContext.Current.CancellationToken;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_app.ContentRoot, "data", "feedhub.db")};Pooling=False"))
        {
            await connection.OpenAsync(token);
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM items WHERE id IN (SELECT id FROM items ORDER BY id LIMIT 2)";
            Assert.Equal(2, await command.ExecuteNonQueryAsync(token));
        }

        await Eventually.TrueAsync(async () => (await WalkAsync()).Ids.Count == 8, "the deleted items to leave the channel");
        var (after, pages) = await WalkAsync();

        // The history is counted again, not only its documents: 8 entries make one full page of 3, not two.
        Assert.Equal(8, after.Distinct().Count());
        Assert.Single(pages);
        Assert.Subset(before.ToHashSet(), after.ToHashSet());
    }

    [Fact]
    public async Task ItemsStoredByAnotherProcess_JoinTheChannel_NumberedAfterTheOthers()
    {
        var (before, _) = await WalkAsync();

        // What another node or the command line does: items stored, and nothing in this process told.
        var pushed = Enumerable.Range(11, 3).Select(n => new FeedHub.Model.Item { Guid = $"pushed-{n}", Title = $"Story {n}", Published = DateTimeOffset.UtcNow.AddMinutes(n) }).ToList();
        await _app.Get<FeedHub.Storage.PollStore>().RecordPushAsync(
            new FeedHub.Model.FetchRecord { SourceId = "upstream", StartedAt = DateTimeOffset.UtcNow, Duration = TimeSpan.Zero, Outcome = FeedHub.Model.FetchOutcome.Fetched },
            pushed,
            TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(async () => (await WalkAsync()).Ids.Count == 13, "the other process's items to join the channel");
        var (after, _) = await WalkAsync();

        Assert.Equal(13, after.Distinct().Count());
        Assert.Equal(before, after.Skip(3));
    }

    [Theory]
    [InlineData("/feeds/planet/archive/0.atom")]
    [InlineData("/feeds/planet/archive/3.atom")]
    [InlineData("/feeds/planet/archive/one.atom")]
    [InlineData("/feeds/nope/archive/1.atom")]
    public async Task MissingArchivePage_Is404(string path)
    {
        var response = await GetAsync(new Uri("http://localhost:5080" + path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
