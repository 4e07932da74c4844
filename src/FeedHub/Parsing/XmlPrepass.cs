using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FeedHub.Markup;

namespace FeedHub.Parsing;

/// <summary>
/// A lenient pass over feed text before any XML parser sees it. It walks the markup (skipping
/// comments, CDATA and processing instructions, which are left untouched) and:
/// <list type="bullet">
/// <item>removes the DOCTYPE, so no XML parser ever processes a DTD, after taking the simple internal
/// entities it declares (<c>&lt;!ENTITY id "text"&gt;</c>) and expanding them itself, bounded;</item>
/// <item>turns HTML named entities (<c>&amp;aacute;</c>, <c>&amp;nbsp;</c>), which XML does not know, into numeric references;</item>
/// <item>escapes a stray <c>&amp;</c>, fixes <c>&amp;#X41;</c>, and drops characters XML forbids;</item>
/// <item>reads references to Windows-1252 code points (<c>&amp;#146;</c>) as the characters publishers meant.</item>
/// </list>
/// Each repair of ill-formed input is recorded, so the document can be flagged as recovered.
/// </summary>
internal static partial class XmlPrepass
{
    private const int MaxEntityExpansion = 64 * 1024;

    private static readonly HashSet<string> XmlEntities = ["amp", "lt", "gt", "quot", "apos"];

