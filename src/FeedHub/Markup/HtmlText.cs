using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace FeedHub.Markup;

/// <summary>Plain text out of the markup feeds put where text belongs (titles, names).</summary>
public static partial class HtmlText
{
    // Parsing is cheap next to building a parser; each thread keeps one.
    [ThreadStatic]
    private static HtmlParser? t_parser;

    /// <summary>
    /// The text an HTML fragment shows, as a browser parses it: tags dropped (even with "&lt;" inside
    /// their attributes), entities decoded, whitespace folded. A "&lt;" that opens no tag ("x &lt; y") is text.
    /// </summary>
    public static string? PlainText(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return null;
        }

        var text = !html.Contains('<', StringComparison.Ordinal) ? DecodeEntities(html)
            : HtmlCleaner.NestingDepth(html) > HtmlCleaner.MaxDepth ? StripTags(html)
            : (t_parser ??= new HtmlParser()).ParseDocument("<body>" + html).Body?.TextContent ?? string.Empty;
        return Fold(text);
    }

    /// <summary>HTML character references decoded as HTML5 does, "&amp;#146;" included (it means ’, not a control character).</summary>
    public static string DecodeEntities(string html) => Windows1252.RemapControls(WebUtility.HtmlDecode(html));

    /// <summary>Text with anything shaped like a tag removed: a cheap reading of markup too hostile to parse.</summary>
    public static string StripTags(string html) => DecodeEntities(Tag().Replace(html, " "));

    /// <summary>Folds the whitespace of text that is already plain, and drops what XML cannot carry; null when nothing is left.</summary>
    public static string? Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var folded = Whitespace().Replace(XmlText.Clean(text), " ").Trim();
        return folded.Length == 0 ? null : folded;
    }

    [GeneratedRegex(@"</?[A-Za-z][^<>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
