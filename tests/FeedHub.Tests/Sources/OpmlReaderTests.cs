using FeedHub.Model;
using FeedHub.Sources;
using FeedHub.Testing;

namespace FeedHub.Tests.Sources;

public sealed class OpmlReaderTests
{
    [Fact]
    public void Read_TakesStandardAndFeedHubAttributesAndFolderTags()
    {
        const string opml = """
            <?xml version="1.0"?>
            <opml version="2.0" xmlns:feedhub="urn:feedhub:opml:1">
              <head><title>t</title></head>
              <body>
                <outline text="News">
                  <outline text="Example" xmlUrl="https://example.com/feed" htmlUrl="https://example.com/"
                           category="/Tech/AI,Startups" feedhub:id="example" feedhub:schedule="10m" feedhub:license="LinkOnly"/>
                </outline>
                <outline title="Bare" text="ignored" xmlUrl="https://bare.example.org/rss"/>
              </body>
            </opml>
            """;

        var result = OpmlReader.Read(new StringReader(opml));

        Assert.Empty(result.Problems);
        var first = result.Outlines[0];
        Assert.Equal("example", first.Id);
        Assert.Equal("Example", first.Title);
        Assert.Equal("https://example.com/feed", first.XmlUrl);
        Assert.Equal("10m", first.Schedule);
        Assert.Equal(LicensePolicy.LinkOnly, first.License);
        Assert.Equal(["News", "Tech", "AI", "Startups"], first.Tags);

        var bare = result.Outlines[1];
        Assert.Equal("Bare", bare.Title);
        Assert.Null(bare.Id);
        Assert.Null(bare.License);
        Assert.Empty(bare.Tags);
    }

    [Fact]
    public void Read_SkipsBadOutlinesAndSaysWhichLine()
    {
        const string opml = """
            <opml version="2.0" xmlns:feedhub="urn:feedhub:opml:1"><body>
            <outline text="Bad URL" xmlUrl="ftp://example.com/feed"/>
            <outline text="Bad licence" xmlUrl="https://example.com/a" feedhub:license="Everything"/>
            <outline text="Good" xmlUrl="https://example.com/b"/>
            </body></opml>
            """;

        var result = OpmlReader.Read(new StringReader(opml));

        Assert.Equal("https://example.com/b", Assert.Single(result.Outlines).XmlUrl);
        Assert.Collection(
            result.Problems,
            p => Assert.StartsWith("line 2: ", p, StringComparison.Ordinal),
            p => Assert.Contains("Everything", p, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<opml><body><outline", "Not well-formed XML")]
    [InlineData("<rss version=\"2.0\"/>", "Not an OPML document")]
    [InlineData("<!DOCTYPE opml [<!ENTITY x \"y\">]><opml><body/></opml>", "Not well-formed XML")]
    public void Read_RefusesWhatIsNotOpml(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => OpmlReader.Read(new StringReader(text)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedSourcesFile_DeclaresTechCrunchAndIsClean()
    {
        var path = Path.Combine(TestCorpus.RepositoryRoot(), "feeds", "sources.opml");
        using var reader = File.OpenText(path);

        var result = OpmlReader.Read(reader);

        Assert.Empty(result.Problems);
        Assert.Contains(result.Outlines, o => o.XmlUrl == "https://techcrunch.com/feed/" && o.Id == "techcrunch");
        Assert.All(result.Outlines, o => Assert.True(PollSchedule.TryParse(o.Schedule, out _, out _), o.Schedule));
    }

    [Fact]
    public void Read_RefusesOutlinesNestedThousandsDeep_InsteadOfOverflowingTheStack()
    {
        // 12,000 folders around one feed: walking it one call per level ended the process.
        const int levels = 12_000;
        var opml = new System.Text.StringBuilder("<opml version=\"2.0\"><body>\n");
        opml.Insert(opml.Length, "<outline text=\"f\">", levels);
        opml.Append("<outline text=\"Feed\" xmlUrl=\"https://example.com/feed\"/>");
        opml.Insert(opml.Length, "</outline>", levels);
        opml.Append("</body></opml>");

        var refused = Assert.Throws<FormatException>(() => OpmlReader.Read(new StringReader(opml.ToString())));

        Assert.Equal($"line 2: outlines nest deeper than {OpmlReader.MaxDepth} levels; folders in a subscription list are a few levels deep.", refused.Message);
    }

    [Fact]
    public void Read_TakesFoldersUpToTheDepthLimit()
    {
        var opml = new System.Text.StringBuilder("<opml version=\"2.0\"><body>");
        opml.Insert(opml.Length, "<outline text=\"f\">", OpmlReader.MaxDepth - 1);
        opml.Append("<outline text=\"Feed\" xmlUrl=\"https://example.com/feed\"/>");
        opml.Insert(opml.Length, "</outline>", OpmlReader.MaxDepth - 1);
        opml.Append("</body></opml>");

        var outline = Assert.Single(OpmlReader.Read(new StringReader(opml.ToString())).Outlines);

        Assert.Equal(["f"], outline.Tags);
    }
}
