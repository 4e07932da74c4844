using Dapper;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedHub.IntegrationTests.Storage;

/// <summary><c>storage copy-to-postgres</c> on a SQLite store with thousands of items, stopped part-way and run again.</summary>
public sealed class PostgresCopyTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Copy_InterruptedPartWay_ResumesWithoutDuplicates_AndEndsWithEqualCounts()
    {
        await using var target = await TestStore.CreateAsync(StorageProvider.Postgres);
        using var root = new TestDirectory();
        var sqlite = new SqliteDatabase("Data Source=data/feedhub.db", root.Path);
        await new Migrator(sqlite, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(Token);
        var sources = new SourceStore(sqlite, new ContentVersion(), TimeProvider.System);
        var polls = new PollStore(sqlite, new ContentVersion(), Options.Create(new StorageOptions()));
        for (var s = 0; s < 4; s++)
        {
            await sources.CreateAsync(new Source { Id = $"s{s}", Url = $"https://up.example/{s}", Schedule = "1h" }, Token);
            for (var poll = 0; poll < 3; poll++)
            {
                var items = Enumerable.Range(poll * 300, 300)
                    .Select(i => new Item { Guid = $"{s}-{i}", Title = $"Story {i} of {s}", Summary = "Words", Published = Noon.AddMinutes(-i).ToOffset(TimeSpan.FromHours(-5)) })
                    .ToArray();
                await polls.RecordAsync(
                    new PollRecord(new FetchRecord { SourceId = $"s{s}", StartedAt = Noon.AddHours(poll), Duration = TimeSpan.FromSeconds(1), Outcome = FetchOutcome.Fetched, HttpStatus = 200 }, PollState.Never, null, items),
                    Token);
            }
        }

        var hub = new WebSubStore(sqlite);
        await hub.SubscribeAsync("http://localhost/feeds/planet.atom", "https://reader.example/cb", "their-secret", "sha512", 86_400, Noon, Token);

        await using var postgres = new PostgresDatabase(target.ConnectionString);

        // Interrupted after the second batch of items has committed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var itemBatches = 0;
        var interrupted = new PostgresCopy(sqlite, postgres, TimeProvider.System, NullLoggerFactory.Instance)
        {
            BatchCommitted = table =>
            {
                if (table == "items" && ++itemBatches == 2)
                {
                    stop.Cancel();
                }
            },
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted.RunAsync(stop.Token));
        await using (var connection = await postgres.OpenAsync(Token))
        {
            Assert.Equal(1000, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM items"));
        }

        var counts = await new PostgresCopy(sqlite, postgres, TimeProvider.System, NullLoggerFactory.Instance).RunAsync(Token);

        Assert.Equal(4 * 900, counts["items"]);
        Assert.Equal(4 * 3, counts["fetches"]);
        Assert.Equal(4, counts["sources"]);
        Assert.Equal(1, counts["websub_subscriptions"]);
        var subscriber = Assert.Single(await new WebSubStore(postgres).ListActiveAsync(Noon, Token));
        Assert.Equal(("https://reader.example/cb", "their-secret", "sha512", Noon.AddDays(1)), (subscriber.Callback, subscriber.Secret, subscriber.SignatureAlgorithm, subscriber.ExpiresAt));

        // The copy is the store: same ids, same times, searchable, and new rows number after the copied ones.
        var original = await new ItemStore(sqlite).QueryAsync(new ItemQuery("s2", null, 1000), Token);
        var copied = await new ItemStore(postgres).QueryAsync(new ItemQuery("s2", null, 1000), Token);
        Assert.Equal(original.Items.Select(i => (i.Id, i.Item.Guid, i.Item.Published, i.FirstSeenAt)), copied.Items.Select(i => (i.Id, i.Item.Guid, i.Item.Published, i.FirstSeenAt)));
        Assert.Single((await new ItemStore(postgres).QueryAsync(new ItemQuery(null, null, 10, "story 599 of 3"), Token)).Items);
        var next = await new PollStore(postgres, new ContentVersion(), Options.Create(new StorageOptions())).RecordAsync(
            new PollRecord(new FetchRecord { SourceId = "s0", StartedAt = Noon.AddDays(1), Duration = TimeSpan.FromSeconds(1), Outcome = FetchOutcome.Fetched }, PollState.Never, null, [new Item { Guid = "new" }]),
            Token);
        Assert.Equal(1, next.ItemsNew);
        var newest = (await new ItemStore(postgres).QueryAsync(new ItemQuery("s0", Noon.AddDays(1), 10), Token)).Items.Single();
        Assert.True(newest.Id > copied.Items.Max(i => i.Id));
    }

    [Fact]
    public async Task Command_WithoutATarget_SaysHowToCallIt()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, await FeedHub.Hosting.FeedHubCommandLine.RunAsync(["storage", "copy-to-postgres", "--from", "Data Source=x.db"], output, error, errorIsTerminal: false, Token));
        Assert.Contains("--to must be an Npgsql connection string", error.ToString(), StringComparison.Ordinal);
    }
}
