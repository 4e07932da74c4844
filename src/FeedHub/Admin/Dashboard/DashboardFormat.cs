using System.Globalization;
using FeedHub.Polling;

namespace FeedHub.Admin.Dashboard;

/// <summary>How the dashboard writes times and counts.</summary>
internal static class DashboardFormat
{
    public static string Utc(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Iso(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>"in 4 min", "2 h ago": what an operator scanning a table wants to know.</summary>
    public static string Relative(DateTimeOffset? time, DateTimeOffset now)
    {
        if (time is not { } t)
        {
            return "—";
        }

        var span = t - now;
        var size = span.Duration();
        var amount = size.TotalMinutes < 1 ? "under a minute"
            : size.TotalHours < 1 ? $"{(int)size.TotalMinutes} min"
            : size.TotalDays < 2 ? $"{(int)size.TotalHours} h"
            : $"{(int)size.TotalDays} days";
        return span >= TimeSpan.Zero ? $"in {amount}" : $"{amount} ago";
    }

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MiB",
    };

    /// <summary>A CSS class per health, so trouble stands out.</summary>
    public static string Class(SourceCondition condition) => condition switch
    {
        SourceCondition.Ok => "ok",
        SourceCondition.NeverPolled or SourceCondition.Paused or SourceCondition.Retired => "quiet",
        SourceCondition.RateLimited or SourceCondition.Behind => "warn",
        _ => "bad",
    };
}
