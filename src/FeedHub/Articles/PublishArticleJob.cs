using FeedHub.Storage;
using Quartz;

namespace FeedHub.Articles;

/// <summary>
/// Fires when a scheduled article is due: a stored one is marked published at its scheduled time,
/// and the articles are read again, so the channels, the site and the archives take it in like any
/// new article. A file with a future date needs no marking: reading the folder again publishes it.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class PublishArticleJob(ArticleStore store, ArticleLibrary library, TimeProvider time, ILogger<PublishArticleJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var slug = context.JobDetail.Key.Name;

        // Quartz may fire a moment before the clock reaches the time it was scheduled for.
        var now = time.GetUtcNow();
        var due = context.ScheduledFireTimeUtc is { } scheduled && scheduled > now ? scheduled : now;
        if (await store.PublishAsync(slug, due, cancellationToken))
        {
            LogPublished(slug);
        }

        await library.ReloadAsync(cancellationToken, due);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published the scheduled article {Slug}")]
    private partial void LogPublished(string slug);
}
