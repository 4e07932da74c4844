using System.Buffers;

namespace FeedHub.Markup;

/// <summary>
/// Text every feed format can carry. XML 1.0 forbids most C0 controls, U+FFFE, U+FFFF and unpaired
/// surrogates, and an XML writer refuses them; JSON carries them all as escapes. One such character
/// stored from a JSON feed or an API call would stop every Atom and RSS document it appears in.
/// </summary>
public static class XmlText
{
    /// <summary>A UTF-16 unit XML 1.0 allows on its own (surrogates are allowed only in pairs).</summary>
    public static bool IsXmlCharacter(char c) =>
        c is '\t' or '\n' or '\r' or (>= '\u0020' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');

    // Every unit XML refuses on its own but the surrogates, which are refused only unpaired.
    private static readonly SearchValues<char> Refused = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c).Where(c => c is not ('\t' or '\n' or '\r')), '\uFFFE', '\uFFFF']);

    /// <summary>The index of the first character XML cannot carry, or -1.</summary>
    public static int IndexOfInvalid(string text)
    {
        // Nearly all text has none: two vectorised scans say so.
        if (text.AsSpan().IndexOfAny(Refused) < 0 && !text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return -1;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (!IsXmlCharacter(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Why a field holding a character XML cannot carry is refused: which character, and where.</summary>
    /// <param name="what">The field as the sentence names it ("The title").</param>
    public static string Refusal(string what, string text, int at) =>
        $"{what} holds U+{(int)text[at]:X4} at character {at + 1}, a control character or non-character that no feed can carry.";

    /// <summary>The text without the characters XML cannot carry; the same string when it has none.</summary>
    public static string Clean(string text)
    {
        var first = IndexOfInvalid(text);
        if (first < 0)
        {
            return text;
        }

        var clean = new System.Text.StringBuilder(text.Length).Append(text, 0, first);
        for (var i = first + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
            }
            else if (IsXmlCharacter(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    /// <inheritdoc cref="Clean(string)"/>
    public static string? CleanOrNull(string? text) => text is null ? null : Clean(text);
}
