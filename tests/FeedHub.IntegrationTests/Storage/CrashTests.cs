using Dapper;
using FeedHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>
/// A real FeedHub process killed (SIGKILL, not a shutdown) again and again while it ingests: the store
/// keeps every committed item, no duplicate, and its fetch log agrees with its items.
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task KilledWhileIngesting_LosesNothingCommitted_AndDuplicatesNothing()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var served = 0;

        // Every request offers 200 more items than the last, and edits the newest ones: every poll writes.
        upstream.Map("feed.xml", context =>
        {
            var count = Interlocked.Add(ref served, 200);
            context.Response.ContentType = "application/rss+xml";
            return context.Response.WriteAsync(Feeds.Rss(Enumerable.Range(1, count).Select(i => ($"item-{i}", $"Story {i} v{count}", $"Body {i}")).ToArray()));
        });

        using var root = new TestDirectory();
        var random = new Random(20261127);
        for (var run = 0; run < 6; run++)
        {
            using var process = FeedHubProcess.Start(root.Path, new Dictionary<string, string?>
            {
                ["FeedHub:Sources:0:Id"] = "upstream",
                ["FeedHub:Sources:0:Url"] = upstream.Url("feed.xml").AbsoluteUri,
                ["FeedHub:Sources:0:Schedule"] = "1s",
            });

            // Killed at a random moment once the run is polling, however long the process took to start.
            var before = Volatile.Read(ref served);
            await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref served) > before), "a poll by the new process", seconds: 60);
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 2500)), TestContext.Current.CancellationToken);
            await process.KillAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(root.Path, "data", "feedhub.db")};Pooling=False");
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        var items = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM items");
        var distinct = await connection.ExecuteScalarAsync<long>("SELECT count(DISTINCT identity) FROM items");
        var newInLog = await connection.ExecuteScalarAsync<long>("SELECT coalesce(sum(items_new), 0) FROM fetches");
        var fetched = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM fetches WHERE outcome = 'Fetched'");

        Assert.True(fetched >= 2, $"only {fetched} polls committed: the test did not exercise ingest");
        Assert.Equal(distinct, items);

        // Items and their fetch-log rows commit together, or not at all.
        Assert.Equal(newInLog, items);
    }
}
