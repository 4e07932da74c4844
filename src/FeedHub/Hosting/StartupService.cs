using FeedHub.Articles;
using FeedHub.Polling;
using FeedHub.Storage;

namespace FeedHub.Hosting;

/// <summary>
/// Readies the store before Quartz starts firing: migrate the schema, merge the declared sources into
/// the store (which is the poll schedule), and read the articles (giving every scheduled one its
/// trigger). Polls themselves run later, dispatched from the store; start-up never waits for one.
/// </summary>
internal sealed class StartupService(
    Database database,
    StorePreparation store,
    SourceStore sources,
    PollMetrics metrics,
    ArticleLibrary articles) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Nodes sharing a store start one at a time: the first migrates and merges, the others find it done.
        await using var startup = await database.LockAsync("feedhub:startup", cancellationToken);
        await store.PrepareAsync(retireUndeclared: true, cancellationToken);
        metrics.ObserveSources(sources);
        await articles.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