    public static string Prepare(string text, List<string> repairs)
    {
        if (!NeedsPass(text))
        {
            return text;
        }

        var output = new StringBuilder(text.Length + 64);
        var entities = new Dictionary<string, string>(StringComparer.Ordinal);
        var expanded = 0;
        var rootSeen = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '<')
            {
                if (Starts(text, i, "<!--"))
                {
                    i = CopyThrough(text, i, "-->", output);
                }
                else if (Starts(text, i, "<![CDATA["))
                {
                    i = CopyThrough(text, i, "]]>", output);
                }
                else if (Starts(text, i, "<?"))
                {
                    i = CopyThrough(text, i, "?>", output);
                }
                else if (!rootSeen && Starts(text, i, "<!DOCTYPE"))
                {
                    i = SkipDocumentType(text, i, entities);
                }
                else
                {
                    rootSeen |= i + 1 < text.Length && char.IsLetter(text[i + 1]);
                    i = CopyTag(text, i, output, entities, repairs, ref expanded);
                }
            }
            else if (c == '&')
            {
                i = Reference(text, i, output, entities, repairs, ref expanded, inAttribute: false);
            }
            else
            {
                i = CopyCharacter(text, i, output, repairs);
            }
        }

        return output.ToString();
    }

    /// <summary>
    /// Whether anything needs repairing: most feeds hold only XML's own references and no DTD, and
    /// are handed on untouched without being rebuilt.
    /// </summary>
    private static bool NeedsPass(string text)
    {
        if (text.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '&' ? !IsPlainXmlReference(text, i) : !XmlText.IsXmlCharacter(c) && !char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A reference any XML parser reads as intended: one of XML's five entities, or a decimal or hex reference outside the C1 range.</summary>
    private static bool IsPlainXmlReference(string text, int at)
    {
        var match = ReferenceSyntax().Match(text, at, Math.Min(40, text.Length - at));
        if (!match.Success)
        {
            return false;
        }

        if (match.Groups["name"].Success)
        {
            return XmlEntities.Contains(match.Groups["name"].Value);
        }

        var hex = match.Groups["hex"].Success;
        if ((hex && text[at + 2] == 'X')
            || !int.TryParse(hex ? match.Groups["hex"].Value : match.Groups["dec"].Value, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        return code is 0x9 or 0xA or 0xD or (>= 0x20 and < 0x7F) or (>= 0xA0 and < 0xD800) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);
    }

    private static bool Starts(string text, int at, string prefix) =>
        string.CompareOrdinal(text, at, prefix, 0, prefix.Length) == 0
        || (prefix == "<!DOCTYPE" && text.AsSpan(at).StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    private static int CopyThrough(string text, int at, string end, StringBuilder output)
    {
        var close = text.IndexOf(end, at, StringComparison.Ordinal);
        var stop = close < 0 ? text.Length : close + end.Length;
        output.Append(text, at, stop - at);
        return stop;
    }

    /// <summary>An element tag, copied with its attribute values' references checked like text.</summary>
    private static int CopyTag(string text, int at, StringBuilder output, Dictionary<string, string> entities, List<string> repairs, ref int expanded)
    {
        char? quote = null;
        var i = at;
        while (i < text.Length)
        {
            var c = text[i];
            if (quote is null && c == '>')
            {
                output.Append(c);
                return i + 1;
            }

            if (c is '"' or '\'')
            {
                quote = quote == c ? null : quote ?? c;
            }

            if (c == '&' && quote is not null)
            {
                i = Reference(text, i, output, entities, repairs, ref expanded, inAttribute: true);
                continue;
            }

            i = CopyCharacter(text, i, output, repairs);
        }

        return i;
    }

    private static int CopyCharacter(string text, int at, StringBuilder output, List<string> repairs)
    {
        var c = text[at];
        if (char.IsHighSurrogate(c) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]))
        {
            output.Append(c).Append(text[at + 1]);
            return at + 2;
        }

        if (XmlText.IsXmlCharacter(c))
        {
            output.Append(c);
        }
        else
        {
            Note(repairs, "characters not allowed in XML were removed");
        }

        return at + 1;
    }

    private static int Reference(
        string text, int at, StringBuilder output, Dictionary<string, string> entities, List<string> repairs, ref int expanded, bool inAttribute)
    {
        var match = ReferenceSyntax().Match(text, at, Math.Min(40, text.Length - at));
        if (!match.Success)
        {
            Note(repairs, "an unescaped '&' was escaped");
            output.Append("&amp;");
            return at + 1;
        }

        var end = at + match.Length;
        if (match.Groups["dec"].Success || match.Groups["hex"].Success)
        {
            var hex = match.Groups["hex"].Success;
            if (hex && text[at + 2] == 'X')
            {
                Note(repairs, "an uppercase hexadecimal character reference was corrected");
            }

            var digits = hex ? match.Groups["hex"].Value : match.Groups["dec"].Value;
            var valid = int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code);
            code = valid ? Windows1252.Remap(code) : -1;
            if (code < 0 || code > 0x10FFFF || (code <= 0xFFFF && !XmlText.IsXmlCharacter((char)code)))
            {
                Note(repairs, "a reference to a character not allowed in XML was removed");
                return end;
            }

            output.Append("&#x").Append(code.ToString("X", CultureInfo.InvariantCulture)).Append(';');
            return end;
        }

        var name = match.Groups["name"].Value;
        if (XmlEntities.Contains(name))
        {
            output.Append(text, at, match.Length);
        }
        else if (entities.TryGetValue(name, out var value) && value.Length <= MaxEntityExpansion - expanded)
        {
            // The value is text where it lands: quotes must not end an attribute, and nothing in it is markup.
            expanded += value.Length;
            output.Append(inAttribute ? System.Security.SecurityElement.Escape(value) : value);
        }
        else if (entities.ContainsKey(name))
        {
            Note(repairs, "entity expansion stopped at its limit");
        }
        else if (WebUtility.HtmlDecode(match.Value) is { } decoded && decoded != match.Value)
        {
            Note(repairs, "HTML entities, which XML does not define, were converted");
            foreach (var rune in decoded.EnumerateRunes())
            {
                output.Append("&#x").Append(rune.Value.ToString("X", CultureInfo.InvariantCulture)).Append(';');
            }
        }
        else
        {
            Note(repairs, "undefined entities were kept as text");
            output.Append("&amp;").Append(name).Append(';');
        }

        return end;
    }

    /// <summary>Skips a DOCTYPE, keeping the literal values of the general entities its internal subset declares.</summary>
    private static int SkipDocumentType(string text, int at, Dictionary<string, string> entities)
    {
        var close = text.IndexOf('>', at);
        var open = text.IndexOf('[', at, (close < 0 ? text.Length : close) - at);
        if (open >= 0)
        {
            var subsetEnd = text.IndexOf(']', open);
            if (subsetEnd >= 0)
            {
                foreach (Match declaration in EntityDeclaration().Matches(text[open..subsetEnd]))
                {
                    entities.TryAdd(declaration.Groups["name"].Value, declaration.Groups["value"].Value);
                }

                close = text.IndexOf('>', subsetEnd);
            }
        }

        return close < 0 ? text.Length : close + 1;
    }

    private static void Note(List<string> repairs, string repair)
    {
        if (!repairs.Contains(repair))
        {
            repairs.Add(repair);
        }
    }

    [GeneratedRegex(@"\G&(?:#(?<dec>[0-9]{1,7})|#[xX](?<hex>[0-9a-fA-F]{1,6})|(?<name>[A-Za-z_][A-Za-z0-9._-]{0,31}));")]
    private static partial Regex ReferenceSyntax();

    [GeneratedRegex("""<!ENTITY\s+(?<name>[A-Za-z_][A-Za-z0-9._-]*)\s+(?:"(?<value>[^"<&%]*)"|'(?<value>[^'<&%]*)')\s*>""")]
    private static partial Regex EntityDeclaration();
}
