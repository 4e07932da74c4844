using System.Globalization;
using System.Text.RegularExpressions;

namespace FeedHub.Parsing;

/// <summary>
/// Reads the dates feeds carry (RFC 822 with its zone names and common malformations, W3CDTF, RFC 3339,
/// ISO 8601, German, French and Spanish month names) as UTC. A date without a zone is taken as UTC,
/// never as the server's local time; a date that cannot be read is null, never "now".
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
        ["AKST"] = "-09:00",
        ["AKDT"] = "-08:00",
        ["HST"] = "-10:00",
        ["WET"] = "+00:00",
        ["WEST"] = "+01:00",
        ["BST"] = "+01:00",
        ["CET"] = "+01:00",
        ["CEST"] = "+02:00",
        ["MET"] = "+01:00",
        ["MEST"] = "+02:00",
        ["EET"] = "+02:00",
        ["EEST"] = "+03:00",
        ["MSK"] = "+03:00",
        ["IST"] = "+05:30",
        ["JST"] = "+09:00",
        ["KST"] = "+09:00",
        ["AEST"] = "+10:00",
        ["AEDT"] = "+11:00",
        ["NZST"] = "+12:00",
        ["NZDT"] = "+13:00",
    };

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd",
        "yyyy-MM",
        "yyyy",
        "yyyyMMdd'T'HHmmss.FFFFFFFK",
        "yyyyMMdd",

        // Day first, as German and much of Europe write dates.
        "dd.MM.yyyy HH:mm:ss",
        "dd.MM.yyyy HH:mm",
        "dd.MM.yyyy",
    ];

    // Month names of the languages publishers most often date in besides English (German, French, Spanish).
    private static readonly Dictionary<string, string> Months = new(StringComparer.OrdinalIgnoreCase)
    {
        ["januar"] = "Jan", ["jänner"] = "Jan", ["janvier"] = "Jan", ["janv"] = "Jan", ["enero"] = "Jan", ["ene"] = "Jan",
        ["februar"] = "Feb", ["février"] = "Feb", ["fevrier"] = "Feb", ["févr"] = "Feb", ["fevr"] = "Feb", ["febrero"] = "Feb",
        ["märz"] = "Mar", ["mär"] = "Mar", ["mrz"] = "Mar", ["mars"] = "Mar", ["marzo"] = "Mar",
        ["avril"] = "Apr", ["avr"] = "Apr", ["abril"] = "Apr", ["abr"] = "Apr",
        ["mai"] = "May", ["mayo"] = "May",
        ["juni"] = "Jun", ["juin"] = "Jun", ["junio"] = "Jun",
        ["juli"] = "Jul", ["juillet"] = "Jul", ["juil"] = "Jul", ["julio"] = "Jul",
        ["août"] = "Aug", ["aout"] = "Aug", ["agosto"] = "Aug", ["ago"] = "Aug",
        ["septembre"] = "Sep", ["sept"] = "Sep", ["septiembre"] = "Sep", ["setiembre"] = "Sep",
        ["oktober"] = "Oct", ["okt"] = "Oct", ["octobre"] = "Oct", ["octubre"] = "Oct",
        ["noviembre"] = "Nov",
        ["dezember"] = "Dec", ["dez"] = "Dec", ["décembre"] = "Dec", ["decembre"] = "Dec", ["déc"] = "Dec", ["diciembre"] = "Dec", ["dic"] = "Dec",
    };

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

        // A wrong weekday makes .NET refuse the whole date; feed readers ignore the weekday, in any language.
        value = Weekday().Replace(value, string.Empty);
        value = Word().Replace(value, m => Months.TryGetValue(m.Groups[1].Value, out var month) ? month : m.Value);
        value = NamedZone().Replace(value, m => ZoneOffsets.TryGetValue(m.Groups[1].Value, out var offset) ? " " + offset
            : m.Groups[1].Value.Length == 1 ? " +00:00" // RFC 2822: military zones are unreliable, read as UTC
            : m.Value);
        value = CompactOffset().Replace(value, "$1$2:$3");

        // .NET fills a missing date with today's: a time alone ("10:30") is no date at all.
        if (!DatePart().IsMatch(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed)
            ? parsed.ToUniversalTime()
            : null;
    }

    [GeneratedRegex(@"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?|\p{L}+\.?,)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"(\p{L}{3,})\.?")]
    private static partial Regex Word();

    [GeneratedRegex(@"\s+([A-Za-z]{1,4})$")]
    private static partial Regex NamedZone();

    [GeneratedRegex(@"([+-])(\d{2})(\d{2})$")]
    private static partial Regex CompactOffset();

    [GeneratedRegex(@"\d{4}|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|\d{1,2}[./-]\d{1,2}[./-]\d{2}", RegexOptions.IgnoreCase)]
    private static partial Regex DatePart();
}
