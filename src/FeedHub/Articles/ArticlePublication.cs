using FeedHub.Model;
using Quartz;

namespace FeedHub.Articles;

/// <summary>
/// Keeps one Quartz trigger per scheduled article, firing <see cref="PublishArticleJob"/> at its
/// publication time. Triggers follow the articles as last read: an article rescheduled gets its new
/// time, one deleted or published loses its trigger. At start every pending article gets one again.
/// </summary>
internal sealed partial class ArticlePublication(ISchedulerFactory schedulers, TimeProvider time, ILogger<ArticlePublication> logger)
{
    public const string Group = "publish";

    public static JobKey JobKeyOf(string slug) => new(slug, Group);

    public static TriggerKey TriggerKeyOf(string slug) => new(slug, Group);

    /// <summary>Makes the triggers match <paramref name="scheduled"/>, each article's <see cref="Article.Published"/> being when it is due.</summary>
    public async Task SyncAsync(IReadOnlyCollection<Article> scheduled, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var due = scheduled.ToDictionary(a => a.Slug, a => a.Published, StringComparer.Ordinal);
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), cancellationToken))
        {
            if (!due.ContainsKey(key.Name))
            {
                await scheduler.DeleteJob(key, cancellationToken);
                LogUnscheduled(key.Name);
            }
        }

        foreach (var (slug, at) in due)
        {
            if ((await scheduler.GetTrigger(TriggerKeyOf(slug), cancellationToken))?.StartTimeUtc == at)
            {
                continue;
            }

            var job = JobBuilder.Create<PublishArticleJob>()
                .WithIdentity(JobKeyOf(slug))
                .WithDescription($"Publishes the article '{slug}'")
                .StoreDurably()
                .Build();
            await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);

            // A time that passed while FeedHub was down publishes the article as soon as it is back.
            var trigger = TriggerBuilder.Create(time)
                .WithIdentity(TriggerKeyOf(slug))
                .ForJob(job.Key)
                .StartAt(at)
                .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, cancellationToken);
            LogScheduled(slug, at);
        }
    }

    /// <summary>When the article's trigger fires next, or null when it has none.</summary>
    public async Task<DateTimeOffset?> NextFireAsync(string slug, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return (await scheduler.GetTrigger(TriggerKeyOf(slug), cancellationToken))?.NextFireTimeUtc;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Article {Slug} is scheduled for {PublishAt:o}")]
    private partial void LogScheduled(string slug, DateTimeOffset publishAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Article {Slug} is no longer scheduled")]
    private partial void LogUnscheduled(string slug);
}
