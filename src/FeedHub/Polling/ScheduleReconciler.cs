using FeedHub.Model;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling;

/// <summary>
/// Keeps the running server's schedule in step with sources changed by another process (a command
/// run against the same store): Quartz's in-memory triggers belong to this process alone. Every
/// <see cref="PollingOptions.ReconcileInterval"/> it reads the sources (one query), and schedules,
/// reschedules or unschedules those whose status, schedule or URL differ from their trigger.
/// </summary>
internal sealed partial class ScheduleReconciler(
    SourceStore sources,
    PollScheduler scheduler,
    IOptions<PollingOptions> options,
    TimeProvider time,
    ILogger<ScheduleReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A busy or briefly unreadable store is retried at the next tick, not fatal to the server.
                    LogFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    /// <returns>How many sources had their trigger added, replaced or removed.</returns>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        // The schedule first: a poll that retires its source commits before it unschedules it, so a
        // trigger seen here and gone by the time the store is read is never brought back.
        var scheduled = await scheduler.ListScheduledAsync(cancellationToken);
        var stored = await sources.ListSchedulesAsync(cancellationToken);
        var now = time.GetUtcNow();
        var changes = 0;

        foreach (var source in stored)
        {
            var trigger = scheduled.GetValueOrDefault(source.Id);
            string? change = (source.Status, trigger) switch
            {
                (not SourceStatus.Active, not null) => source.Status.ToString().ToLowerInvariant(),
                (SourceStatus.Active, null) when PollSchedule.TryParse(source.Schedule, out var schedule, out _) && schedule.FiresAfter(now) => "added or resumed",
                (SourceStatus.Active, not null) when trigger.Schedule != source.Schedule => $"schedule now {source.Schedule}",
                (SourceStatus.Active, not null) when trigger.Url != source.Url => $"URL now {source.Url}",
                _ => null,
            };

            // The whole source, for when it is next due, only for the few that changed.
            if (change is not null && await sources.GetAsync(source.Id, cancellationToken) is { } changed)
            {
                await scheduler.ScheduleAsync(changed, cancellationToken);
                LogReconciled(source.Id, change);
                changes++;
            }
        }

        var ids = stored.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in scheduled.Keys.Where(id => !ids.Contains(id)))
        {
            await scheduler.UnscheduleAsync(gone, cancellationToken);
            LogReconciled(gone, "removed");
            changes++;
        }

        return changes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule of {SourceId} brought in step with the store: {Change}")]
    private partial void LogReconciled(string sourceId, string change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not compare the schedule with the store; trying again at the next interval")]
    private partial void LogFailed(Exception exception);
}
