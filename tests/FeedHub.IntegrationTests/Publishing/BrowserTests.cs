using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using Microsoft.Playwright;

namespace FeedHub.IntegrationTests.Publishing;

/// <summary>The site's pages in a real browser: Debian's Chromium, driven by Playwright.</summary>
public sealed class BrowserTests
{
    [Fact]
    public async Task Reader_FindsTheFeeds_AndFollowsAnArticleToItsSources()
    {
        using var root = new TestDirectory();
        root.Write("feeds/articles/robots.md", """
            ---
            title: Robots learn to fold laundry
            slug: robots-fold
            published: 2026-11-20T09:00:00Z
            summary: Folding, finally.
            authors: [{ name: Ada Writer }]
            ai: { generated: true, model: Test Model, statement: Drafted by an AI model. }
            sources: [{ title: The robot story, url: "https://upstream.example/robots", publisher: Upstream News }]
            ---
            A short article.
            """);
        await using var hub = await RunningFeedHub.StartAsync(root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "Test News",
            ["FeedHub:Channels:0:Articles"] = "true",
        });
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(hub.BaseUrl.AbsoluteUri);
        var feeds = await page.Locator("head link[rel=alternate]").EvaluateAllAsync<string[]>("links => links.map(l => l.type + ' ' + l.href)");
        await page.GetByRole(AriaRole.Link, new() { Name = "Robots learn to fold laundry" }).ClickAsync();
        await page.WaitForURLAsync("**/articles/robots-fold");
        var source = page.Locator(".feedhub-source");
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "article-page.png"), FullPage = true });

        Assert.Contains($"application/atom+xml {hub.BaseUrl}feeds/news.atom", feeds);
        Assert.Contains($"application/rss+xml {hub.BaseUrl}feeds/news.rss", feeds);
        Assert.Contains($"application/feed+json {hub.BaseUrl}feeds/news.json", feeds);
        Assert.Equal("Robots learn to fold laundry", await page.TitleAsync());
        Assert.True(await source.IsVisibleAsync());
        Assert.Equal("Source: Upstream News — The robot story", (await source.InnerTextAsync()).Trim());
        Assert.Equal("https://upstream.example/robots", await source.Locator("a").GetAttributeAsync("href"));
        Assert.Contains("Drafted by an AI model.", await page.Locator(".feedhub-ai-disclosure").InnerTextAsync(), StringComparison.Ordinal);
    }
}
