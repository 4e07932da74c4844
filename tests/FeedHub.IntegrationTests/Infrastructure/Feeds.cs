using System.Globalization;
using System.Text;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>Small RSS documents made up for the tests.</summary>
public static class Feeds
{
    public static string Rss(params (string Guid, string Title, string Body)[] items)
    {
        var xml = new StringBuilder("""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Upstream Test Feed</title><link>https://upstream.example/</link><description>Test.</description>
            """);
        foreach (var (guid, title, body) in items)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title><link>/posts/{guid}</link><description>{body}</description><pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate></item>");
        }

        return xml.Append("</channel></rss>").ToString();
    }

    public static string Numbered(int count) =>
        Rss(Enumerable.Range(1, count).Select(i => ($"item-{i}", $"Story {i}", $"Body {i}")).ToArray());
}
