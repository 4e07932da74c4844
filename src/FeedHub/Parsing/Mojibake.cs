using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace FeedHub.Parsing;

/// <summary>
/// Repairs UTF-8 that was decoded as Windows-1252 and encoded again ("Ã©" for "é", "â€™" for "’"),
/// a fault of real publishers' pipelines. A run of non-ASCII characters is replaced only when it is
/// exactly the Windows-1252 image of valid UTF-8, so correct text is never touched.
/// </summary>
internal static partial class Mojibake
{
    private static readonly Encoding Strict1252 =
        CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)!;
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    // Every double-encoded sequence starts with one of these lead characters.
    private static readonly SearchValues<char> LeadCharacters = SearchValues.Create("ÃÂâÅÆÐÑ");

    public static string Repair(string text)
    {
        if (text.AsSpan().IndexOfAny(LeadCharacters) < 0)
        {
            return text;
        }

        return NonAscii().Replace(text, run => TryRepair(run.Value) ?? run.Value);
    }

    private static string? TryRepair(string run)
    {
        // Only a run that shows the signature of double encoding is tried: a UTF-8 lead byte read as
        // "Ã", "Â" or "Å" followed by a continuation byte, or "â€" (the lead of curly quotes and dashes).
        if (run.Length < 2 || !Signature().IsMatch(run))
        {
            return null;
        }

        try
        {
            var repaired = StrictUtf8.GetString(Strict1252.GetBytes(run));

            // What double encoding hides is Latin text and punctuation, never other scripts.
            return repaired.Length < run.Length && repaired.All(c => c < '\u0250' || c is >= '\u2000' and <= '\u20CF') ? repaired : null;
        }
        catch (Exception e) when (e is EncoderFallbackException or DecoderFallbackException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"[^\u0000-\u007F]+")]
    private static partial Regex NonAscii();

    [GeneratedRegex(@"[ÃÂÅ][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]|â€")]
    private static partial Regex Signature();
}
