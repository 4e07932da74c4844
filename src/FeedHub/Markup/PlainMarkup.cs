using System.Net;
using System.Text;

namespace FeedHub.Markup;

/// <summary>
/// The sanitizer's work without the sanitizer, for the markup most feeds send: paragraphs, lists,
/// emphasis, absolute links and images, strictly nested, nothing else. Parsing such markup into a DOM
/// and writing it out again gives back the same elements with their text re-escaped, so a single pass
/// over the characters can write exactly what <see cref="Ganss.Xss.HtmlSanitizer"/> would, at a fraction of
/// its cost (it builds a whole document per item). Anything outside that small grammar — an attribute
/// not listed here, a relative URL, a comment, an entity this pass does not know, a tag the HTML parser
/// would close or move on its own — is declined, and the caller sanitizes as before.
/// </summary>
internal static class PlainMarkup
{
    /// <summary>Elements kept as they are, without attributes, that the HTML parser never closes or moves on its own under strict nesting.</summary>
    private static readonly HashSet<string> Inline = new(StringComparer.Ordinal)
    {
        "b", "i", "em", "strong", "code", "small", "u", "s", "span", "sub", "sup", "mark", "cite", "q", "kbd",
    };

    /// <summary>Elements whose start tag closes an open paragraph: never accepted inside one.</summary>
    private static readonly HashSet<string> Block = new(StringComparer.Ordinal)
    {
        "p", "div", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "pre", "hr",
    };

    private static readonly HashSet<string> Headings = new(StringComparer.Ordinal) { "h1", "h2", "h3", "h4", "h5", "h6" };

    /// <summary>Deeper than this the markup is unusual enough to leave to the sanitizer.</summary>
    private const int MaxDepth = 32;

    /// <returns>The markup as the sanitizer would write it, or null when this pass cannot vouch for it.</returns>
    public static string? TryClean(string html)
    {
        var output = new StringBuilder(html.Length + 16);
        var open = new List<string>();
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<')
            {
                if (!Tag(html, ref i, open, output))
                {
                    return null;
                }

                continue;
            }

            if (c == '&')
            {
                if (!Entity(html, ref i, output))
                {
                    return null;
                }

                continue;
            }

            if (!Text(html, ref i, output))
            {
                return null;
            }
        }

