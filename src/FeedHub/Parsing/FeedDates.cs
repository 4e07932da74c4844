using System.Globalization;
using System.Text.RegularExpressions;

namespace FeedHub.Parsing;

/// <summary>
/// Reads the dates feeds carry (RFC 822 and its many variants, RFC 3339, ISO 8601) as UTC.
/// A date without a zone is taken as UTC, never as the server's local time.
/// </summary>
public static partial class FeedDates
{
    // RFC 822 names, and the North American ones publishers still write.
    private static readonly Dictionary<string, string> ZoneOffsets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = "+00:00",
        ["UTC"] = "+00:00",
        ["GMT"] = "+00:00",
        ["Z"] = "+00:00",
        ["EST"] = "-05:00",
        ["EDT"] = "-04:00",
        ["CST"] = "-06:00",
        ["CDT"] = "-05:00",
        ["MST"] = "-07:00",
        ["MDT"] = "-06:00",
        ["PST"] = "-08:00",
        ["PDT"] = "-07:00",
    };

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd",
        "yyyyMMdd'T'HHmmss.FFFFFFFK",
    ];

    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = text.Trim();
        if (DateTimeOffset.TryParseExact(value, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
        {
            return iso.ToUniversalTime();
        }

        // A wrong weekday makes .NET refuse the whole date; feed readers ignore the weekday.
        value = Weekday().Replace(value, string.Empty);
        value = NamedZone().Replace(value, m => ZoneOffsets.TryGetValue(m.Groups[1].Value, out var offset) ? " " + offset : m.Value);
        value = CompactOffset().Replace(value, "$1$2:$3");

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed)
            ? parsed.ToUniversalTime()
            : null;
    }

    [GeneratedRegex(@"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\s+([A-Za-z]{1,4})$")]
    private static partial Regex NamedZone();

    [GeneratedRegex(@"([+-])(\d{2})(\d{2})$")]
    private static partial Regex CompactOffset();
}
