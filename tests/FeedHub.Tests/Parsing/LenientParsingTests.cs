using System.Text;
using FeedHub.Parsing;

namespace FeedHub.Tests.Parsing;

/// <summary>Each repair the parsing layer makes, on a document written for it.</summary>
public sealed class LenientParsingTests
{
    private static readonly Uri Url = new("https://feeds.example.com/news/feed.xml");

    private static ParsedFeed Parse(string xml, string? contentType = null) => Fixture.Parser.Parse(Encoding.UTF8.GetBytes(xml), contentType, Url);

    private static ParsedFeed Parse(byte[] body, string? contentType = null) => Fixture.Parser.Parse(body, contentType, Url);

    private static string Rss(string channel) => $"<rss version=\"2.0\"><channel>{channel}</channel></rss>";

    [Fact]
    public void WellFormedDocument_IsNotFlagged()
    {
        var feed = Parse(Rss("<title>Fine &amp; dandy &#233;</title><item><title>x</title></item>"));

        Assert.Null(feed.Recovery);
        Assert.Equal("Fine & dandy é", feed.Title);
    }

    [Theory]
    [InlineData("<title>Caf&eacute; &amp; bar&nbsp;&mdash; open</title>", "Café & bar — open", "HTML entities")]
    [InlineData("<title>Fish & chips</title>", "Fish & chips", "unescaped '&'")]
    [InlineData("<title>&#X41;&#x42;C</title>", "ABC", "uppercase hexadecimal")]
    [InlineData("<title>Bell\u0007 and\u0001 null&#0;</title>", "Bell and null", "not allowed in XML")]
    [InlineData("<title>&undefinedthing;</title>", "&undefinedthing;", "undefined entities")]
    public void IllFormedText_IsRepaired_AndTheRepairRecorded(string channel, string title, string reason)
    {
        var feed = Parse(Rss(channel));

        Assert.Equal(title, feed.Title);
        Assert.Contains(reason, feed.Recovery, StringComparison.Ordinal);
    }

    [Fact]
    public void AmpersandsInAttributesAndCData_AreHandledApart()
    {
        var feed = Parse(Rss("""<item><title><![CDATA[R&D <!DOCTYPE not a doctype>]]></title><enclosure url="https://cdn.example.com/a.mp3?x=1&y=2" type="audio/mpeg"/></item>"""));

        Assert.Equal("R&D", feed.Items[0].Title);
        Assert.Equal("https://cdn.example.com/a.mp3?x=1&y=2", feed.Items[0].Enclosures[0].Url);
        Assert.Contains("unescaped '&'", feed.Recovery, StringComparison.Ordinal);
    }

