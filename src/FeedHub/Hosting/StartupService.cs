using FeedHub.Articles;
using FeedHub.Polling;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>
/// Readies the store and the schedule before Quartz starts firing: migrate the schema, read the
/// articles (giving every scheduled one its trigger), merge the declared sources into the store,
/// give every active source its trigger (or keep the one a shared schedule already holds). Polls themselves run
/// later on Quartz's threads; start-up never waits for one.
/// </summary>
internal sealed partial class StartupService(
    Database database,
    Migrator migrator,
    SourceStore sources,
    PollScheduler scheduler,
    PollMetrics metrics,
    ArticleLibrary articles,
    IOptions<SourcesOptions> sourcesOptions,
    IOptions<PollingOptions> pollingOptions,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<StartupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);

        // Nodes sharing a store start one at a time: the first merges and schedules, the others find it done.
        await using var startup = await database.LockAsync("feedhub:startup", cancellationToken);
        metrics.ObserveSources(sources);
        await articles.StartAsync(cancellationToken);

        var opml = ReadOpml(out var opmlMissing);
        var declared = DeclaredSources.Build(sourcesOptions.Value, opml, pollingOptions.Value.DefaultSchedule, time.GetUtcNow());
        foreach (var problem in declared.Problems)
        {
            LogOpmlProblem(sourcesOptions.Value.SourcesOpml, problem);
        }

        // A sources file that has gone missing is not a decision to drop its sources.
        var merge = await sources.MergeDeclaredAsync(declared.Sources, retireOpmlSources: !opmlMissing, cancellationToken);
        LogMerged(declared.Sources.Count, merge.Added, merge.Updated, merge.Retired);

        foreach (var source in await sources.ListAsync(cancellationToken))
        {
            await scheduler.EnsureScheduledAsync(source, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <exception cref="StartupProblemException">The OPML file exists but is not OPML: start-up stops rather than retire its sources.</exception>
    private OpmlSubscriptions? ReadOpml(out bool missing)
    {
        missing = false;
        if (string.IsNullOrWhiteSpace(sourcesOptions.Value.SourcesOpml))
        {
            return null;
        }

        var path = Path.GetFullPath(sourcesOptions.Value.SourcesOpml, environment.ContentRootPath);
        if (!File.Exists(path))
        {
            LogOpmlMissing(path);
            missing = true;
            return null;
        }

        try
        {
            using var reader = File.OpenText(path);
            return OpmlReader.Read(reader);
        }
        catch (FormatException e)
        {
            throw new StartupProblemException($"FeedHub:SourcesOpml: {path} cannot be read: {e.Message}", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped an outline of {OpmlFile}: {Problem}")]
    private partial void LogOpmlProblem(string? opmlFile, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sources file {OpmlFile} does not exist; the sources it declared are kept as they are")]
    private partial void LogOpmlMissing(string opmlFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Declared sources: {Declared} ({Added} added, {Updated} updated, {Retired} retired)")]
    private partial void LogMerged(int declared, int added, int updated, int retired);
}