        return open.Count == 0 ? output.ToString() : null;
    }

    /// <summary>One character of text, written as the DOM serializer escapes text.</summary>
    private static bool Text(string html, ref int i, StringBuilder output)
    {
        var c = html[i];
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 >= html.Length || !char.IsLowSurrogate(html[i + 1]))
            {
                return false;
            }

            output.Append(c).Append(html[i + 1]);
            i += 2;
            return true;
        }

        if (!Writable(c))
        {
            return false;
        }

        Escaped(c, output);
        i++;
        return true;
    }

    /// <summary>Characters the HTML parser keeps as they are: no carriage return (it folds them), no controls, no lone surrogates.</summary>
    private static bool Writable(char c) =>
        c is '\n' or '\t' || (c >= ' ' && c != '\u007f' && !(c >= '\u0080' && c <= '\u009f') && !char.IsSurrogate(c) && c is not ('\ufffe' or '\uffff') && !(c >= '\ufdd0' && c <= '\ufdef'));

    private static void Escaped(char c, StringBuilder output)
    {
        switch (c)
        {
            case '&': output.Append("&amp;"); break;
            case '<': output.Append("&lt;"); break;
            case '>': output.Append("&gt;"); break;
            case '\u00a0': output.Append("&nbsp;"); break;
            default: output.Append(c); break;
        }
    }

    /// <summary>A character reference in text: decoded, then written as the serializer would write that character.</summary>
    private static bool Entity(string html, ref int i, StringBuilder output)
    {
        var end = html.IndexOf(';', i);
        if (end < 0 || end - i > 12)
        {
            return false;
        }

        var reference = html.AsSpan(i + 1, end - i - 1);
        int value;
        if (reference.Length > 1 && reference[0] == '#')
        {
            var hex = reference[1] is 'x' or 'X';
            var digits = hex ? reference[2..] : reference[1..];
            if (digits.Length == 0 || digits.Length > 6 || !int.TryParse(
                    digits, hex ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value))
            {
                return false;
            }
        }
        else
        {
            foreach (var letter in reference)
            {
                if (!char.IsAsciiLetterOrDigit(letter))
                {
                    return false;
                }
            }

            // The HTML 4 names WebUtility knows mean the same in HTML 5; any other name is declined.
            var decoded = WebUtility.HtmlDecode(html[i..(end + 1)]);
            if (decoded.Length != 1)
            {
                return false;
            }

            value = decoded[0];
        }

        // 0x80-0x9F are read as windows-1252 by HTML parsers, and noncharacters and controls are
        // left to the sanitizer; what remains decodes to itself.
        if (value is < 0x20 and not (0x09 or 0x0a) || (value >= 0x7f && value <= 0x9f) || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)
            || (value >= 0xfdd0 && value <= 0xfdef) || (value & 0xfffe) == 0xfffe)
        {
            return false;
        }

        if (value > 0xffff)
        {
            output.Append(char.ConvertFromUtf32(value));
        }
        else
        {
            Escaped((char)value, output);
        }

        i = end + 1;
        return true;
    }

    private static bool Tag(string html, ref int i, List<string> open, StringBuilder output)
    {
        var closing = i + 1 < html.Length && html[i + 1] == '/';
        var start = i + (closing ? 2 : 1);
        var end = start;
        while (end < html.Length && (char.IsAsciiLetterLower(html[end]) || (end > start && char.IsAsciiDigit(html[end]))))
        {
            end++;
        }

        if (end == start || end >= html.Length)
        {
            return false;
        }

        var name = html[start..end];
        if (closing)
        {
            // Strict nesting: an end tag closes the element opened last, so the parser's own closing rules never apply.
            if (html[end] != '>' || open.Count == 0 || open[^1] != name)
            {
                return false;
            }

            open.RemoveAt(open.Count - 1);
            output.Append("</").Append(name).Append('>');
            i = end + 1;
            return true;
        }

        var isVoid = name is "br" or "hr" or "img";
        if (!(Inline.Contains(name) || Block.Contains(name) || name is "a" or "br" or "img"))
        {
            return false;
        }

        // Cases where the HTML parser closes or moves elements by itself: a block inside a paragraph, a
        // heading in a heading, a list item outside a list, a link in a link.
        if ((Block.Contains(name) && open.Contains("p"))
            || (Headings.Contains(name) && open.Count > 0 && Headings.Contains(open[^1]))
            || (name == "li" && (open.Count == 0 || open[^1] is not ("ul" or "ol")))
            || (name == "a" && open.Contains("a"))
            || open.Count >= MaxDepth)
        {
            return false;
        }

        output.Append('<').Append(name);
        var seen = new List<string>(2);
        var at = end;
        while (true)
        {
            if (at >= html.Length)
            {
                return false;
            }

            if (html[at] == '>')
            {
                at++;
                break;
            }

            if (isVoid && string.CompareOrdinal(html, at, "/>", 0, 2) == 0)
            {
                at += 2;
                break;
            }

            if (isVoid && string.CompareOrdinal(html, at, " />", 0, 3) == 0)
            {
                at += 3;
                break;
            }

            if (!Attribute(html, ref at, name, seen, output))
            {
                return false;
            }
        }

        output.Append('>');
        if (name == "pre" && at < html.Length && html[at] == '\n')
        {
            // The parser drops a newline right after <pre>.
            return false;
        }

        if (!isVoid)
        {
            open.Add(name);
        }

        i = at;
        return true;
    }

    /// <summary>One <c> name="value"</c> attribute, of the few each element may keep.</summary>
    private static bool Attribute(string html, ref int at, string element, List<string> seen, StringBuilder output)
    {
        if (html[at] != ' ')
        {
            return false;
        }

        var start = at + 1;
        var end = start;
        while (end < html.Length && char.IsAsciiLetterLower(html[end]))
        {
            end++;
        }

        if (end == start || string.CompareOrdinal(html, end, "=\"", 0, 2) != 0)
        {
            return false;
        }

        var name = html[start..end];
        var allowed = element switch
        {
            "a" => name is "href" or "title",
            "img" => name is "src" or "alt" or "title" or "width" or "height",
            _ => false,
        };
        if (!allowed || seen.Contains(name))
        {
            return false;
        }

        seen.Add(name);
        var close = html.IndexOf('"', end + 2);
        if (close < 0)
        {
            return false;
        }

        // The value as the parser reads it: &amp; is the only reference accepted.
        var raw = html[(end + 2)..close];
        var value = raw.Replace("&amp;", "&", StringComparison.Ordinal);
        foreach (var c in value)
        {
            if (c is '<' or '>' or '\u00a0' || !Writable(c) || char.IsSurrogate(c))
            {
                return false;
            }
        }

        if (value.Contains('&', StringComparison.Ordinal) && raw.Replace("&amp;", string.Empty, StringComparison.Ordinal).Contains('&', StringComparison.Ordinal))
        {
            return false;
        }

        if (name is "href" or "src")
        {
            if (!IsPlainAbsoluteUrl(value))
            {
                return false;
            }

            value = HtmlCleaner.WithoutTracking(value)!;
        }
        else if (name is "width" or "height" && value is "0" or "1")
        {
            // A tracking pixel: the sanitizer's pass removes the image.
            return false;
        }

        output.Append(' ').Append(name).Append("=\"").Append(value.Replace("&", "&amp;", StringComparison.Ordinal)).Append('"');
        at = close + 1;
        return true;
    }

    /// <summary>An http(s) URL with a plain host and path, which the sanitizer keeps as written: no resolving, no encoding.</summary>
    internal static bool IsPlainAbsoluteUrl(string url)
    {
        var rest = url.StartsWith("https://", StringComparison.Ordinal) ? 8 : url.StartsWith("http://", StringComparison.Ordinal) ? 7 : -1;
        if (rest < 0)
        {
            return false;
        }

        var host = rest;
        while (host < url.Length && (char.IsAsciiLetterLower(url[host]) || char.IsAsciiDigit(url[host]) || url[host] is '.' or '-'))
        {
            host++;
        }

        if (host == rest || host >= url.Length || url[host] != '/')
        {
            return false;
        }

        for (var i = host; i < url.Length; i++)
        {
            var c = url[i];
            // Percent escapes and dot segments are what URL parsers rewrite; such a URL is left to the sanitizer.
            if (c <= ' ' || c >= '\u007f' || c is '"' or '\'' or '<' or '>' or '\\' or '`' or '{' or '}' or '|' or '^' or '%' || (c == '.' && url[i - 1] == '/'))
            {
                return false;
            }
        }

        return true;
    }
}
