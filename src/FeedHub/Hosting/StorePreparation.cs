using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>
/// Readies the store for the server and for every command alike: migrate the schema, then merge
/// the sources declared in <c>FeedHub:Sources</c> and the OPML file, so ids are the same everywhere.
/// </summary>
internal sealed partial class StorePreparation(
    Migrator migrator,
    SourceStore sources,
    IOptions<SourcesOptions> sourcesOptions,
    IOptions<Polling.PollingOptions> pollingOptions,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<StorePreparation> logger)
{
    /// <param name="retireUndeclared">
    /// True at the server's start: declared sources no longer declared are retired. A command only
    /// adds and updates, since its configuration may lack what the running server was given.
    /// </param>
    /// <exception cref="StartupProblemException">The OPML file exists but is not OPML.</exception>
    public async Task PrepareAsync(bool retireUndeclared, CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);

        var opml = ReadOpml(out var opmlMissing);
        var declared = DeclaredSources.Build(sourcesOptions.Value, opml, pollingOptions.Value.DefaultSchedule, time.GetUtcNow());
        foreach (var problem in declared.Problems)
        {
            LogOpmlProblem(sourcesOptions.Value.SourcesOpml, problem);
        }

        // A sources file that has gone missing is not a decision to drop its sources.
        var merge = await sources.MergeDeclaredAsync(
            declared.Sources,
            retireConfigSources: retireUndeclared,
            retireOpmlSources: retireUndeclared && !opmlMissing,
            (schedule, lastAttemptAt) => Polling.PollPolicy.FirstDue(schedule, lastAttemptAt, time.GetUtcNow()),
            cancellationToken);
        LogMerged(declared.Sources.Count, merge.Added, merge.Updated, merge.Retired);
    }

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
