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

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ZoneOffsetsBySpan = ZoneOffsets.GetAlternateLookup<ReadOnlySpan<char>>();

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

        // Most RSS dates are RFC 822 in English with a numeric or GMT zone: read without the general
        // path's format attempts and rewriting, which cost more than the rest of an item's parsing.
        if (TryRfc822(value, out var rfc822))
        {
            return rfc822;
        }

        return ParseAny(value);
    }

    /// <summary>The general path: every form <see cref="Parse"/> reads, from trimmed text.</summary>
    internal static DateTimeOffset? ParseAny(string value)
    {
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

    /// <summary>
    /// <c>[Wdy,] D Mon YYYY HH:MM[:SS] zone</c> with an English month and a zone that is named in
    /// <see cref="ZoneOffsets"/> or numeric, in UTC; false for anything else, left to <see cref="ParseAny"/>, which reads these the same.
    /// The weekday is skipped unread, as the general path does.
    /// </summary>
    private static bool TryRfc822(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        var comma = text.IndexOf(',');
        if (comma >= 0)
        {
            if (comma == 0 || text[..comma].ContainsAnyExcept(Letters))
            {
                return false;
            }

            text = text[(comma + 1)..].TrimStart(' ');
        }

        Span<Range> parts = stackalloc Range[6];
        if (text.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries) != 5)
        {
            return false;
        }

        ReadOnlySpan<char> day = text[parts[0]], month = text[parts[1]], year = text[parts[2]], time = text[parts[3]], zone = text[parts[4]];
        var monthNumber = MonthNumber(month);
        if (day.Length is < 1 or > 2 || year.Length != 4 || monthNumber < 1
            || !int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            || !int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || y < 1 || d < 1 || d > DateTime.DaysInMonth(y, monthNumber)
            || time.Length is not (5 or 8) || time[2] != ':' || (time.Length == 8 && time[5] != ':')
            || !TwoDigits(time[..2], 23, out var hour) || !TwoDigits(time[3..5], 59, out var minute))
        {
            return false;
        }

        var second = 0;
        if ((time.Length == 8 && !TwoDigits(time[6..], 59, out second)) || !TryZone(zone, out var offset))
        {
            return false;
        }

        value = new DateTimeOffset(y, monthNumber, d, hour, minute, second, offset).ToUniversalTime();
        return true;
    }

    /// <returns>1 to 12 for an English month abbreviation in any case, else 0.</returns>
    private static int MonthNumber(ReadOnlySpan<char> month)
    {
        for (var m = 0; month.Length == 3 && m < 12; m++)
        {
            if (month.Equals(EnglishMonths.AsSpan(m * 3, 3), StringComparison.OrdinalIgnoreCase))
            {
                return m + 1;
            }
        }

        return 0;
    }

    /// <summary>A zone named in <see cref="ZoneOffsets"/>, ±HHMM or ±HH:MM, as an offset of at most 14 hours.</summary>
    private static bool TryZone(ReadOnlySpan<char> zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        var text = ZoneOffsetsBySpan.TryGetValue(zone, out var named) ? named.AsSpan() : zone;
        var minutesAt = text.Length == 6 && text[3] == ':' ? 4 : 3;
        if (text.Length != minutesAt + 2 || text[0] is not ('+' or '-')
            || !TwoDigits(text[1..3], 14, out var hours) || !TwoDigits(text[minutesAt..], 59, out var minutes))
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0) * (text[0] == '-' ? -1 : 1);
        return offset.Duration() <= TimeSpan.FromHours(14);
    }

    private static bool TwoDigits(ReadOnlySpan<char> text, int max, out int value)
    {
        value = text.Length == 2 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1]) ? (text[0] - '0') * 10 + (text[1] - '0') : -1;
        return value >= 0 && value <= max;
    }

    private const string EnglishMonths = "janfebmaraprmayjunjulaugsepoctnovdec";

    private static readonly System.Buffers.SearchValues<char> Letters = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

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
