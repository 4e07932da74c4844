using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling;

/// <summary>
/// One poll of one source, as a recipe: fetch, parse, decide (<see cref="PollPolicy"/>), store
/// (through the <see cref="PollWriter"/>). Content a WebSub hub pushes takes the same parse and store
/// without the fetch. Whatever the upstream does, and whatever fails that nobody foresaw, the poll
/// ends in a fetch-log row; nothing escapes as an exception but cancellation.
/// </summary>
internal sealed partial class SourcePoller(
    SourceStore sources,
    PollStore polls,
    PollWriter writer,
    FeedFetcher fetcher,
    FeedParser parser,
    TimeProvider time,
    PollingRandomness randomness,
    PollMetrics metrics,
    IOptions<PollingOptions> options,
    IOptions<Push.PushOptions> push,
    ILogger<SourcePoller> logger)
{
    /// <returns>The poll's record, or null when the source is unknown.</returns>
    public async Task<PollOutcome?> PollAsync(string sourceId, CancellationToken cancellationToken) =>
        await sources.GetAsync(sourceId, cancellationToken) is { } source ? await PollAsync(source, cancellationToken) : null;

    /// <summary>Polls <paramref name="source"/> as it was read from the store, and commits what it learnt.</summary>
    public async Task<PollOutcome> PollAsync(Source source, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var (result, feed) = await FetchAndParseAsync(source, cancellationToken);
        var settings = new PollPolicySettings(options.Value.BackoffCap, push.Value.SafetyNetInterval);
        var decision = PollPolicy.Decide(source, result, feed, startedAt, time.GetUtcNow(), settings, randomness.NextFraction());
        var info = feed is null ? null : Info(feed, (FetchedDocument)result);

        FetchRecord record;
        try
        {
            record = await writer.WriteAsync(Record(source, result, feed, info, decision, startedAt, started), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // What was fetched is lost, but not the poll: it is a failure, with its backoff, like any other.
            LogStoreFailed(e, source.Id);
            result = new FetchFailed(FetchErrorKind.Unexpected, result.HttpStatus, $"The poll could not be stored: {e.Message}");
            (feed, info) = (null, null);
            decision = PollPolicy.Decide(source, result, null, startedAt, time.GetUtcNow(), settings, randomness.NextFraction());
            record = await writer.WriteAsync(Record(source, result, null, null, decision, startedAt, started), cancellationToken);
        }

        metrics.RecordPoll(record, (result as FetchFailed)?.Kind);

        var next = decision.State.NextAttemptAt!.Value;
        if (result is FetchFailed)
        {
            LogFailed(source.Id, decision.State.ErrorStreak, record.Error, next);
        }
        else
        {
            LogPolled(source.Id, record.Outcome, record.ItemsNew, record.ItemsUpdated, next);
        }

        return new PollOutcome(record, next, Retired: decision.Change?.RetireReason is not null);
    }

    /// <summary>The fetch and the parse, as one result: a document that does not parse, and any exception but cancellation, are failures.</summary>
    private async Task<(FetchResult Result, ParsedFeed? Feed)> FetchAndParseAsync(Source source, CancellationToken cancellationToken)
    {
        try
        {
            var result = await fetcher.FetchAsync(new Uri(source.Url), source.State, cancellationToken);
            if (result is not FetchedDocument fetched)
            {
                return (result, null);
            }

            try
            {
                return (result, parser.Parse(fetched.Body, fetched.ContentType, fetched.DocumentUrl));
            }
            catch (FeedParseException e)
            {
                return (new FetchFailed(FetchErrorKind.Parse, fetched.HttpStatus, e.Message, fetched.Body.Length), null);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnexpected(e, source.Id);
            return (new FetchFailed(FetchErrorKind.Unexpected, null, $"The poll failed unexpectedly: {e.GetType().Name}: {e.Message}"), null);
        }
    }

    private PollRecord Record(Source source, FetchResult result, ParsedFeed? feed, ParsedFeedInfo? info, PollDecision decision, DateTimeOffset startedAt, long started)
    {
        var fetch = new FetchRecord
        {
            SourceId = source.Id,
            StartedAt = startedAt,
            Duration = time.GetElapsedTime(started),
            Outcome = decision.Outcome,
            HttpStatus = result.HttpStatus,
            Bytes = (result as FetchedDocument)?.Body.Length ?? (result as FetchFailed)?.Bytes ?? 0,
            Error = decision.Error,
            Notes = Join(decision.Note, feed is null ? null : Notes(feed)),
        };
        return new PollRecord(fetch, decision.State, info, feed?.Items ?? [], decision.Change, source.Schedule, HubChanged: info is not null && (info.Hub != source.Hub || info.Topic != source.Topic));
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

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first} {second}";

    private static string? Notes(ParsedFeed feed)
    {
        var dates = feed.UnreadableDates.Count == 0
            ? null
            : $"Dates that could not be read were left empty: {string.Join(", ", feed.UnreadableDates.Take(5).Select(d => $"'{d}'"))}.";
        return feed.Recovery is null ? dates : dates is null ? feed.Recovery : $"{feed.Recovery} {dates}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {SourceId}: {Outcome}, {ItemsNew} new, {ItemsUpdated} updated; next poll at {NextAttemptAt:o}")]
    private partial void LogPolled(string sourceId, FetchOutcome outcome, int itemsNew, int itemsUpdated, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push for {SourceId}: {Outcome}, {ItemsNew} new, {ItemsUpdated} updated")]
    private partial void LogPushed(string sourceId, FetchOutcome outcome, int itemsNew, int itemsUpdated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push for {SourceId} refused: {Error}")]
    private partial void LogPushRefused(string sourceId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Poll of {SourceId} failed in a way nobody foresaw; it is recorded as a failure")]
    private partial void LogUnexpected(Exception exception, string sourceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The poll of {SourceId} could not be stored; it is recorded as a failure")]
    private partial void LogStoreFailed(Exception exception, string sourceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poll of {SourceId} failed ({ErrorStreak} in a row): {Error} Next attempt at {NextAttemptAt:o}")]
    private partial void LogFailed(string sourceId, int errorStreak, string? error, DateTimeOffset nextAttemptAt);
}

/// <summary>What a poll did, when the source is due again, and whether it retired the source (HTTP 410).</summary>
internal sealed record PollOutcome(FetchRecord Fetch, DateTimeOffset NextAttemptAt, bool Retired);

/// <summary>What a push did, and the newest date among the pushed items (for the push latency).</summary>
internal sealed record PushOutcome(FetchRecord Fetch, DateTimeOffset? NewestItemDate);
