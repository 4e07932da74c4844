using System.Security;

namespace FeedHub.Testing;

/// <summary>The documents FeedHub reads, as hostile surfaces: the tests of a reader and of each way a document arrives (polled, posted, imported) try the same cases.</summary>
internal static class HostileDocuments
{
    public static readonly string[] FeedFormats = ["rss", "atom", "json"];

    /// <summary>An OPML subscription list: a hostile title, or folders nested deep around one feed.</summary>
    public static readonly HostileSurface Opml = new(
        OpmlWith("Tech"),
        value => OpmlWith(SecurityElement.Escape(value)),
        depth => $"<opml version=\"2.0\"><body>{string.Concat(Enumerable.Repeat("<outline text=\"folder\">", depth))}<outline type=\"rss\" xmlUrl=\"http://127.0.0.1:9/deep.xml\"/>{string.Concat(Enumerable.Repeat("</outline>", depth))}</body></opml>");

    public static HostileSurface Feed(string format) => format switch
    {
        "rss" => new(
            Rss("A title"),
            value => Rss(SecurityElement.Escape(value)),
            depth => $"<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><description>{string.Concat(Enumerable.Repeat("<b>", depth))}</description></item></channel></rss>"),
        "atom" => new(
            Atom("A title"),
            value => Atom(SecurityElement.Escape(value)),
            depth => $"<feed xmlns=\"http://www.w3.org/2005/Atom\">{string.Concat(Enumerable.Repeat("<entry>", depth))}"),
        _ => new(
            Json("A title"),
            value => Json(HostileSurface.JsonText(value)),
            depth => $"{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[{{\"id\":\"1\",\"title\":{new string('[', depth)}{new string(']', depth)}}}]}}"),
    };

    /// <summary>The Content-Type an upstream would send the format with.</summary>
    public static string ContentType(string format) => format switch
    {
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        _ => "application/feed+json",
    };

    private static string OpmlWith(string title) =>
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><opml version=\"2.0\"><head><title>Sources</title></head><body><outline text=\"{title}\" title=\"{title}\" type=\"rss\" xmlUrl=\"http://127.0.0.1:9/opml.xml\" category=\"tech\"/></body></opml>";

    private static string Rss(string title) =>
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Up</title><link>https://up.example/</link><item><title>{title}</title><link>https://up.example/1</link><guid>1</guid><description>&lt;p&gt;Body&lt;/p&gt;</description><pubDate>Tue, 08 Dec 2026 09:00:00 GMT</pubDate></item></channel></rss>";

    private static string Atom(string title) =>
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Up</title><id>urn:up</id><updated>2026-12-08T09:00:00Z</updated><entry><title type=\"html\">{title}</title><id>urn:up:1</id><link href=\"https://up.example/1\"/><updated>2026-12-08T09:00:00Z</updated><content type=\"html\">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>";

    private static string Json(string title) =>
        $"{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Up\",\"items\":[{{\"id\":\"1\",\"url\":\"https://up.example/1\",\"title\":\"{title}\",\"content_html\":\"<p>Body</p>\",\"date_published\":\"2026-12-08T09:00:00Z\"}}]}}";
}
