using System.Globalization;
using System.Text;
using System.Xml;
using FeedHub.Model;

namespace FeedHub.Bench;

/// <summary>Generated RSS 2.0 documents: deterministic, with the kind of HTML a publisher sends.</summary>
internal static class FeedGenerator
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="first">The number of the newest item; items first-count+1 .. first are listed, newest first.</param>
    /// <param name="paragraphs">Paragraphs of full content per item; 0 for a summary only.</param>
    public static byte[] Rss(string title, string site, int first, int count, int paragraphs, IEnumerable<string>? extraTitles = null)
    {
        var output = new MemoryStream();
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartElement("rss");
            xml.WriteAttributeString("version", "2.0");
            xml.WriteAttributeString("xmlns", "content", null, "http://purl.org/rss/1.0/modules/content/");
            xml.WriteStartElement("channel");
            xml.WriteElementString("title", title);
            xml.WriteElementString("link", site);
            xml.WriteElementString("description", $"Generated feed {title}");
            foreach (var extra in extraTitles ?? [])
            {
                Item(xml, site, extra, extra, Epoch.AddDays(400), 0);
            }

            for (var n = first; n > first - count && n > 0; n--)
            {
                Item(xml, site, $"{title}: story {n}", n.ToString(CultureInfo.InvariantCulture), Epoch.AddMinutes(n), paragraphs);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return output.ToArray();
    }

    private static void Item(XmlWriter xml, string site, string title, string key, DateTimeOffset published, int paragraphs)
    {
        xml.WriteStartElement("item");
        xml.WriteElementString("title", title);
        xml.WriteElementString("link", $"{site}/stories/{key}");
        xml.WriteElementString("guid", $"{site}/stories/{key}");
        xml.WriteElementString("pubDate", published.ToString("r", CultureInfo.InvariantCulture));
        xml.WriteElementString("category", "generated");
        xml.WriteElementString("description",
            $"<p>Summary of <b>{title}</b>, with <a href=\"{site}/more/{key}?utm_source=rss\">a link</a> and some words to sanitize.</p>");
        if (paragraphs > 0)
        {
            var content = new StringBuilder();
            for (var p = 0; p < paragraphs; p++)
            {
                content.Append(CultureInfo.InvariantCulture, $"<p>Paragraph {p} of {title}: <em>lorem ipsum dolor sit amet</em>, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ")
                    .Append(CultureInfo.InvariantCulture, $"See <a href=\"{site}/ref/{key}/{p}\">the reference</a>.</p>");
            }

            content.Append(CultureInfo.InvariantCulture, $"<figure><img src=\"{site}/img/{key}.jpg\" alt=\"picture\" width=\"640\" height=\"360\"></figure>");
            xml.WriteStartElement("encoded", "http://purl.org/rss/1.0/modules/content/");
            xml.WriteCData(content.ToString());
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }
}
