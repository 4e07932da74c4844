using FeedHub.Model;

namespace FeedHub.Polling;

/// <summary>How a source is doing, at a glance: whether it is behind its schedule, and why.</summary>
public sealed record SourceHealth(SourceCondition Condition, bool BehindSchedule, string? Why)
{
    public static SourceHealth Of(Source source, DateTimeOffset now)
    {
        var state = source.State;
        if (source.Status != SourceStatus.Active)
        {
            return new(source.Status == SourceStatus.Paused ? SourceCondition.Paused : SourceCondition.Retired, false, source.StatusReason);
        }

        if (state.LastAttemptAt is null)
        {
            return new(SourceCondition.NeverPolled, false, "Waiting for its first poll.");
        }

        if (state.LastError is { } error)
        {
            var limited = state.ErrorStreak == 0 && state.LastHttpStatus is 429 or 503;
            return new(limited ? SourceCondition.RateLimited : SourceCondition.Failing, true, error);
        }

        // A pushed source's hub sends its changes; it is polled only as a safety net, so not succeeding
        // at its own schedule's rate is not being behind (a failing safety-net poll still shows above).
        if (source.PushedUntil > now)
        {
            return new(SourceCondition.Ok, false, null);
        }

        // A source that has not succeeded for two of its periods is behind, whatever the reason.
        var schedule = PollSchedule.Parse(source.Schedule);
        var last = state.LastSuccessAt ?? state.LastAttemptAt.Value;
        var period = schedule.Interval ?? schedule.NextAfter(schedule.NextAfter(last)) - schedule.NextAfter(last);
        return last + (2 * period) + TimeSpan.FromMinutes(5) < now
            ? new(SourceCondition.Behind, true, $"No successful poll since {last:u}.")
            : new(SourceCondition.Ok, false, null);
    }
}

public enum SourceCondition
{
    Ok,
    NeverPolled,
    Failing,
    RateLimited,
    Behind,
    Paused,
    Retired,
}
