using FeedHub.Model;
using FeedHub.Sources;
using Microsoft.Extensions.Logging;
using Quartz;

namespace FeedHub.Polling;

/// <summary>
/// Keeps Quartz's triggers in step with the sources: one durable job and one trigger per active
/// source. The trigger's first fire is the source's next attempt (right away if it has never been
/// polled, later while it backs off), and its schedule is the source's own cron expression or interval.
/// </summary>
internal sealed partial class PollScheduler(ISchedulerFactory schedulers, TimeProvider time, ILogger<PollScheduler> logger)
{
    public const string Group = "poll";

    public static JobKey JobKeyOf(string sourceId) => new(sourceId, Group);

    public static TriggerKey TriggerKeyOf(string sourceId) => new(sourceId, Group);

    /// <summary>Schedules an active source, or removes the trigger of one that is paused or retired.</summary>
    public async Task ScheduleAsync(Source source, CancellationToken cancellationToken)
    {
        if (source.Status != SourceStatus.Active)
        {
            await UnscheduleAsync(source.Id, cancellationToken);
            return;
        }

        var now = time.GetUtcNow();
        if (!PollSchedule.Parse(source.Schedule).FiresAfter(now))
        {
            LogNeverFires(source.Id, source.Schedule);
            await UnscheduleAsync(source.Id, cancellationToken);
            return;
        }

        var firstFire = source.State.LastAttemptAt is null
            ? now
            : Later(now, source.State.NextAttemptAt ?? PollSchedule.Parse(source.Schedule).NextAfter(source.State.LastAttemptAt.Value));

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<PollJob>()
            .WithIdentity(JobKeyOf(source.Id))
            .WithDescription(source.Url)
            .StoreDurably()

            // In a cluster, a poll running on a node that dies is run again by another node.
            .RequestRecovery()
            .Build();
        await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);
        await scheduler.ScheduleJob(Trigger(source.Id, source.Schedule, source.Url, firstFire), ScheduleJobOptions.Replacing, cancellationToken);

        // A cron trigger's first fire is the first cron time after its start, which may be hours
        // away; a source that is due now (never polled, or overdue after downtime) is polled once now.
        // An interval trigger starting now already fires now.
        if (firstFire <= now && PollSchedule.Parse(source.Schedule).Cron is not null)
        {
            await scheduler.TriggerJob(job.Key, cancellationToken: cancellationToken);
        }

