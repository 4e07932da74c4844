namespace FeedHub.Markup;

/// <summary>
/// The characters publishers mean when Windows-1252 bytes 0x80–0x9F end up as Unicode C1 control
/// characters (U+0080–U+009F): curly quotes, dashes, the euro sign. Browsers read them this way.
/// </summary>
internal static class Windows1252
{
    private static readonly char[] C1 =
    [
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    ];

    /// <summary>The code point Windows-1252 gives a C1 code point; any other code point unchanged.</summary>
    public static int Remap(int codePoint) => codePoint is >= 0x80 and <= 0x9F ? C1[codePoint - 0x80] : codePoint;

    /// <summary>Replaces the C1 control characters of decoded text with their Windows-1252 meaning.</summary>
    public static string RemapControls(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\u0080', '\u009F'))
        {
            return text;
        }

        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = (char)Remap(source[i]);
            }
        });
    }
}
