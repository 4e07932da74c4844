using Dapper;
using FeedHub.Admin;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.Data.Sqlite;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>The store's behaviour, the same on every engine: each engine runs this suite as a class of its own.</summary>
public abstract class StorageTests(StorageProvider provider) : IntegrationTest
{

    protected TestStore Store { get; private set; } = null!;

    protected override async ValueTask SetUpAsync()
    {
        Store = await CreateStoreAsync(provider);
        await StartUpstreamAsync();
    }

    [Fact]
    public async Task Start_AppliesEveryMigrationOfTheEngine()
    {
        await using var app = FeedHubApp.Start(settings: Store.Settings);

        var database = app.Get<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        Assert.Equal(
            Migrator.Scripts(database.Dialect.MigrationsFolder).Select(s => s.Version),
            await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task ManyPollsCommittingAtOnce_AllLand_EachWithItsItemsAndFetchRow()
    {
        await using var app = FeedHubApp.Start(settings: Store.Settings);
        var ids = await app.CreatePausedSourcesAsync("many-", 24);

        // More writers than the thread pool has threads here: they queue for the store, none fails or waits out a timeout.
        var polls = app.Get<PollStore>();
        var now = DateTimeOffset.UtcNow;
        var recorded = await Task.WhenAll(ids.Select(id => Task.Run(() => polls.RecordAsync(
            new PollRecord(
                new FetchRecord { SourceId = id, StartedAt = now, Duration = TimeSpan.Zero, Outcome = FetchOutcome.Fetched, HttpStatus = 200 },
                PollState.Never with { LastSuccessAt = now },
                null,
                Enumerable.Range(1, 20).Select(n => new Item { Guid = $"{id}-{n}", Title = $"Item {n}" }).ToList()),
            CancellationToken.None))));

        Assert.All(recorded, r => Assert.Equal(20, r.ItemsNew));
        foreach (var id in ids)
        {
            Assert.Equal(20, await app.Get<ItemStore>().CountAsync(id, CancellationToken.None));
            Assert.Single(await app.Get<FetchLogStore>().ListAsync(id, 10, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Restart_KeepsItemsAndState_AndPollingAgainNeverDuplicates()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(6), etag: null, lastModified: null);
        var settings = FeedHubApp.Sources(("upstream", Upstream.Url("feed.xml"))).With(Store.Settings);

        using var contentRoot = new TestDirectory();
        DateTimeOffset? firstSuccess;
        await using (var first = new FeedHubApp(contentRoot.Path, settings))
        {
            _ = first.Server;
            await first.WaitForFetchesAsync("upstream");
            firstSuccess = (await first.Get<SourceStore>().GetAsync("upstream", CancellationToken.None))!.State.LastSuccessAt;
        }

        await using var second = FeedHubApp.Start(contentRoot.Path, settings);

        // Already polled once: the restart schedules the next poll instead of polling at once.
        var source = await second.Get<SourceStore>().GetAsync("upstream", CancellationToken.None);
        Assert.Equal(firstSuccess, source!.State.LastSuccessAt);
        Assert.True(await second.NextPollAsync("upstream") > DateTimeOffset.UtcNow.AddMinutes(50));

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
    public async Task ADeclaredSourceGivenANewUrl_IsPolledThereAtOnceOnRestart()
    {
        Upstream.ServeFeed("old.xml", Feeds.Numbered(2));
        Upstream.ServeFeed("new.xml", Feeds.Numbered(3));
        using var contentRoot = new TestDirectory();
        Dictionary<string, string?> Declaring(string path) =>
            new(FeedHubApp.Sources(("moving", Upstream.Url(path))).Concat(Store.Settings));

        await using (var first = new FeedHubApp(contentRoot.Path, Declaring("old.xml")))
        {
            _ = first.Server;
            await first.WaitForFetchesAsync("moving");
        }

        // The schedule is the same, so on PostgreSQL the trigger kept in the store would otherwise
        // stand, and the new URL would wait out the old one's interval.
        await using var second = FeedHubApp.Start(contentRoot.Path, Declaring("new.xml"));
        await second.WaitForFetchesAsync("moving", 2);

        Assert.Single(Upstream.RequestsTo("new.xml"));
        Assert.Equal(3, await second.Get<ItemStore>().CountAsync("moving", CancellationToken.None));
    }

    [Fact]
    public async Task TheFetchLog_KeepsTheNewestRowsOfEachSource_AndDropsTheRest()
    {
        var settings = new Dictionary<string, string?>(Store.Settings) { ["FeedHub:Storage:FetchHistoryPerSource"] = "3" };
        await using var app = FeedHubApp.Start(settings: settings);
        var sources = app.Get<SourceStore>();
        await sources.CreateAsync(new Source { Id = "often", Url = "https://often.example/feed", Schedule = "1h" }, CancellationToken.None);
        await sources.CreateAsync(new Source { Id = "once", Url = "https://once.example/feed", Schedule = "1h" }, CancellationToken.None);
        var polls = app.Get<PollStore>();
        var start = DateTimeOffset.UtcNow;

        Task<FetchRecord> Record(string id, int minute) => polls.RecordAsync(
            new PollRecord(
                new FetchRecord { SourceId = id, StartedAt = start.AddMinutes(minute), Duration = TimeSpan.Zero, Outcome = FetchOutcome.NotModified, HttpStatus = 304 },
                PollState.Never with { LastAttemptAt = start.AddMinutes(minute) },
                null,
                []),
            CancellationToken.None);

        await Record("once", 0);
        for (var minute = 1; minute <= 5; minute++)
        {
            await Record("often", minute);
        }

        var kept = await app.Get<FetchLogStore>().ListAsync("often", 10, CancellationToken.None);
        Assert.Equal([5, 4, 3], kept.Select(f => (int)Math.Round((f.StartedAt - start).TotalMinutes)));
        Assert.Single(await app.Get<FetchLogStore>().ListAsync("once", 10, CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentOpmlImports_OfTheSameList_AddEachUrlOnce()
    {
        var outlines = string.Concat(Enumerable.Range(1, 200).Select(n => $"""<outline type="rss" text="Feed {n}" xmlUrl="https://feeds.example/{n}.xml"/>"""));
        var opml = $"""<?xml version="1.0"?><opml version="2.0"><head><title>Both</title></head><body>{outlines}</body></opml>""";
        await using var app = FeedHubApp.Start(settings: Store.Settings);
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

    [Fact]
    public async Task UpstreamSubscriptions_AndTheAdvertisedHub_AreKept()
    {
        Upstream.ServeFeed(
            "hubbed.xml",
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Hubbed</title><id>urn:hubbed</id><updated>2026-11-25T10:00:00Z</updated>
            <link rel="hub" href="/hub"/><link rel="self" href="{Upstream.Url("hubbed.xml")}"/></feed>
            """,
            contentType: "application/atom+xml");
        var settings = FeedHubApp.Sources(("hubbed", Upstream.Url("hubbed.xml")));
        settings["FeedHub:WebSub:Subscribe"] = "false";
        settings.With(Store.Settings);

        await using var app = FeedHubApp.Start(settings: settings);
        await app.WaitForFetchesAsync("hubbed");
        var source = await app.Get<SourceStore>().GetAsync("hubbed", CancellationToken.None);
        Assert.Equal(Upstream.Url("hub").AbsoluteUri, source!.Hub);
        Assert.Equal(Upstream.Url("hubbed.xml").AbsoluteUri, source.Topic);

        var store = app.Get<UpstreamSubscriptionStore>();
        var now = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        await store.CreateAsync(
            new UpstreamSubscription { Id = "callback-1", SourceId = "hubbed", Hub = source.Hub!, Topic = source.Topic!, Secret = "s3cret", State = UpstreamState.Requested, RequestedAt = now },
            CancellationToken.None);
        Assert.False(await store.IsPushedAsync("hubbed", now, CancellationToken.None));

        await store.VerifiedAsync("callback-1", 600, now, CancellationToken.None);
        await store.PushedAsync("callback-1", now.AddMinutes(1), CancellationToken.None);
        var verified = await store.CurrentAsync("hubbed", CancellationToken.None);
        Assert.Equal(UpstreamState.Verified, verified!.State);
        Assert.Equal(now.AddSeconds(600), verified.ExpiresAt);
        Assert.Equal(now.AddMinutes(1), verified.LastPushAt);
        Assert.Equal("s3cret", verified.Secret);
        Assert.True(await store.IsPushedAsync("hubbed", now.AddSeconds(599), CancellationToken.None));
        Assert.False(await store.IsPushedAsync("hubbed", now.AddSeconds(600), CancellationToken.None));

        await store.SetStateAsync("callback-1", UpstreamState.Unsubscribing, "Unsubscribing.", now, CancellationToken.None);
        Assert.Null(await store.CurrentAsync("hubbed", CancellationToken.None));
        Assert.Equal(1, (await store.CountByStateAsync(CancellationToken.None))["Unsubscribing"]);
        await store.DeleteAsync("callback-1", CancellationToken.None);
        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }
}

public sealed class SqliteStorageTests() : StorageTests(StorageProvider.Sqlite)
{
    [Fact]
    public async Task Database_IsCreatedUnderTheContentRoot_WithWalAndTheSchemaVersion()
    {
        await using var app = FeedHubApp.Start();

        var file = Path.Combine(app.ContentRoot, "data", "feedhub.db");
        Assert.True(File.Exists(file), $"{file} exists");
        await using var connection = new SqliteConnection($"Data Source={file}");
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(
            Migrator.Scripts("Sqlite").Select(s => s.Version),
            await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task FeedHubsConnections_SyncAtCheckpointsNotAtEveryCommit()
    {
        await using var app = FeedHubApp.Start();

        // NORMAL (1) in WAL mode: a commit survives the process being killed without a disk flush of its own.
        await using var connection = await app.Get<Database>().OpenAsync(CancellationToken.None);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"));
    }
}

public sealed class PostgresStorageTests() : StorageTests(StorageProvider.Postgres);
