using System.Text;

namespace FeedHub.Tests.Parsing;

/// <summary>The WebSub hub and self links a document advertises, in each format.</summary>
public sealed class HubDiscoveryTests
{
    private static readonly Uri Fetched = new("https://feeds.example.com/feed.xml");

    private static FeedHub.Parsing.ParsedFeed Parse(string text, string? contentType = null) =>
        Fixture.Parser.Parse(Encoding.UTF8.GetBytes(text), contentType, Fetched);

    [Fact]
    public void Atom_HubAndSelf_AreResolvedAgainstTheDocument()
    {
        var feed = Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id><updated>2026-11-25T10:00:00Z</updated>
            <link rel="self" href="/feed.atom"/><link rel="hub" href="https://hub.example/"/><link rel="hub" href="/second-hub"/>
            <link href="https://feeds.example.com/"/></feed>
            """);

        Assert.Equal(["https://hub.example/", "https://feeds.example.com/second-hub"], feed.Hubs);
        Assert.Equal("https://feeds.example.com/feed.atom", feed.Self);
        Assert.Equal("https://feeds.example.com/", feed.SiteUrl);
    }

    [Fact]
    public void Rss_AtomLinks_AreRead_AndTheRssLinkIsStillTheHomePage()
    {
        var feed = Parse("""
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><link>https://site.example/</link>
            <atom:link rel="hub" href="https://pubsubhubbub.appspot.com"/><atom:link rel="self" type="application/rss+xml" href="https://site.example/feed/"/>
            </channel></rss>
            """);

        Assert.Equal(["https://pubsubhubbub.appspot.com"], feed.Hubs);
        Assert.Equal("https://site.example/feed/", feed.Self);
        Assert.Equal("https://site.example/", feed.SiteUrl);
    }

    [Fact]
    public void JsonFeed_Hubs_AndFeedUrl()
    {
        var feed = Parse(
            """{"version":"https://jsonfeed.org/version/1.1","title":"T","feed_url":"https://site.example/feed.json","hubs":[{"type":"WebSub","url":"https://hub.example/websub"}],"items":[]}""",
            "application/feed+json");

        Assert.Equal(["https://hub.example/websub"], feed.Hubs);
        Assert.Equal("https://site.example/feed.json", feed.Self);
    }

    [Fact]
    public void NoHub_NoScriptHub()
    {
        var feed = Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id><updated>2026-11-25T10:00:00Z</updated>
            <link rel="hub" href="javascript:alert(1)"/><link rel="hub" href="ftp://hub.example/"/></feed>
            """);

        Assert.Empty(feed.Hubs);
        Assert.Null(feed.Self);
    }
}
