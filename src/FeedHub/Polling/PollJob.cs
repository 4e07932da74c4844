using FeedHub.Storage;
using Microsoft.Extensions.Logging;
using Quartz;

namespace FeedHub.Polling;

/// <summary>
/// The Quartz job behind every source's trigger. One job per source (keyed by its id), and Quartz
/// never runs two executions of one job at once, so a slow poll delays the next instead of overlapping it.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class PollJob(SourcePoller poller, PollScheduler scheduler, SourceStore sources, ILogger<PollJob> logger) : IJob
{
    // Every line logged during a poll, by FeedHub or by a library it calls, carries the source's id.
    private static readonly Func<ILogger, string, IDisposable?> PollScope = LoggerMessage.DefineScope<string>("Poll of {SourceId}");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var sourceId = context.JobDetail.Key.Name;
        using var scope = PollScope(logger, sourceId);
        var outcome = await poller.PollAsync(sourceId, cancellationToken);
        if (outcome is null || outcome.Retired)
        {
            // The source was deleted while its trigger was pending, or is gone for good (HTTP 410).
            await scheduler.UnscheduleAsync(sourceId, cancellationToken);
            return;
        }

        // The schedule may have changed while the poll ran (the API replaced the trigger then): the
        // next time the poll computed from the old one must not overwrite it, so the source is
        // scheduled afresh from its stored definition instead.
        var stored = await sources.GetAsync(sourceId, cancellationToken);
        if (stored is null)
        {
            await scheduler.UnscheduleAsync(sourceId, cancellationToken);
            return;
        }

        if (stored.Schedule != outcome.Schedule || stored.Status != Model.SourceStatus.Active)
        {
            await scheduler.ScheduleAsync(stored with { State = stored.State with { NextAttemptAt = null } }, cancellationToken);
            if (await scheduler.NextFireAsync(sourceId, cancellationToken) is { } fresh)
            {
                await sources.SetNextAttemptAsync(sourceId, fresh, cancellationToken);
            }

            return;
        }

        // A cron trigger rounds the time up to its next cron fire; the store shows the real one.
        var nextFire = await scheduler.RescheduleAsync(sourceId, outcome.NextAttemptAt, cancellationToken);
        if (nextFire is { } actual && actual != outcome.NextAttemptAt)
        {
            await sources.SetNextAttemptAsync(sourceId, actual, cancellationToken);
        }
    }
}
