using System.Diagnostics;
using Dapper;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using Microsoft.Data.Sqlite;

namespace FeedHub.IntegrationTests.Publishing;

/// <summary>A real feed reader (Debian's newsboat) subscribed to FeedHub's feeds, over a real socket.</summary>
public sealed class FeedReaderTests
{
    private const string Article = """
        ---
        title: Robots learn to fold laundry
        slug: robots-fold
        published: 2026-11-20T09:00:00Z
        authors: [{ name: Ada Writer }]
        sources: [{ title: The robot story, url: "https://upstream.example/robots", publisher: Upstream News }]
        ---
        A short article.
        """;

    [Theory]
    [InlineData("news.atom")]
    [InlineData("news.rss")]
    public async Task Newsboat_ShowsTheArticles_WithAuthorsAndSources(string feed)
    {
        var newsboat = DebianTool.Require("/usr/bin/newsboat", "newsboat");
        using var root = new TestDirectory();
        root.Write("feeds/articles/robots.md", Article);
        await using var hub = await RunningFeedHub.StartAsync(root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "Test News",
            ["FeedHub:Channels:0:Articles"] = "true",
        });
        using var reader = new TestDirectory();
        var urls = reader.Write("urls", new Uri(hub.BaseUrl, $"feeds/{feed}").AbsoluteUri + "\n");
        var config = reader.Write("config", "reload-threads 1\n");
        var cache = Path.Combine(reader.Path, "cache.db");

        var start = new ProcessStartInfo(newsboat, ["-u", urls, "-c", cache, "-C", config, "-x", "reload"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["HOME"] = reader.Path;
        using (var process = Process.Start(start)!)
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, process.ExitCode);
        }

        await using var connection = new SqliteConnection($"Data Source={cache};Mode=ReadOnly;Pooling=False");
        var items = (await connection.QueryAsync<(string Title, string Author, string Url, string Content)>(
            "SELECT title, author, url, content FROM rss_item")).ToList();

        var item = Assert.Single(items);
        Assert.Equal("Robots learn to fold laundry", item.Title);
        Assert.Equal("Ada Writer", item.Author);
        Assert.Equal(new Uri(hub.BaseUrl, "articles/robots-fold").AbsoluteUri, item.Url);
        Assert.Contains("Source: Upstream News", item.Content, StringComparison.Ordinal);
        Assert.Contains("https://upstream.example/robots", item.Content, StringComparison.Ordinal);
    }
}
