using System.Net;
using System.Text.RegularExpressions;

namespace FeedHub.Parsing;

/// <summary>Plain text out of the markup feeds put where text belongs (titles, names).</summary>
public static partial class FeedText
{
    /// <summary>
    /// Drops anything shaped like a tag, decodes entities and folds whitespace. A lone "&lt;"
    /// that starts no tag ("x &lt; y") is text and stays.
    /// </summary>
    public static string? PlainText(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return null;
        }

        var text = WebUtility.HtmlDecode(Tag().Replace(html, string.Empty));
        text = Whitespace().Replace(text, " ").Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>Folds the whitespace of text that is already plain.</summary>
    public static string? Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Whitespace().Replace(text, " ").Trim();
    }

    [GeneratedRegex(@"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|!--[\s\S]*?--)>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
