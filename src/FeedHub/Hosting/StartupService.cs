using FeedHub.Articles;
using FeedHub.Polling;
using FeedHub.Storage;

namespace FeedHub.Hosting;

/// <summary>
/// Readies the store and the schedule before Quartz starts firing: migrate the schema, merge the
/// declared sources into the store, read the articles (giving every scheduled one its trigger) and
/// give every active source its trigger, or keep the one a shared schedule already holds. Polls
/// themselves run later on Quartz's threads; start-up never waits for one.
/// </summary>
internal sealed class StartupService(
    Database database,
    StorePreparation store,
    SourceStore sources,
    PollScheduler scheduler,
    PollMetrics metrics,
    ArticleLibrary articles) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Nodes sharing a store start one at a time: the first migrates, merges and schedules, the others find it done.
        await using var startup = await database.LockAsync("feedhub:startup", cancellationToken);
        await store.PrepareAsync(retireUndeclared: true, cancellationToken);
        metrics.ObserveSources(sources);
        await articles.StartAsync(cancellationToken);

        foreach (var source in await sources.ListAsync(cancellationToken))
        {
            await scheduler.EnsureScheduledAsync(source, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