        LogScheduled(source.Id, source.Schedule, firstFire);
    }

    /// <summary>
    /// Schedules a source at start-up unless its trigger, kept in a shared store, already follows its
    /// schedule and URL: a node joining a cluster must not reset (and so fire again) what another node
    /// scheduled, but a source declared with a new URL is polled there at once.
    /// </summary>
    public async Task EnsureScheduledAsync(Source source, CancellationToken cancellationToken)
    {
        if (source.Status == SourceStatus.Active)
        {
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            if (await ScheduledAsync(scheduler, JobKeyOf(source.Id), cancellationToken) is { } current && current.Schedule == source.Schedule && current.Url == source.Url)
            {
                return;
            }
        }

        await ScheduleAsync(source, cancellationToken);
    }

    /// <summary>Moves a source's next fire to <paramref name="at"/> (or its schedule's first fire after it), keeping its schedule after that.</summary>
    /// <returns>The next fire, or null when the source is not scheduled.</returns>
    public async Task<DateTimeOffset?> RescheduleAsync(string sourceId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var current = await scheduler.GetTrigger(TriggerKeyOf(sourceId), cancellationToken);
        if (current is null)
        {
            return null;
        }

        var schedule = current.JobDataMap.GetString(ScheduleKey)!;
        var url = current.JobDataMap.GetString(UrlKey) ?? (await scheduler.GetJobDetail(JobKeyOf(sourceId), cancellationToken))?.Description;
        return await scheduler.RescheduleJob(current.Key, Trigger(sourceId, schedule, url, Later(time.GetUtcNow(), at)), cancellationToken);
    }

    /// <summary>Polls a scheduled source now, after any poll of it already running (Quartz never runs two at once).</summary>
    /// <returns>False when the source is not scheduled (paused, retired or unknown).</returns>
    public async Task<bool> PollNowAsync(string sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (!await scheduler.Exists(JobKeyOf(sourceId), cancellationToken))
        {
            return false;
        }

        await scheduler.TriggerJob(JobKeyOf(sourceId), cancellationToken: cancellationToken);
        return true;
    }

    public async Task UnscheduleAsync(string sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.DeleteJob(JobKeyOf(sourceId), cancellationToken);
    }

    /// <summary>Every source with a trigger, with the schedule and URL it was scheduled with.</summary>
    public async Task<IReadOnlyDictionary<string, ScheduledPoll>> ListScheduledAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var scheduled = new Dictionary<string, ScheduledPoll>(StringComparer.Ordinal);
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), cancellationToken))
        {
            if (await ScheduledAsync(scheduler, key, cancellationToken) is { } poll)
            {
                scheduled[key.Name] = poll;
            }
        }

        return scheduled;
    }

    /// <summary>
    /// What a source's trigger was made from. The trigger carries the URL as well as the schedule, so that
    /// comparing every source with its trigger reads (and Quartz's memory store copies) one object per
    /// source, not two; the job is read only when there is no trigger, or one made by an earlier version.
    /// </summary>
    private static async Task<ScheduledPoll?> ScheduledAsync(IScheduler scheduler, JobKey key, CancellationToken cancellationToken)
    {
        var trigger = await scheduler.GetTrigger(TriggerKeyOf(key.Name), cancellationToken);
        if (trigger?.JobDataMap.GetString(UrlKey) is { } url)
        {
            return new ScheduledPoll(trigger.JobDataMap.GetString(ScheduleKey), url);
        }

        var job = await scheduler.GetJobDetail(key, cancellationToken);
        return job is null ? null : new ScheduledPoll(trigger?.JobDataMap.GetString(ScheduleKey), job.Description);
    }

    /// <summary>When Quartz will next poll the source, or null when it is not scheduled.</summary>
    public async Task<DateTimeOffset?> NextFireAsync(string sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var trigger = await scheduler.GetTrigger(TriggerKeyOf(sourceId), cancellationToken);
        return trigger?.NextFireTimeUtc;
    }

    private const string ScheduleKey = "schedule";

    private const string UrlKey = "url";

    private ITrigger Trigger(string sourceId, string scheduleText, string? url, DateTimeOffset startAt)
    {
        var schedule = PollSchedule.Parse(scheduleText);
        var builder = TriggerBuilder.Create(time)
            .WithIdentity(TriggerKeyOf(sourceId))
            .ForJob(JobKeyOf(sourceId))
            .UsingJobData(ScheduleKey, scheduleText)
            .StartAt(startAt);
        if (url is not null)
        {
            builder = builder.UsingJobData(UrlKey, url);
        }

        // After downtime or a busy spell, poll once now and carry on: never a burst of catch-up polls.
        builder = schedule.Interval is { } interval
            ? builder.WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount))
            : builder.WithSchedule(CronScheduleBuilder.Create(schedule.Cron!).InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed));
        return builder.Build();
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The schedule '{Schedule}' of {SourceId} never fires again; the source is not polled")]
    private partial void LogNeverFires(string sourceId, string schedule);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduled {SourceId} ({Schedule}), first poll at {FirstPoll:o}")]
    private partial void LogScheduled(string sourceId, string schedule, DateTimeOffset firstPoll);
}

/// <summary>What a source's trigger was made from: its schedule (null if the job has lost its trigger) and URL.</summary>
internal sealed record ScheduledPoll(string? Schedule, string? Url);