    [Fact]
    public void CutOffDocument_IsClosed_AndFlagged()
    {
        var feed = Parse("<rss version=\"2.0\"><channel><title>Cut</title><item><title>First</title></item><item><title>Sec");

        Assert.Equal("Cut", feed.Title);
        Assert.Equal(["First", "Sec"], feed.Items.Select(i => i.Title));
        Assert.Contains("cut off", feed.Recovery, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedClosingTag_IsCompleted()
    {
        var feed = Parse("<rss><channel><title>T</title></channel></rss");

        Assert.Equal("T", feed.Title);
        Assert.NotNull(feed.Recovery);
    }

    [Fact]
    public void InternalEntities_AreExpanded_WithoutProcessingTheDtd()
    {
        var feed = Parse("""
            <!DOCTYPE rss [ <!ENTITY site "tag:example.com,"> <!ENTITY ext SYSTEM "file:///etc/passwd"> ]>
            <rss version="2.0"><channel><item><guid isPermaLink="false">&site;2026:1</guid><title>&ext;</title></item></channel></rss>
            """);

        Assert.Equal("tag:example.com,2026:1", feed.Items[0].Guid);
        Assert.Equal("&ext;", feed.Items[0].Title);
    }

    [Fact]
    public void EntityBomb_IsNeverExpanded()
    {
        var declarations = new StringBuilder("<!ENTITY lol0 \"lollollollollollollollollollol\">");
        for (var i = 1; i <= 9; i++)
        {
            declarations.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        // Hidden behind a comment that mentions a DOCTYPE, which must not confuse the pre-pass.
        var xml = $"<!-- <!DOCTYPE decoy> --><!DOCTYPE rss [{declarations}]><rss><channel><title>&lol9;</title></channel></rss>";

        var feed = Parse(xml);

        Assert.True(feed.Title is null || feed.Title.Length < 100, $"title of {feed.Title?.Length} characters");
    }

    [Fact]
    public void LargeEntityUsedOften_StopsExpandingAtTheLimit()
    {
        var value = new string('x', 60_000);
        var uses = string.Concat(Enumerable.Repeat("&big;", 50_000));

        var feed = Parse($"<!DOCTYPE rss [<!ENTITY big \"{value}\">]><rss><channel><title>{uses}</title></channel></rss>");

        Assert.True(feed.Title!.Length < 200_000, $"title of {feed.Title.Length} characters");
        Assert.Contains("entity expansion stopped", feed.Recovery, StringComparison.Ordinal);
    }

    [Fact]
    public void EntityInAnAttribute_IsEscapedForIt()
    {
        var feed = Parse("""<!DOCTYPE rss [<!ENTITY t 'say "hi"'>]><rss><channel><item><title>x</title><enclosure url="https://e.example/a" type="&t;"/></item></channel></rss>""");

        Assert.Equal("say \"hi\"", feed.Items[0].Enclosures[0].Type);
    }

    [Fact]
    public void DeeplyNestedXml_IsRefusedBeforeAnyParserSeesIt()
    {
        var depth = 100_000;
        var xml = "<rss><channel><item><description>" + string.Concat(Enumerable.Repeat("<b>", depth)) + string.Concat(Enumerable.Repeat("</b>", depth)) + "</description></item></channel></rss>";

        var error = Assert.Throws<FeedParseException>(() => Parse(xml));

        Assert.Contains("nests elements more than", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-7", null)]
    [InlineData(null, "text/xml; charset=utf-7")]
    public void UnsupportedEncodings_AreUnknown_NotAnError(string? declared, string? contentType)
    {
        var feed = Parse(Encoding.UTF8.GetBytes((declared is null ? string.Empty : $"<?xml version=\"1.0\" encoding=\"{declared}\"?>") + Rss("<title>ok</title>")), contentType);

        Assert.Equal("ok", feed.Title);
    }

    [Fact]
    public void CutOffInsideCData_KeepsTheItemsBefore()
    {
        var feed = Parse("<rss><channel><title>T</title><item><title>Whole</title></item><item><title>Cut</title><description><![CDATA[<p>Half a para");

        Assert.Equal(["Whole", "Cut"], feed.Items.Select(i => i.Title));
        Assert.Equal("<p>Half a para</p>", feed.Items[1].Summary);
    }

    [Fact]
    public void XmlBaseOnTheLinkItself_IsHonoured()
    {
        var feed = Parse(Rss("""<item><title>x</title><link xml:base="https://b.example/dir/">page</link></item>"""));

        Assert.Equal("https://b.example/dir/page", feed.Items[0].Link);
    }

    [Fact]
    public void C1Characters_AreReadAsWindows1252()
    {
        var feed = Parse(Rss("<title>don\u0092t &#150; &#8217;ok</title>"));

        Assert.Equal("don’t – ’ok", feed.Title);
        Assert.Null(feed.Recovery);
    }

    [Theory]
    [InlineData("CafÃ© â€“ naÃ¯ve", "Café – naïve")]
    [InlineData("Ångström and Ã alone", "Ångström and Ã alone")]
    [InlineData("„Gruß“ aus dem Château", "„Gruß“ aus dem Château")]
    [InlineData("ÉTÉ: CAFÉ… 5×²", "ÉTÉ: CAFÉ… 5×²")]
    [InlineData("Ã¼ber â€žQuotesâ€œ", "über „Quotes“")]
    [InlineData("Plain ASCII", "Plain ASCII")]
    public void DoubleEncodedUtf8_IsRepairedOnlyWhereItRoundTrips(string title, string expected)
    {
        Assert.Equal(expected, Parse(Rss($"<title>{title}</title>")).Title);
    }

    [Fact]
    public void UnknownEncodingAndInvalidBytes_AreReadAndFlagged()
    {
        var unknown = Parse(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"x-no-such-encoding\"?>" + Rss("<title>ok</title>")));
        var invalid = Parse([.. Encoding.UTF8.GetBytes("<rss><channel><title>bad "), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(" bytes</title></channel></rss>")]);

        Assert.Equal("ok", unknown.Title);
        Assert.Contains("x-no-such-encoding", unknown.Recovery, StringComparison.Ordinal);
        Assert.Equal("bad \uFFFD\uFFFD bytes", invalid.Title);
        Assert.Contains("invalid in utf-8", invalid.Recovery, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf16LabelOnAsciiBytes_IsAMislabel()
    {
        var feed = Parse(Encoding.UTF8.GetBytes(Rss("<title>ascii</title>")), "text/xml; charset=utf-16");

        Assert.Equal("ascii", feed.Title);
    }

    [Fact]
    public void RssFallbacks_AreRead()
    {
        var feed = Parse("""
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"
                 xmlns:media="http://search.yahoo.com/mrss/" xmlns:xhtml="http://www.w3.org/1999/xhtml" xmlns:dcterms="http://purl.org/dc/terms/">
              <channel>
                <dc:title>DC title</dc:title>
                <itunes:subtitle>Podcast subtitle</itunes:subtitle>
                <dc:date>2026-11-20T10:00:00Z</dc:date>
                <item><dc:title>From DC</dc:title><dc:description>DC description</dc:description><dcterms:issued>2026-11-21T10:00:00Z</dcterms:issued><dcterms:modified>2026-11-22T10:00:00Z</dcterms:modified></item>
                <item><media:title>From Media RSS</media:title><itunes:summary>iTunes summary</itunes:summary></item>
                <item><title>Split</title><summary>The summary</summary><description>The full description</description></item>
                <item><title>Body</title><xhtml:body><p>In <b>XHTML</b></p></xhtml:body></item>
              </channel>
            </rss>
            """);

        Assert.Equal("DC title", feed.Title);
        Assert.Equal("Podcast subtitle", feed.Subtitle);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), feed.Updated);
        Assert.Equal(("From DC", "DC description"), (feed.Items[0].Title, feed.Items[0].Summary));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), feed.Items[0].Published);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), feed.Items[0].Updated);
        Assert.Equal(("From Media RSS", "iTunes summary"), (feed.Items[1].Title, feed.Items[1].Summary));
        Assert.Equal(("The summary", "The full description"), (feed.Items[2].Summary, feed.Items[2].ContentHtml));
        Assert.Equal("<p>In <b>XHTML</b></p>", feed.Items[3].ContentHtml);
    }

