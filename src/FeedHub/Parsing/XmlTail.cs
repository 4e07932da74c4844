using System.Text;
using System.Xml;

namespace FeedHub.Parsing;

/// <summary>
/// Completes a document that was cut off (a dropped connection, a truncated file, <c>&lt;/rss</c>
/// without its <c>&gt;</c>): whatever partial markup ends it is dropped and the elements still open
/// are closed, innermost first.
/// </summary>
internal static class XmlTail
{
    /// <returns>The completed text, or null when the document is not merely cut off.</returns>
    public static string? Close(string text)
    {
        var open = new Stack<string>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, CheckCharacters = false };
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && !reader.IsEmptyElement)
                {
                    open.Push(reader.Name);
                }
                else if (reader.NodeType == XmlNodeType.EndElement)
                {
                    open.TryPop(out _);
                }
            }

            return null;
        }
        catch (XmlException e) when (open.Count > 0 && e.LineNumber >= LineCount(text))
        {
            // Cut inside a CDATA section (where content:encoded puts most of a feed's bytes) or a
            // comment, the section is closed; cut inside a tag, the partial tag is dropped.
            var body = text;
            var cdata = text.LastIndexOf("<![CDATA[", StringComparison.Ordinal);
            var comment = text.LastIndexOf("<!--", StringComparison.Ordinal);
            if (cdata >= 0 && text.IndexOf("]]>", cdata, StringComparison.Ordinal) < 0)
            {
                body = text + "]]>";
            }
            else if (comment >= 0 && text.IndexOf("-->", comment, StringComparison.Ordinal) < 0)
            {
                body = text[..comment];
            }
            else
            {
                var lastOpen = text.LastIndexOf('<');
                body = lastOpen > text.LastIndexOf('>') ? text[..lastOpen] : text;
            }

            var completed = new StringBuilder(body);
            foreach (var name in open)
            {
                completed.Append("</").Append(name).Append('>');
            }

            return completed.ToString();
        }
        catch (XmlException)
        {
            // Broken before its end: not a truncation.
            return null;
        }
    }

    private static int LineCount(string text) => text.AsSpan().TrimEnd().Count('\n') + 1;
}
