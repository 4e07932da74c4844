using System.Globalization;
using System.Text.RegularExpressions;
using Quartz;

namespace FeedHub.Model;

/// <summary>
/// When a source is polled: a Quartz cron expression ("0 0/15 * * * ?"), a five-field crontab line
/// ("*/15 * * * *"), or an interval ("30m", "1h30m", "2d", "00:45:00").
/// </summary>
public sealed partial record PollSchedule
{
    private PollSchedule(string expression, TimeSpan? interval, CronExpression? cron)
    {
        Expression = expression;
        Interval = interval;
        Cron = cron;
    }

    /// <summary>The schedule as written.</summary>
    public string Expression { get; }

    public TimeSpan? Interval { get; }

    public CronExpression? Cron { get; }

    public static PollSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    public static bool TryParse(string? expression, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PollSchedule? schedule, out string? error)
    {
        schedule = null;
        var text = expression?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "The schedule is empty.";
            return false;
        }

        if (TryParseInterval(text, out var interval))
        {
            if (interval < TimeSpan.FromSeconds(1))
            {
                error = $"The interval '{text}' is shorter than one second.";
                return false;
            }

            schedule = new PollSchedule(text, interval, null);
            error = null;
            return true;
        }

        if (CronExpression.TryParse(text, out var cron) || CronExpression.TryParse(text, CronFormat.Unix, out cron))
        {

            schedule = new PollSchedule(text, null, cron.WithTimeZone(TimeZoneInfo.Utc));
            error = null;
            return true;
        }

        error = $"'{text}' is neither an interval (30m, 1h30m, 00:45:00) nor a cron expression (0 0/15 * * * ? or */15 * * * *).";
        return false;
    }

    /// <summary>Whether the schedule fires at all after <paramref name="now"/>: a cron year field can put every fire in the past.</summary>
    public bool FiresAfter(DateTimeOffset now) => NextAfter(now) != DateTimeOffset.MaxValue;

    /// <summary>The first time after <paramref name="after"/> this schedule fires.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after) =>
        Interval is { } interval ? after + interval : Cron!.GetNextValidTimeAfter(after) ?? DateTimeOffset.MaxValue;

    public override string ToString() => Expression;

    private static bool TryParseInterval(string text, out TimeSpan interval)
    {
        var match = IntervalSyntax().Match(text);
        if (match.Success && match.Length > 0)
        {
            interval = TimeSpan.FromDays(Number(match.Groups["d"]))
                + TimeSpan.FromHours(Number(match.Groups["h"]))
                + TimeSpan.FromMinutes(Number(match.Groups["m"]))
                + TimeSpan.FromSeconds(Number(match.Groups["s"]));
            return true;
        }

        return TimeSpan.TryParseExact(text, ["c", @"hh\:mm\:ss", @"d\.hh\:mm\:ss"], CultureInfo.InvariantCulture, out interval);
    }

    private static int Number(Group group) => group.Success ? int.Parse(group.Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^(?:(?<d>\d{1,4})d)?(?:(?<h>\d{1,5})h)?(?:(?<m>\d{1,6})m)?(?:(?<s>\d{1,7})s)?$", RegexOptions.IgnoreCase)]
    private static partial Regex IntervalSyntax();
}
