using FeedHub.Model;
using FeedHub.Sources;

namespace FeedHub.Tests.Sources;

public sealed class DeclaredSourcesTests
{
    private static OpmlOutline Outline(string url, string? id = null, string? title = null, string? schedule = null) =>
        new(1, id, title, url, null, schedule, ["Tag"], null);

    [Fact]
    public void Build_ConfigWinsOverOpmlForTheSameUrl()
    {
        var options = new SourcesOptions
        {
            Sources = [new SourceOptions { Id = "tc", Title = "TechCrunch", Url = "https://techcrunch.com/feed/", License = LicensePolicy.Excerpt }],
        };
        var opml = new OpmlSubscriptions([Outline("https://techcrunch.com/feed/", id: "techcrunch"), Outline("https://example.com/rss", title: "Example News")], []);

        var result = DeclaredSources.Build(options, opml, "30m");

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
                Assert.Equal("example-news", s.Id);
                Assert.Equal(SourceOrigin.Opml, s.Origin);
                Assert.Equal(["Tag"], s.Tags);
            });
    }

    [Fact]
    public void Build_DerivesUniqueIdsAndReportsBadOutlines()
    {
        var opml = new OpmlSubscriptions(
            [
                Outline("https://a.example.com/rss", title: "Same Name"),
                Outline("https://b.example.com/rss", title: "Same Name"),
                Outline("https://c.example.com/rss"),
                Outline("https://d.example.com/rss", id: "Not Valid"),
                Outline("https://e.example.com/rss", schedule: "whenever"),
            ],
            []);

        var result = DeclaredSources.Build(new SourcesOptions(), opml, "1h");

        Assert.Equal(["same-name", "same-name-2", "c-example-com"], result.Sources.Select(s => s.Id));
        Assert.Equal(2, result.Problems.Count);
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
            ],
        };

        var result = new SourcesOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("FeedHub:Sources:1:Id", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("FeedHub:Sources:1:Url", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("FeedHub:Sources:1:Schedule", StringComparison.Ordinal));
    }
}
