using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling;

/// <summary>
/// One poll of one source, start to end: fetch, then ingest (parse, store, and decide when to come
/// back). Content a WebSub hub pushes takes the same ingest path without the fetch. Whatever the
/// upstream does, the poll ends in a fetch-log row; nothing it sends escapes as an exception.
/// </summary>
internal sealed partial class SourcePoller(
    SourceStore sources,
    PollStore polls,
    UpstreamSubscriptionStore subscriptions,
    StoreChanges changes,
    FeedFetcher fetcher,
    FeedParser parser,
    TimeProvider time,
    PollingRandomness randomness,
    PollMetrics metrics,
    IOptions<PollingOptions> options,
    IOptions<WebSub.WebSubOptions> websub,
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
        return await IngestAsync(source, result, startedAt, started, cancellationToken);
    }

    /// <summary>
    /// Stores what a WebSub hub pushed for <paramref name="sourceId"/> (its signature already checked):
    /// parsed, sanitized and stored exactly as a polled document is, and logged as a push. The
    /// source's poll state is left alone: a push says nothing of how its URL answers.
    /// </summary>
    /// <returns>The push's fetch-log record, and the newest item date of the document, or null when the source is unknown.</returns>
    public async Task<PushOutcome?> IngestPushAsync(string sourceId, byte[] body, string? contentType, Uri documentUrl, CancellationToken cancellationToken)
    {
        if (await sources.GetAsync(sourceId, cancellationToken) is null)
        {
            return null;
        }

        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        ParsedFeed? feed = null;
        string? error = null;
        try
        {
            feed = parser.Parse(body, contentType, documentUrl);
        }
        catch (FeedParseException e)
        {
            error = $"Pushed content refused: {e.Message}";
        }

        var fetch = new FetchRecord
        {
            SourceId = sourceId,
            StartedAt = startedAt,
            Duration = time.GetElapsedTime(started),
            Outcome = feed is null ? FetchOutcome.PushRefused : FetchOutcome.Pushed,
            Bytes = body.Length,
            Error = error,
            Notes = feed is null ? null : Notes(feed),
        };
        var record = await polls.RecordPushAsync(fetch, feed?.Items ?? [], cancellationToken);
        metrics.RecordPushedItems(record);
        if (record.ItemsNew + record.ItemsUpdated > 0)
        {
            changes.Changed();
        }

        LogPushed(sourceId, record.Outcome, record.ItemsNew, record.ItemsUpdated);
        var newest = feed?.Items.Select(i => i.Updated ?? i.Published).Where(d => d is not null).Max();
        return new PushOutcome(record, newest);
    }

    /// <summary>Logs a push that was refused before it was read (unsigned, wrongly signed, too large): nothing is stored.</summary>
    public async Task<FetchRecord> RefusePushAsync(string sourceId, string error, long bytes, CancellationToken cancellationToken)
    {
        var fetch = new FetchRecord
        {
            SourceId = sourceId,
            StartedAt = time.GetUtcNow(),
            Duration = TimeSpan.Zero,
            Outcome = FetchOutcome.PushRefused,
            Bytes = bytes,
            Error = error,
        };
        var record = await polls.RecordPushAsync(fetch, [], cancellationToken);
        LogPushRefused(sourceId, error);
        return record;
    }

    private async Task<PollOutcome> IngestAsync(Source source, FetchResult result, DateTimeOffset startedAt, long started, CancellationToken cancellationToken)
    {
        ParsedFeed? feed = null;
        if (result is FetchedDocument fetched)
        {
            try
            {
                feed = parser.Parse(fetched.Body, fetched.ContentType, fetched.DocumentUrl);
            }
            catch (FeedParseException e)
            {
                result = new FetchFailed(FetchErrorKind.Parse, fetched.HttpStatus, e.Message, fetched.Body.Length);
            }
        }

        var finishedAt = time.GetUtcNow();
        var document = result as FetchedDocument;
        var rateLimited = result as RateLimited;
        var error = result switch
        {
            FetchFailed { HttpStatus: 410 } => "HTTP 410 Gone: the feed was removed for good, so the source is retired.",
            FetchFailed failure => failure.Error,
            RateLimited limited => $"Rate limited (HTTP {limited.HttpStatus}): the server asked to wait until {limited.RetryAfter.From(finishedAt):u}.",
            _ => null,
        };

        // Being asked to wait is not failing: the streak, and so the backoff, are left as they were.
        var failed = result is FetchFailed;
        var streak = failed ? source.State.ErrorStreak + 1 : rateLimited is null ? 0 : source.State.ErrorStreak;
        var next = NextAttempt(source, finishedAt, streak);

        // What the publisher says about freshness is a floor under the schedule, within the cap.
        var floor = Max(document?.FreshFor, feed?.UpdateInterval);
        if (floor is { } atLeast && streak == 0)
        {
            var earliest = finishedAt + (atLeast < options.Value.BackoffCap ? atLeast : options.Value.BackoffCap);
            next = earliest > next ? earliest : next;
        }

        // While a hub pushes the source's changes, polling is only a safety net, at a slower rate.
        if (await subscriptions.IsPushedAsync(source.Id, finishedAt, cancellationToken))
        {
            var safetyNet = finishedAt + websub.Value.SafetyNetInterval;
            next = safetyNet > next ? safetyNet : next;
        }

        if (rateLimited is not null)
        {
            var asked = rateLimited.RetryAfter.From(finishedAt);
            var cap = finishedAt + options.Value.BackoffCap;
            next = asked > next ? (asked < cap ? asked : cap) : next;
        }

        // A permanent redirect moves the source only when the next poll is redirected there too.
        var movedTo = (document?.MovedTo ?? (result as NotModified)?.MovedTo)?.AbsoluteUri;
        var move = movedTo is not null && movedTo == source.State.PermanentRedirect ? movedTo : null;
        var change = move is not null || result is FetchFailed { HttpStatus: 410 }
            ? new SourceChange(move, result is FetchFailed { HttpStatus: 410 } ? $"The feed is gone (HTTP 410 on {finishedAt:yyyy-MM-dd})." : null)
            : null;

        // Validators come from the last 200 only: a 304 or a failure keeps the previous ones.
        var state = source.State with
        {
            ETag = document is null ? source.State.ETag : document.ETag,
            LastModified = document is null ? source.State.LastModified : document.LastModified,
            LastAttemptAt = startedAt,
            LastSuccessAt = failed || rateLimited is not null ? source.State.LastSuccessAt : finishedAt,
            LastHttpStatus = result.HttpStatus,
            LastError = error,
            ErrorStreak = streak,
            NextAttemptAt = next,
            PermanentRedirect = move is null ? movedTo : null,
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
                RateLimited => FetchOutcome.RateLimited,
                _ => FetchOutcome.Fetched,
            },
            HttpStatus = result.HttpStatus,
            Bytes = document?.Body.Length ?? (result as FetchFailed)?.Bytes ?? 0,
            Error = error,
            Notes = Join(
                move is not null ? $"Moved permanently to {move} (redirected there on two polls in a row); the source now polls it." : null,
                feed is null ? null : Notes(feed)),
        };
        var info = feed is null ? null : Info(feed, document!);
        var record = await polls.RecordAsync(new PollRecord(fetch, state, info, feed?.Items ?? [], change), cancellationToken);
        metrics.RecordPoll(record, (result as FetchFailed)?.Kind);

        // A 304 or a failure changes nothing a feed shows; a parsed document, a move or a retirement may.
        if (change is not null || (info is not null && (info.Hub != source.Hub || info.Topic != source.Topic)))
        {
            changes.SourcesChanged();
        }
        else if (feed is not null)
        {
            changes.Changed();
        }

        if (failed)
        {
            LogFailed(source.Id, streak, record.Error, next);
        }
        else
        {
            LogPolled(source.Id, record.Outcome, record.ItemsNew, record.ItemsUpdated, next);
        }

        return new PollOutcome(record, next, source.Schedule, Retired: change?.RetireReason is not null);
    }

    /// <summary>
    /// What the feed says of itself, with the WebSub hub and topic it advertises: the HTTP Link
    /// headers win over the document's links; the topic falls back to the URL the document came from.
    /// </summary>
    private static ParsedFeedInfo Info(ParsedFeed feed, FetchedDocument document)
    {
        var hub = document.LinkHubs.Count > 0 ? document.LinkHubs[0] : feed.Hubs.Count > 0 ? feed.Hubs[0] : null;
        var topic = hub is null ? null : document.LinkSelf ?? feed.Self ?? document.DocumentUrl.AbsoluteUri;
        return new ParsedFeedInfo(feed.Title, feed.SiteUrl, feed.Id, hub, topic);
    }

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first} {second}";

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
            // Sources on the same interval drift apart instead of hitting their hosts together.
            // Cron schedules name exact times and are kept to them.
            return schedule.Interval is { } every ? regular + Backoff.Jitter(every, randomness.NextFraction()) : regular;
        }

        // A cron schedule's period is the gap between two of its fires, wherever the failure falls.
        var interval = schedule.Interval ?? (schedule.NextAfter(regular) - regular);
        var delay = Backoff.Delay(errorStreak, interval, options.Value.BackoffCap, randomness.NextFraction());
        return now + delay;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {SourceId}: {Outcome}, {ItemsNew} new, {ItemsUpdated} updated; next poll at {NextAttemptAt:o}")]
    private partial void LogPolled(string sourceId, FetchOutcome outcome, int itemsNew, int itemsUpdated, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push for {SourceId}: {Outcome}, {ItemsNew} new, {ItemsUpdated} updated")]
    private partial void LogPushed(string sourceId, FetchOutcome outcome, int itemsNew, int itemsUpdated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push for {SourceId} refused: {Error}")]
    private partial void LogPushRefused(string sourceId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poll of {SourceId} failed ({ErrorStreak} in a row): {Error} Next attempt at {NextAttemptAt:o}")]
    private partial void LogFailed(string sourceId, int errorStreak, string? error, DateTimeOffset nextAttemptAt);
}

/// <summary>What a poll did, when the source is due again, the schedule that was computed from, and whether it retired the source (HTTP 410).</summary>
internal sealed record PollOutcome(FetchRecord Fetch, DateTimeOffset NextAttemptAt, string Schedule, bool Retired = false);

/// <summary>What a push did, and the newest date among the pushed items (for the push latency).</summary>
internal sealed record PushOutcome(FetchRecord Fetch, DateTimeOffset? NewestItemDate);
