using Dapper;
using FeedHub.Admin;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.Data.Sqlite;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>The store's behaviour, the same on every engine: each engine runs this suite as a class of its own.</summary>
public abstract class StorageTests(StorageProvider provider) : IAsyncLifetime
{
    private TestUpstream _upstream = null!;

    protected TestStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Store = await TestStore.CreateAsync(provider);
        _upstream = await TestUpstream.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Start_AppliesEveryMigrationOfTheEngine()
    {
        await using var app = new FeedHubApp(settings: Store.Settings);
        _ = app.Server;

        var database = app.Get<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        Assert.Equal(
            Migrator.Scripts(database.Dialect.MigrationsFolder).Select(s => s.Version),
            await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task Restart_KeepsItemsAndState_AndPollingAgainNeverDuplicates()
    {
        _upstream.ServeFeed("feed.xml", Feeds.Numbered(6), etag: null, lastModified: null);
        var settings = FeedHubApp.Sources(("upstream", _upstream.Url("feed.xml")));
        foreach (var (key, value) in Store.Settings)
        {
            settings[key] = value;
        }

        using var contentRoot = new TestDirectory();
        DateTimeOffset? firstSuccess;
        await using (var first = new FeedHubApp(contentRoot.Path, settings))
        {
            _ = first.Server;
            await first.WaitForFetchesAsync("upstream");
            firstSuccess = (await first.Get<SourceStore>().GetAsync("upstream", CancellationToken.None))!.State.LastSuccessAt;
        }

        await using var second = new FeedHubApp(contentRoot.Path, settings);
        _ = second.Server;

        // Already polled once: the restart schedules the next poll instead of polling at once.
        var source = await second.Get<SourceStore>().GetAsync("upstream", CancellationToken.None);
        Assert.Equal(firstSuccess, source!.State.LastSuccessAt);
        Assert.True(await second.Get<PollScheduler>().NextFireAsync("upstream", CancellationToken.None) > DateTimeOffset.UtcNow.AddMinutes(50));

        // The body has no validators, so this is a full 200: every item is seen again, none added.
        var outcome = await second.Get<SourcePoller>().PollAsync("upstream", CancellationToken.None);
        Assert.Equal(FetchOutcome.Fetched, outcome!.Fetch.Outcome);
        Assert.Equal(6, outcome.Fetch.ItemsSeen);
        Assert.Equal(0, outcome.Fetch.ItemsNew);
        Assert.Equal(0, outcome.Fetch.ItemsUpdated);
        var items = (await second.Get<ItemStore>().QueryAsync(new ItemQuery("upstream", null, 100), CancellationToken.None)).Items;
        Assert.Equal(6, items.Count);
        Assert.Equal(2, (await second.Get<FetchLogStore>().ListAsync("upstream", 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ConcurrentOpmlImports_OfTheSameList_AddEachUrlOnce()
    {
        var outlines = string.Concat(Enumerable.Range(1, 200).Select(n => $"""<outline type="rss" text="Feed {n}" xmlUrl="https://feeds.example/{n}.xml"/>"""));
        var opml = $"""<?xml version="1.0"?><opml version="2.0"><head><title>Both</title></head><body>{outlines}</body></opml>""";
        await using var app = new FeedHubApp(settings: Store.Settings);
        _ = app.Server;
        var catalog = app.Get<SourceCatalog>();

        // Two imports at once, as from the API and the command line (or two nodes): each merges by URL
        // against what the other committed, so one adds every URL and the other finds them all there.
        var reports = await Task.WhenAll(
            Task.Run(() => catalog.ImportOpmlAsync(new StringReader(opml), progress: null, CancellationToken.None)),
            Task.Run(() => catalog.ImportOpmlAsync(new StringReader(opml), progress: null, CancellationToken.None)));

        Assert.All(reports, r => Assert.Null(r.Refusal));
        Assert.Equal([0, 200], reports.Select(r => r.Value!.Added.Count).Order());
        Assert.Equal([0, 200], reports.Select(r => r.Value!.Skipped.Count).Order());
        var sources = await app.Get<SourceStore>().ListAsync(CancellationToken.None);
        Assert.Equal(200, sources.Count);
        Assert.Equal(200, sources.Select(s => s.Url).Distinct().Count());
    }
}

public sealed class SqliteStorageTests() : StorageTests(StorageProvider.Sqlite)
{
    [Fact]
    public async Task Database_IsCreatedUnderTheContentRoot_WithWalAndTheSchemaVersion()
    {
        await using var app = new FeedHubApp();
        _ = app.Server;

        var file = Path.Combine(app.ContentRoot, "data", "feedhub.db");
        Assert.True(File.Exists(file), $"{file} exists");
        await using var connection = new SqliteConnection($"Data Source={file}");
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(
            Migrator.Scripts("Sqlite").Select(s => s.Version),
            await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"));
    }
}

public sealed class PostgresStorageTests() : StorageTests(StorageProvider.Postgres);
