using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Storage;

namespace FeedHub.Polling;

/// <summary>
/// What a poll's result means for its source: its next state, when it is next due, and whether it
/// moved or is gone. A pure function of the source, the result and the time, so every rule (backoff,
/// the publisher's freshness floor, Retry-After, the safety net of pushed sources, permanent moves,
/// 410) is tested on a fixed clock. Only this and an operator's action decide when a source is polled;
/// the WebSub subscriber only chooses, as a push starts or ends, between the two times this gave.
/// </summary>
internal static class PollPolicy
{
    /// <param name="result">How the fetch ended; a document that did not parse is a <see cref="FetchFailed"/> of kind <see cref="FetchErrorKind.Parse"/>.</param>
    /// <param name="feed">The parsed document, when there is one.</param>
    /// <param name="jitter">A number in [0, 1): the random part of intervals and backoff, passed in so tests can pin it.</param>
    public static PollDecision Decide(Source source, FetchResult result, ParsedFeed? feed, DateTimeOffset startedAt, DateTimeOffset finishedAt, PollPolicySettings settings, double jitter)
    {
        var document = result as FetchedDocument;
        var rateLimited = result as RateLimited;
        var gone = result is FetchFailed { HttpStatus: 410 };
        var error = result switch
        {
            _ when gone => "HTTP 410 Gone: the feed was removed for good, so the source is retired.",
            FetchFailed failure => failure.Error,
            RateLimited limited => $"Rate limited (HTTP {limited.HttpStatus}): the server asked to wait until {limited.RetryAfter.From(finishedAt):u}.",
            _ => null,
        };

        // Being asked to wait is not failing: the streak, and so the backoff, are left as they were.
        var failed = result is FetchFailed;
        var streak = failed ? source.State.ErrorStreak + 1 : rateLimited is null ? 0 : source.State.ErrorStreak;
        var next = Regular(source.Schedule, finishedAt, streak, settings.BackoffCap, jitter);

        // What the publisher says about freshness is a floor under the schedule, within the cap.
        if (Max(document?.FreshFor, feed?.UpdateInterval) is { } atLeast && streak == 0)
        {
            next = Later(next, finishedAt + (atLeast < settings.BackoffCap ? atLeast : settings.BackoffCap));
        }

        if (rateLimited is not null)
        {
            var asked = rateLimited.RetryAfter.From(finishedAt);
            var cap = finishedAt + settings.BackoffCap;
            next = Later(next, asked < cap ? asked : cap);
        }

        // While a hub pushes the source's changes, polling is only a safety net, at a slower rate.
        var scheduled = next;
        if (source.PushedUntil > finishedAt)
        {
            next = Later(next, SafetyNet(startedAt, settings.SafetyNetInterval));
        }

        // A permanent redirect moves the source only when the next poll is redirected there too.
        var movedTo = (document?.MovedTo ?? (result as NotModified)?.MovedTo)?.AbsoluteUri;
        var move = movedTo is not null && movedTo == source.State.PermanentRedirect ? movedTo : null;
        var change = move is not null || gone
            ? new SourceChange(move, gone ? $"The feed is gone (HTTP 410 on {finishedAt:yyyy-MM-dd})." : null)
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
            ScheduledAt = scheduled,
            PermanentRedirect = move is null ? movedTo : null,
        };

        var outcome = result switch
        {
            NotModified => FetchOutcome.NotModified,
            FetchFailed => FetchOutcome.Failed,
            RateLimited => FetchOutcome.RateLimited,
            _ => FetchOutcome.Fetched,
        };
        var note = move is null ? null : $"Moved permanently to {move} (redirected there on two polls in a row); the source now polls it.";
        return new PollDecision(state, change, outcome, error, note);
    }

    /// <summary>
    /// When a source whose schedule an operator changed is next due: its new schedule's first time after
    /// its last attempt, at once if that has passed or it was never polled.
    /// </summary>
    public static DateTimeOffset FirstDue(string schedule, DateTimeOffset? lastAttemptAt, DateTimeOffset now) =>
        lastAttemptAt is { } last ? Later(now, PollSchedule.Parse(schedule).NextAfter(last)) : now;

    /// <summary>When a pushed source is next polled at the latest, counted from its last attempt.</summary>
    public static DateTimeOffset SafetyNet(DateTimeOffset lastAttemptAt, TimeSpan safetyNetInterval) => lastAttemptAt + safetyNetInterval;

    private static DateTimeOffset Regular(string scheduleText, DateTimeOffset now, int errorStreak, TimeSpan backoffCap, double jitter)
    {
        var schedule = PollSchedule.Parse(scheduleText);
        var regular = schedule.NextAfter(now);
        if (errorStreak == 0)
        {
            // Sources on the same interval drift apart instead of hitting their hosts together.
            // Cron schedules name exact times and are kept to them.
            return schedule.Interval is { } every ? regular + Backoff.Jitter(every, jitter) : regular;
        }

        // A cron schedule's period is the gap between two of its fires, wherever the failure falls.
        var interval = schedule.Interval ?? (schedule.NextAfter(regular) - regular);
        return now + Backoff.Delay(errorStreak, interval, backoffCap, jitter);
    }

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>The settings the policy reads: the longest wait of a failing or rate-limited source, and the poll rate of a pushed one.</summary>
internal sealed record PollPolicySettings(TimeSpan BackoffCap, TimeSpan SafetyNetInterval);

/// <summary>A poll's consequences for its source.</summary>
/// <param name="State">The source's poll state after the attempt, with when it is next due.</param>
/// <param name="Change">A permanent move or retirement, if any.</param>
/// <param name="Outcome">What the fetch-log row says happened.</param>
/// <param name="Error">Why it failed or must wait, in words.</param>
/// <param name="Note">A note for the fetch-log row about the source itself (a move).</param>
internal sealed record PollDecision(PollState State, SourceChange? Change, FetchOutcome Outcome, string? Error, string? Note);
