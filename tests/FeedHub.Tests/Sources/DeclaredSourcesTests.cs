using FeedHub.Model;
using FeedHub.Sources;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.Tests.Sources;

public sealed class DeclaredSourcesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static OpmlOutline Outline(string url, string? id = null, string? title = null, string? schedule = null, int line = 1) =>
        new(line, id, title, url, null, schedule, ["Tag"], null);

    [Fact]
    public void Build_ConfigWinsOverOpmlForTheSameUrl()
    {
        var options = new SourcesOptions
        {
            Sources = [new SourceOptions { Id = "tc", Title = "TechCrunch", Url = "https://techcrunch.com/feed/", License = LicensePolicy.Excerpt }],
        };
        var opml = new OpmlSubscriptions([Outline("https://techcrunch.com/feed/", id: "techcrunch"), Outline("https://example.com/rss", title: "Example News")], []);

        var result = DeclaredSources.Build(options, opml, "30m", Now);

        Assert.Empty(result.Problems);
        Assert.Collection(
            result.Sources,
            s =>
            {
                Assert.Equal("tc", s.Id);
                Assert.Equal(SourceOrigin.Config, s.Origin);
                Assert.Equal("30m", s.Schedule);
                Assert.Equal(LicensePolicy.Excerpt, s.License);
            },
            s =>
            {
                Assert.Equal("example-com-rss", s.Id);
                Assert.Equal(SourceOrigin.Opml, s.Origin);
                Assert.Equal(["Tag"], s.Tags);
            });
    }

    [Fact]
    public void Build_DerivesStableUniqueIdsFromUrls_AndReportsBadOutlines()
    {
        var opml = new OpmlSubscriptions(
            [
                Outline("https://www.example.com/news/feed/", title: "Renaming me changes nothing", line: 3),
                Outline("https://example.com/news/feed", title: "Same slug, other URL", line: 4),
                Outline("https://d.example.com/rss", id: "Not Valid", line: 5),
                Outline("https://e.example.com/rss", schedule: "whenever", line: 7),
                Outline("https://f.example.com/rss", schedule: "0 0 0 1 1 ? 2020", line: 12),
            ],
            ["line 9: 'ftp://x' is not an absolute http or https URL."]);

        var result = DeclaredSources.Build(new SourcesOptions(), opml, "1h", Now);

        Assert.Equal(["example-com-news-feed", "example-com-news-feed-2"], result.Sources.Select(s => s.Id));

        // In the order of the file, whichever step found them.
        Assert.Equal(["line 5", "line 7", "line 9", "line 12"], result.Problems.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Contains(result.Problems, p => p.Contains("never fires again", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ReportsAUrlListedTwiceInTheOpml_ButNotOneAlsoInConfiguration()
    {
        var options = new SourcesOptions { Sources = [new SourceOptions { Id = "tc", Url = "https://techcrunch.com/feed/" }] };
        var opml = new OpmlSubscriptions(
            [
                Outline("https://techcrunch.com/feed/"),
                Outline("https://example.com/rss"),
                new(7, null, "Again", "https://example.com/rss", null, null, [], null),
            ],
            []);

        var result = DeclaredSources.Build(options, opml, "1h", Now);

        Assert.Equal(["tc", "example-com-rss"], result.Sources.Select(s => s.Id));
        Assert.Equal(["line 7: https://example.com/rss is already listed (as 'example-com-rss'); skipped."], result.Problems);
    }

    [Fact]
    public void Validator_NamesTheKeyAtFault()
    {
        var options = new SourcesOptions
        {
            Sources =
            [
                new SourceOptions { Id = "ok", Url = "https://ok.example.com/" },
                new SourceOptions { Id = "ok", Url = "notaurl", Schedule = "sometimes" },
                new SourceOptions { Id = "past", Url = "https://past.example.com/", Schedule = "0 0 0 1 1 ? 2020" },
            ],
        };

        var result = new SourcesOptionsValidator(new FakeTimeProvider(Now)).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("FeedHub:Sources:1:Id", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("FeedHub:Sources:1:Url", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("FeedHub:Sources:1:Schedule", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f == "FeedHub:Sources:2:Schedule: '0 0 0 1 1 ? 2020' never fires again.");
    }
}
