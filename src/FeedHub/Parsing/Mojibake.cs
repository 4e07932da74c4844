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
        if (run.Length < 2)
        {
            return null;
        }

        try
        {
            var repaired = StrictUtf8.GetString(Strict1252.GetBytes(run));
            return repaired.Length < run.Length ? repaired : null;
        }
        catch (Exception e) when (e is EncoderFallbackException or DecoderFallbackException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"[^\u0000-\u007F]+")]
    private static partial Regex NonAscii();
}
