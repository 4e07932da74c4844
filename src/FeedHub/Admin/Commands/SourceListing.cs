using System.Globalization;
using FeedHub.Model;
using FeedHub.Polling;

namespace FeedHub.Admin.Commands;

/// <summary>Sources as a plain-text table for a terminal: one line each, columns padded, the URL last.</summary>
internal static class SourceListing
{
    private const int ErrorWidth = 60;

    public static async Task WriteAsync(TextWriter output, IReadOnlyList<SourceResponse> sources, DateTimeOffset now)
    {
        string[] header = ["ID", "STATUS", "SCHEDULE", "LAST SUCCESS", "ERRORS", "NEXT POLL / LAST ERROR", "URL"];
        var rows = sources.Select(s => new[]
        {
            s.Id,
            s.Health.ToString(),
            s.Schedule,
            Time(s.LastSuccessAt) ?? "never",
            s.ErrorStreak.ToString(CultureInfo.InvariantCulture),
            NextOrError(s, now),
            s.Url,
        }).Prepend(header).ToList();

        var widths = Enumerable.Range(0, header.Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (var row in rows)
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column]))));
        }
    }

    /// <summary>The last error while the source is failing or rate limited, else when it is next polled.</summary>
    private static string NextOrError(SourceResponse source, DateTimeOffset now) => source.Health switch
    {
        SourceCondition.Failing or SourceCondition.RateLimited when source.LastError is { } error =>
            error.Length <= ErrorWidth ? error : error[..(ErrorWidth - 1)] + "…",
        SourceCondition.Paused or SourceCondition.Retired => "-",
        _ when source.Status != SourceStatus.Active => "-",
        _ => source.NextPollAt > now ? Time(source.NextPollAt)! : "due now",
    };

    private static string? Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
