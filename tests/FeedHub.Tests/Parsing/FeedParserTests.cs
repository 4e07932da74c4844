using System.Text;
using FeedHub.Model;
using FeedHub.Parsing;

namespace FeedHub.Tests.Parsing;

public sealed class FeedParserTests
{
    [Fact]
    public void Rss20_MapsEveryContractField()
    {
        var feed = Fixture.Parse("rss20.xml");

        Assert.Equal("Example Tech Daily", feed.Title);
        Assert.Equal("https://news.example.com/", feed.SiteUrl);
        Assert.Equal(2, feed.Items.Count);

        var item = feed.Items[0];
        Assert.Equal("news-example-4711", item.Guid);
        Assert.Equal("Robots learn to fold laundry", item.Title);
        Assert.Equal("https://news.example.com/2026/11/robots-laundry", item.Link);
        Assert.Equal("<p>A lab shows a robot that folds shirts.</p>", item.Summary);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 30, 0, TimeSpan.Zero), item.Published);
        Assert.Equal(TimeSpan.Zero, item.Published!.Value.Offset);
        Assert.Equal(["Robotics", "AI"], item.Categories);
        Assert.Equal([new ItemAuthor("Jane Roe", "editor@news.example.com", null), new ItemAuthor("John Doe", null, null)], item.Authors);
        Assert.Equal([new ItemEnclosure("https://cdn.example.com/robots.mp3", "audio/mpeg", 123456)], item.Enclosures);
    }

    [Fact]
    public void Rss20_ContentEncoded_IsSanitizedButNotDecodedTwice()
    {
        var content = Fixture.Parse("rss20.xml").Items[0].ContentHtml;

        Assert.NotNull(content);
        Assert.Contains("<em>shirts</em>", content, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", content, StringComparison.Ordinal);

        // The publisher escaped "<" once; it must stay text, not become markup.
        Assert.Contains("3 &lt; 5", content, StringComparison.Ordinal);
    }

    [Fact]
    public void Atom10_ResolvesRelativeUrlsAgainstXmlBase()
    {
        var feed = Fixture.Parse("atom10.xml");
        var first = feed.Items[0];
        var second = feed.Items[1];

        Assert.Equal("https://blog.example.org/", feed.SiteUrl);
        Assert.Equal("https://blog.example.org/posts/faster-builds", first.Link);
        Assert.Equal([new ItemEnclosure("https://blog.example.org/media/demo.mp4", "video/mp4", 2048)], first.Enclosures);
        Assert.Contains("href=\"https://blog.example.org/docs/build\"", first.ContentHtml, StringComparison.Ordinal);
        Assert.Contains("src=\"https://blog.example.org/img/chart.png\"", first.ContentHtml, StringComparison.Ordinal);

        // The entry's own xml:base overrides the feed's.
        Assert.Equal("https://other.example.net/section/entry-two", second.Link);
        Assert.Contains("href=\"https://other.example.net/section/relative/page\"", second.ContentHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void Atom10_ReadsTextConstructsByTheirType()
    {
        var feed = Fixture.Parse("atom10.xml");
        var first = feed.Items[0];

        Assert.Equal("Faster builds & tests", first.Title);
        Assert.Equal("An XHTML title", feed.Items[1].Title);

        // type="text": the angle brackets are characters, so they come out escaped in HTML.
        Assert.Equal("Builds &lt;now&gt; take half the time.", first.Summary);

        // type="html" holding an escaped entity: one level of escaping is undone, not two.
        Assert.Contains("Escaped: &amp;lt;tag&amp;gt;", first.ContentHtml, StringComparison.Ordinal);
        Assert.Equal("<p>Inline <a href=\"https://other.example.net/section/relative/page\">link</a>.</p>", feed.Items[1].ContentHtml);
    }

    [Fact]
    public void Atom10_DatesAuthorsAndInheritedAuthor()
    {
        var feed = Fixture.Parse("atom10.xml");
        var first = feed.Items[0];

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), first.Published);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero), first.Updated);
        Assert.Equal([new ItemAuthor("Ada", null, "https://blog.example.org/people/ada"), new ItemAuthor("Grace", null, null)], first.Authors);
        Assert.Equal("tag:blog.example.org,2026:1", first.Guid);
        Assert.Equal(["build"], first.Categories);

        // An entry with only <updated> has no published date, and no author: it inherits the feed's.
        Assert.Null(feed.Items[1].Published);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero), feed.Items[1].Updated);
        Assert.Equal([new ItemAuthor("Feed Author", "feed@example.org", null)], feed.Items[1].Authors);
    }

    [Fact]
    public void Rss10_UsesRdfAboutAndDublinCore()
    {
        var feed = Fixture.Parse("rss10.xml");
        var item = Assert.Single(feed.Items);

        Assert.Equal("RDF Site Summary Example", feed.Title);
        Assert.Equal("https://rdf.example.com/a", item.Guid);
        Assert.Equal("An RDF item", item.Title);
        Assert.Equal("https://rdf.example.com/a", item.Link);
        Assert.Equal("Described in RDF.", item.Summary);
        Assert.Equal([new ItemAuthor("Tim", null, null)], item.Authors);
        Assert.Equal(["Semantic Web"], item.Categories);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 12, 15, 0, TimeSpan.Zero), item.Published);
    }

    [Fact]
    public void MissingGuids_FallBackToLinkAndPermalinkGuid()
    {
        var items = Fixture.Parse("rss20-no-guids.xml", url: "https://noguid.example.com/feed").Items;

        Assert.Null(items[0].Guid);
        Assert.Equal("https://noguid.example.com/stories/only-link", items[0].Link);
        Assert.Null(items[1].Guid);
        Assert.Null(items[1].Link);
        Assert.Equal("https://noguid.example.com/stories/permalink-guid", items[2].Link);

        var keys = items.Select(ItemIdentity.KeyOf).ToList();
        Assert.Equal("link:https://noguid.example.com/stories/only-link", keys[0]);
        Assert.StartsWith("hash:", keys[1], StringComparison.Ordinal);
        Assert.Equal("guid:https://noguid.example.com/stories/permalink-guid", keys[2]);
    }

    [Fact]
    public void HtmlInTitles_BecomesPlainText()
    {
        var feed = Fixture.Parse("rss20-html-titles.xml");

        Assert.Equal("Titles & markup", feed.Title);
        Assert.Equal("Bold claim: AT&T & friends", feed.Items[0].Title);
        Assert.Equal("Why 3 < 5 and why it matters", feed.Items[1].Title);
        Assert.Equal("Spread over lines", feed.Items[2].Title);
    }

    [Fact]
    public void HtmlInJsonFeedTitles_BecomesPlainText_AsInTheXmlFormats()
    {
        const string json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "<b>Loud</b> feed",
             "items": [{"id": "1", "title": "<img src=x onerror=alert(1)>Breaking: 3 < 5", "content_text": "x",
                        "authors": [{"name": "<i>Ada</i>"}], "tags": ["<script>t</script>ai"]}]}
            """;

        var feed = Fixture.Parser.Parse(System.Text.Encoding.UTF8.GetBytes(json), "application/feed+json", new Uri("https://feeds.example.com/feed.json"));

        Assert.Equal("Loud feed", feed.Title);
        var item = Assert.Single(feed.Items);
        Assert.Equal("Breaking: 3 < 5", item.Title);
        Assert.Equal("Ada", Assert.Single(item.Authors).Name);
        Assert.DoesNotContain(item.Categories, c => c.Contains('<', StringComparison.Ordinal));
    }

    [Fact]
    public void OddDates_AreReadAsUtcOrLeftEmpty()
    {
        var dates = Fixture.Parse("rss20-odd-dates.xml").Items.ToDictionary(i => i.Guid!, i => i.Published);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 4, 5, TimeSpan.Zero), dates["pst"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), dates["wrong-weekday"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), dates["no-zone"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 4, 30, 0, TimeSpan.Zero), dates["iso-in-rss"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.Zero), dates["two-digit-year"]);
        Assert.Null(dates["garbage"]);
    }

    [Fact]
    public void JsonFeed_MapsItsFields()
    {
        var item = Assert.Single(Fixture.Parse("jsonfeed.json").Items);

        Assert.Equal("j1", item.Guid);
        Assert.Equal("JSON item", item.Title);
        Assert.Equal("https://json.example.com/posts/1", item.Link);
        Assert.Equal("Text with &lt;angle&gt; brackets.", item.ContentHtml);
        Assert.Equal([new ItemAuthor("Jay", null, "https://json.example.com/jay")], item.Authors);
        Assert.Equal(["json", "feeds"], item.Categories);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), item.Updated);
        Assert.Equal([new ItemEnclosure("https://json.example.com/a.mp3", "audio/mpeg", 99)], item.Enclosures);
    }

    [Fact]
    public void Latin1Declaration_IsReadAsWindows1252()
    {
        var feed = Fixture.Parse("rss20-latin1.xml");

        Assert.Equal("Café “quotes” €", feed.Title);
        Assert.Equal("Naïve – dash", feed.Items[0].Title);
    }

    [Fact]
    public void HttpCharset_WinsOverXmlDeclaration()
    {
        var body = Encoding.UTF8.GetBytes("""<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Zürich</title><link>https://x.example/</link><description>d</description></channel></rss>""");

        var feed = Fixture.Parser.Parse(body, "application/rss+xml; charset=utf-8", new Uri("https://x.example/feed"));

        Assert.Equal("Zürich", feed.Title);
    }

    [Theory]
    [InlineData("utf-16LE-bom")]
    [InlineData("utf-16BE-bom")]
    [InlineData("utf-16LE")]
    [InlineData("utf-32BE-bom")]
    public void WideEncodings_AreDetectedFromBytes(string variant)
    {
        const string xml = """<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Ωmega</title><link>https://w.example/</link><description>d</description></channel></rss>""";
        var encoding = variant switch
        {
            "utf-16LE-bom" or "utf-16LE" => (Encoding)new UnicodeEncoding(false, true),
            "utf-16BE-bom" => new UnicodeEncoding(true, true),
            _ => new UTF32Encoding(true, true),
        };
        var body = variant.EndsWith("bom", StringComparison.Ordinal) ? [.. encoding.GetPreamble(), .. encoding.GetBytes(xml)] : encoding.GetBytes(xml);

        Assert.Equal("Ωmega", Fixture.Parser.Parse(body, null, new Uri("https://w.example/feed")).Title);
    }

    [Theory]
    [InlineData("", "The document is empty.")]
    [InlineData("<rss version=\"2.0\"><channel><title>One</channel></rss>", "not well-formed XML")]
    [InlineData("<!DOCTYPE html><html><head><title>Home</title></head><body>Welcome</body></html>", "HTML page, not a feed")]
    [InlineData("<html><body><p>Unclosed<br></body></html>", "HTML page, not a feed")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "not a feed format")]
    [InlineData("{\"not\": \"a feed\"", "not a JSON Feed")]
    public void Unreadable_ThrowsFeedParseExceptionThatSaysWhy(string body, string reason)
    {
        var error = Assert.Throws<FeedParseException>(() => Fixture.Parser.Parse(Encoding.UTF8.GetBytes(body), null, new Uri("https://x.example/")));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalEntities_AreNeverResolved()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOP-SECRET");
        var body = Encoding.UTF8.GetBytes($"""
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
            <rss version="2.0"><channel><title>t</title><link>https://x.example/</link><description>d</description>
            <item><title>&xxe;</title><guid>1</guid></item></channel></rss>
            """);

        try
        {
            // The entity is left as the text it is: no parser sees the DTD, so nothing is fetched.
            var feed = Fixture.Parser.Parse(body, null, new Uri("https://x.example/"));
            Assert.Equal("&xxe;", Assert.Single(feed.Items).Title);
        }
        finally
        {
            File.Delete(secret);
        }
    }
}