    [Fact]
    public void RssInANamespace_AndItemsOutsideTheChannel_AreRead()
    {
        var prefixed = Parse("""<r:rss xmlns:r="http://backend.userland.com/rss2" version="2.0"><r:channel><r:title>Prefixed</r:title><r:item><r:title>One</r:title></r:item></r:channel></r:rss>""");
        var outside = Parse("""<rss version="0.91"><channel><title>Loose</title></channel><item><title>Stray</title><description>Naked <b>markup</b></description></item></rss>""");

        Assert.Equal(("Prefixed", "One"), (prefixed.Title, prefixed.Items[0].Title));
        Assert.Equal("Stray", Assert.Single(outside.Items).Title);
        Assert.Equal("Naked <b>markup</b>", outside.Items[0].Summary);
    }

    [Fact]
    public void Cdf_IsRead()
    {
        var feed = Parse("""
            <CHANNEL HREF="https://cdf.example.com/" LASTMOD="2026-11-20T10:00">
              <TITLE>Channel Definition</TITLE><ABSTRACT>Old but served</ABSTRACT>
              <ITEM HREF="/page" LASTMOD="2026-11-21T10:00"><TITLE>An item</TITLE><ABSTRACT>About it</ABSTRACT></ITEM>
            </CHANNEL>
            """);

        Assert.Equal(("Channel Definition", "https://cdf.example.com/", "Old but served"), (feed.Title, feed.SiteUrl, feed.Subtitle));
        var item = Assert.Single(feed.Items);
        Assert.Equal(("An item", "https://feeds.example.com/page", "About it"), (item.Title, item.Link, item.Summary));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), item.Updated);
    }

    [Fact]
    public void AtomBase64AndXhtml_AreDecodedByVersion()
    {
        var html = Convert.ToBase64String(Encoding.UTF8.GetBytes("<p>Encoded <b>body</b></p>"));
        var atom10 = Parse($"""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
              <entry><id>/posts/1</id><title>B</title><content type="application/octet-stream">{html}</content>
                <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Unwrapped <i>div</i></div></summary></entry>
              <entry><id>opaque-id</id><title>C</title><content src="https://example.com/elsewhere" type="text/html"/></entry>
            </feed>
            """);
        var atom03 = Parse($"""
            <feed version="0.3" xmlns="http://purl.org/atom/ns#"><title mode="base64">{Convert.ToBase64String(Encoding.UTF8.GetBytes("Title <b>bold</b>"))}</title>
              <tagline>Old subtitle</tagline>
              <entry><title>D</title><summary type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml">Kept <b>div</b></div></summary><issued>2026-11-20T10:00:00Z</issued></entry>
            </feed>
            """);

        Assert.Equal("<p>Encoded <b>body</b></p>", atom10.Items[0].ContentHtml);
        Assert.Equal("Unwrapped <i>div</i>", atom10.Items[0].Summary);
        Assert.Equal("https://feeds.example.com/posts/1", atom10.Items[0].Guid);
        Assert.Equal("opaque-id", atom10.Items[1].Guid);
        Assert.Null(atom10.Items[1].ContentHtml);
        Assert.Equal(("Title bold", "Old subtitle"), (atom03.Title, atom03.Subtitle));
        Assert.Equal("<div>Kept <b>div</b></div>", atom03.Items[0].Summary);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), atom03.Items[0].Published);
    }

    [Fact]
    public void AbsoluteUrls_AreKeptAsWritten()
    {
        var feed = Parse(Rss("<link>http://Example.COM/Path?Q=1</link><item><link>https://News.Example.com/A</link></item>"));

        Assert.Equal("http://Example.COM/Path?Q=1", feed.SiteUrl);
        Assert.Equal("https://News.Example.com/A", feed.Items[0].Link);
    }

    [Fact]
    public void UnreadableDates_AreLeftEmpty_AndNamed()
    {
        var feed = Parse(Rss("<item><title>a</title><pubDate>the day before yesterday</pubDate></item><item><title>b</title><pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate></item>"));

        Assert.Null(feed.Items[0].Published);
        Assert.NotNull(feed.Items[1].Published);
        Assert.Equal(["the day before yesterday"], feed.UnreadableDates);
    }
}
