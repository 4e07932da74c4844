using FeedHub.Articles;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;

namespace FeedHub.IntegrationTests.Articles;

public sealed class ArticleLibraryTests
{
    private static string Article(string title) => $"---\ntitle: {title}\npublished: 2026-11-20T09:00:00Z\n---\nBody.\n";

    [Fact]
    public async Task ChangedFiles_AreReadAgain_WithoutARestart()
    {
        using var root = new TestDirectory();
        root.Write("feeds/articles/first.md", Article("First"));
        await using var app = FeedHubApp.Start(root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "News",
            ["FeedHub:Channels:0:Articles"] = "true",
        });
        var library = app.Get<ArticleLibrary>();
        Assert.Equal(["First"], library.Current.Articles.Select(a => a.Title));

        root.Write("feeds/articles/second.md", Article("Second"));
        root.Write("feeds/articles/first.md", Article("First, corrected"));
        await Eventually.TrueAsync(() => Task.FromResult(library.Current.Articles.Length == 2 && library.Current.Articles.Any(a => a.Title == "First, corrected")), "the edited folder to be read");

        File.Delete(Path.Combine(root.Path, "feeds", "articles", "second.md"));
        await Eventually.TrueAsync(() => Task.FromResult(library.Current.Articles.Length == 1), "the deleted article to go");
        using var client = app.CreateClient();
        var feed = await client.GetStringAsync(new Uri("/feeds/news.atom", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("First, corrected", feed, StringComparison.Ordinal);
        Assert.DoesNotContain("Second", feed, StringComparison.Ordinal);
    }
}
