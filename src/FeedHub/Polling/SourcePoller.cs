using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling;

/// <summary>
/// One poll of one source, start to end: fetch, parse, store, and decide when to come back.
/// Whatever the upstream does, the poll ends in a fetch-log row; nothing it sends escapes as an exception.
/// </summary>
internal sealed partial class SourcePoller(
    SourceStore sources,
    PollStore polls,
    FeedFetcher fetcher,
    FeedParser parser,
    TimeProvider time,
    IOptions<PollingOptions> options,
    ILogger<SourcePoller> logger)
{
    /// <returns>The poll's record, or null when the source is unknown.</returns>
    public async Task<PollOutcome?> PollAsync(string sourceId, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var result = await fetcher.FetchAsync(new Uri(source.Url), source.State, cancellationToken);

        ParsedFeed? feed = null;
        if (result is FetchedDocument fetched)
        {
            try
            {
                feed = parser.Parse(fetched.Body, fetched.ContentType, fetched.DocumentUrl);
            }
            catch (FeedParseException e)
            {
                result = new FetchFailed(fetched.HttpStatus, e.Message, fetched.Body.Length);
            }
        }

        var finishedAt = time.GetUtcNow();
        var document = result as FetchedDocument;
        var error = (result as FetchFailed)?.Error;
        var failed = error is not null;
        var streak = failed ? source.State.ErrorStreak + 1 : 0;
        var next = NextAttempt(source, finishedAt, streak);

        // Validators come from the last 200 only: a 304 or a failure keeps the previous ones.
        var state = source.State with
        {
            ETag = document is null ? source.State.ETag : document.ETag,
            LastModified = document is null ? source.State.LastModified : document.LastModified,
            LastAttemptAt = startedAt,
            LastSuccessAt = failed ? source.State.LastSuccessAt : finishedAt,
            LastHttpStatus = result.HttpStatus,
            LastError = error,
            ErrorStreak = streak,
            NextAttemptAt = next,
        };

        var fetch = new FetchRecord
        {
            SourceId = source.Id,
            StartedAt = startedAt,
            Duration = time.GetElapsedTime(started),
            Outcome = result switch
            {
                NotModified => FetchOutcome.NotModified,
                FetchFailed => FetchOutcome.Failed,
                _ => FetchOutcome.Fetched,
            },
            HttpStatus = result.HttpStatus,
            Bytes = document?.Body.Length ?? (result as FetchFailed)?.Bytes ?? 0,
            Error = error,
            Notes = feed is null ? null : Notes(feed),
        };
        var record = await polls.RecordAsync(
            new PollRecord(fetch, state, feed is null ? null : new ParsedFeedInfo(feed.Title, feed.SiteUrl, feed.Id), feed?.Items ?? []),
            cancellationToken);

        if (failed)
        {
            LogFailed(source.Id, streak, record.Error, next);
        }
        else
        {
            LogPolled(source.Id, record.Outcome, record.ItemsNew, record.ItemsUpdated, next);
        }

        return new PollOutcome(record, next);
    }

    private static string? Notes(ParsedFeed feed)
    {
        var dates = feed.UnreadableDates.Count == 0
            ? null
            : $"Dates that could not be read were left empty: {string.Join(", ", feed.UnreadableDates.Take(5).Select(d => $"'{d}'"))}.";
        return feed.Recovery is null ? dates : dates is null ? feed.Recovery : $"{feed.Recovery} {dates}";
    }

    private DateTimeOffset NextAttempt(Source source, DateTimeOffset now, int errorStreak)
    {
        var schedule = PollSchedule.Parse(source.Schedule);
        var regular = schedule.NextAfter(now);
        if (errorStreak == 0)
        {
            return regular;
        }

        // A cron schedule's period is the gap between two of its fires, wherever the failure falls.
        var interval = schedule.Interval ?? (schedule.NextAfter(regular) - regular);
        var delay = Backoff.Delay(errorStreak, interval, options.Value.BackoffCap, Random.Shared.NextDouble());
        return now + delay;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {SourceId}: {Outcome}, {ItemsNew} new, {ItemsUpdated} updated; next poll at {NextAttemptAt:o}")]
    private partial void LogPolled(string sourceId, FetchOutcome outcome, int itemsNew, int itemsUpdated, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poll of {SourceId} failed ({ErrorStreak} in a row): {Error} Next attempt at {NextAttemptAt:o}")]
    private partial void LogFailed(string sourceId, int errorStreak, string? error, DateTimeOffset nextAttemptAt);
}

/// <summary>What a poll did, and when the source is due again.</summary>
internal sealed record PollOutcome(FetchRecord Fetch, DateTimeOffset NextAttemptAt);
