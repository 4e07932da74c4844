using System.Net;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;

namespace FeedHub.IntegrationTests.Publishing;

public sealed class SitePagesTests : IntegrationTest
{
    private FeedHubApp _app = null!;

    protected override ValueTask SetUpAsync()
    {
        var root = NewDirectory();
        root.Write("feeds/articles/a.md", """
            ---
            title: An <article> & more
            slug: an-article
            published: 2026-11-20T09:00:00Z
            summary: What it is about.
            authors: [{ name: Ada Writer, uri: "https://writers.example/ada" }]
            ai: { generated: true, model: Test Model, statement: Generated for a test. }
            sources: [{ title: The story, url: "https://upstream.example/story", publisher: Upstream News }]
            ---
            Body <script>alert(1)</script> text, [a trap](javascript:alert(1)) and ![](javascript:alert(2)).
            """);
        _app = StartApp(root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "Test News",
            ["FeedHub:Channels:0:Articles"] = "true",
        });
        return ValueTask.CompletedTask;
    }

    private async Task<(HttpStatusCode Status, string Html)> GetAsync(string url)
    {
        using var client = _app.CreateClient();
        var response = await client.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Home_ListsFeedsAndArticles_WithAutodiscovery()
    {
        var (status, html) = await GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Test News (Atom)\" href=\"http://localhost:5080/feeds/news.atom\">", html, StringComparison.Ordinal);
        Assert.Contains("type=\"application/feed+json\"", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/articles/an-article\">An &lt;article&gt; &amp; more</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Article_ShowsItsAttribution_AndEscapesWhatItQuotes()
    {
        var (status, html) = await GetAsync("/articles/an-article");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1>An &lt;article&gt; &amp; more</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Source: Upstream News — <a href=\"https://upstream.example/story\">The story</a>", html, StringComparison.Ordinal);
        Assert.Contains("Generated for a test. Model: Test Model.", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"author\">Ada Writer</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"http://localhost:5080/feeds/news.rss\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownArticle_Is404Page()
    {
        var (status, html) = await GetAsync("/articles/missing");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("There is no article", html, StringComparison.Ordinal);
    }
}
