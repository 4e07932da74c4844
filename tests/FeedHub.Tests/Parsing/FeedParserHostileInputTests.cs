using System.Security;
using FeedHub.Parsing;
using FeedHub.Testing;

namespace FeedHub.Tests.Parsing;

/// <summary>
/// Whatever bytes an upstream sends, the parser reads a feed or refuses the document with a message:
/// no other exception, no crash, for each feed format's hostile cases.
/// </summary>
public sealed class FeedParserHostileInputTests
{
    private static readonly Uri Url = new("https://up.example/feed");

    public static readonly TheoryData<string> Formats = ["rss", "atom", "json"];

    private static HostileSurface Surface(string format) => format switch
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

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryHostileBody_IsReadOrRefusedWithAMessage(string format)
    {
        var parser = new FeedParser(new FeedHub.Markup.HtmlCleaner());
        foreach (var input in Surface(format).Cases(150))
        {
            HostileSurface.Try(input, input =>
            {
                try
                {
                    var feed = parser.Parse(input.Body, null, Url);
                    Assert.NotNull(feed.Items);
                }
                catch (FeedParseException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{input}: refused without a message");
                }
            });
        }
    }

    private static string Rss(string title) =>
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Up</title><link>https://up.example/</link><item><title>{title}</title><link>https://up.example/1</link><guid>1</guid><description>&lt;p&gt;Body&lt;/p&gt;</description><pubDate>Tue, 08 Dec 2026 09:00:00 GMT</pubDate></item></channel></rss>";

    private static string Atom(string title) =>
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Up</title><id>urn:up</id><updated>2026-12-08T09:00:00Z</updated><entry><title type=\"html\">{title}</title><id>urn:up:1</id><link href=\"https://up.example/1\"/><updated>2026-12-08T09:00:00Z</updated><content type=\"html\">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>";

    private static string Json(string title) =>
        $"{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Up\",\"items\":[{{\"id\":\"1\",\"url\":\"https://up.example/1\",\"title\":\"{title}\",\"content_html\":\"<p>Body</p>\",\"date_published\":\"2026-12-08T09:00:00Z\"}}]}}";
}
