using System.Diagnostics;
using Dapper;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedHub.Bench;

/// <summary>
/// B8: what one dispatch costs the store (<see cref="SourceStore.ClaimDueAsync"/>, the query the
/// per-second dispatch runs) on a SQLite store of 10,000 and of 100,000 sources: with nothing due,
/// which is most seconds, and with a pool's worth due. Claims read the due-time index, so the cost
/// must not grow with the sources that are not due.
/// </summary>
internal static class Dispatch
{
    private const int Claims = 300;
    private const int Batch = 32;

    public static async Task<IEnumerable<Row>> RunAsync(BenchContext bench)
    {
        var idle = (Small: new Sample("µs"), Large: new Sample("µs"));
        var busy = (Small: new Sample("µs"), Large: new Sample("µs"));
        var load = new List<string>();
        var small = await StoreAsync(bench, 10_000);
        var large = await StoreAsync(bench, 100_000);
        await ClaimAsync(small, due: false); // warm-up: JIT and the connection pool
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());
            idle.Small.Add(await ClaimAsync(small, due: false));
            idle.Large.Add(await ClaimAsync(large, due: false));
            busy.Small.Add(await ClaimAsync(small, due: true));
            busy.Large.Add(await ClaimAsync(large, due: true));
        }

        SqliteConnection.ClearAllPools();
        var loads = string.Join("; ", load);
        return
        [
            Row.AtMost("B8", "a dispatch with nothing due: one claim on 100,000 sources, against 10,000", idle.Large, idle.Small, 1.5, loads),
            Row.Report("B8", $"a dispatch claiming {Batch} due sources: on 100,000 sources, against 10,000", busy.Large, busy.Small, loads),
        ];
    }

    /// <summary>A migrated store of <paramref name="count"/> active sources, all due in a day.</summary>
    private static async Task<(Database Database, SourceStore Sources)> StoreAsync(BenchContext bench, int count)
    {
        var root = Path.Combine(bench.WorkDirectory, $"dispatch-{count}");
        var database = new SqliteDatabase("Data Source=data/feedhub.db", root);
        await new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var now = DateTimeOffset.UtcNow;
            await connection.ExecuteAsync(
                """
                INSERT INTO sources (id, url, schedule, license, origin, status, next_attempt_at, scheduled_at, created_at, updated_at)
                VALUES (@id, @url, '1d', 'Full', 'Api', 'Active', @next, @next, @now, @now)
                """,
                Enumerable.Range(0, count).Select(i => new { id = $"s{i}", url = $"http://dispatch.example/{i}.xml", next = now.AddDays(1).AddSeconds(i % 3600), now }),
                transaction);
            await transaction.CommitAsync();
        }

        return (database, new SourceStore(database, new ContentVersion(), TimeProvider.System));
    }

    /// <returns>Microseconds per claim, the median of <see cref="Claims"/>.</returns>
    private static async Task<double> ClaimAsync((Database Database, SourceStore Sources) store, bool due)
    {
        var times = new double[Claims];
        for (var i = 0; i < Claims; i++)
        {
            if (due)
            {
                await MakeDueAsync(store.Database, i);
            }

            var started = Stopwatch.GetTimestamp();
            var claimed = await store.Sources.ClaimDueAsync("bench", TimeSpan.FromMinutes(5), Batch, CancellationToken.None);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (claimed.Count != (due ? Batch : 0))
            {
                throw new InvalidOperationException($"Claimed {claimed.Count} sources, expected {(due ? Batch : 0)}.");
            }

            if (due)
            {
                await store.Sources.ReleaseClaimsAsync("bench", id: null, CancellationToken.None);
                await RestoreAsync(store.Database);
            }
        }

        Array.Sort(times);
        return times[Claims / 2];
    }

    /// <summary>Makes <see cref="Batch"/> sources due, a different slice each time.</summary>
    private static async Task MakeDueAsync(Database database, int round)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var first = round * Batch % 10_000;
        await connection.ExecuteAsync(
            "UPDATE sources SET next_attempt_at = @past WHERE id IN @ids",
            new { past = DateTimeOffset.UtcNow.AddMinutes(-1), ids = Enumerable.Range(first, Batch).Select(i => $"s{i}").ToArray() });
    }

    private static async Task RestoreAsync(Database database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("UPDATE sources SET next_attempt_at = scheduled_at WHERE next_attempt_at < @now", new { now = DateTimeOffset.UtcNow });
    }
}
