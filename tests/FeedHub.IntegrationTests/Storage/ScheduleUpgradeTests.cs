using Dapper;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>
/// A store made by the release before the store became the schedule (every migration up to it, and
/// sources in the states that release left them), migrated on both engines: nothing a source knew
/// is lost, and the old scheduler's per-source Quartz jobs are gone.
/// </summary>
public sealed class ScheduleUpgradeTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastAttempt = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Next = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task AStoreOfThePreviousRelease_KeepsEveryNextAttemptStreakAndValidator(StorageProvider provider)
    {
        using var root = new TestDirectory();
        await using var store = await TestStore.CreateAsync(provider);
        var database = store.Open(root.Path);
        var migrator = new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance);
        var scripts = Migrator.Scripts(database.Dialect.MigrationsFolder);
        var firstNew = scripts.Single(s => s.Name == "schedule_in_store").Version;
        await migrator.MigrateAsync([.. scripts.Where(s => s.Version < firstNew)], CancellationToken.None);

        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            const string insert =
                """
                INSERT INTO sources (id, url, schedule, license, origin, status, etag, last_modified, last_attempt_at, error_streak, next_attempt_at, created_at, updated_at)
                VALUES (@id, @url, '1h', 'Full', 'Config', @status, @etag, @lastModified, @lastAttempt, @streak, @next, @created, @created)
                """;
            await connection.ExecuteAsync(insert, new { id = "backing-off", url = "https://a.example/feed", status = "Active", etag = "\"a1\"", lastModified = "Mon, 07 Dec 2026 08:00:00 GMT", lastAttempt = (DateTimeOffset?)LastAttempt, streak = 4, next = (DateTimeOffset?)Next, created = Created });
            await connection.ExecuteAsync(insert, new { id = "never-polled", url = "https://b.example/feed", status = "Active", etag = (string?)null, lastModified = (string?)null, lastAttempt = (DateTimeOffset?)null, streak = 0, next = (DateTimeOffset?)null, created = Created });
            await connection.ExecuteAsync(insert, new { id = "rescheduled", url = "https://c.example/feed", status = "Active", etag = "\"c1\"", lastModified = (string?)null, lastAttempt = (DateTimeOffset?)LastAttempt, streak = 0, next = (DateTimeOffset?)null, created = Created });
            await connection.ExecuteAsync(insert, new { id = "paused", url = "https://d.example/feed", status = "Paused", etag = "\"d1\"", lastModified = (string?)null, lastAttempt = (DateTimeOffset?)LastAttempt, streak = 1, next = (DateTimeOffset?)Next, created = Created });
            if (provider == StorageProvider.Postgres)
            {
                // What the old scheduler kept per source in Quartz's clustered store.
                await connection.ExecuteAsync(
                    """
                    INSERT INTO qrtz_job_details (sched_name, job_name, job_group, job_class_name, is_durable, is_nonconcurrent, is_update_data, requests_recovery)
                    VALUES ('FeedHub', 'backing-off', 'poll', 'FeedHub.Polling.PollJob, FeedHub', true, true, false, true);
                    INSERT INTO qrtz_triggers (sched_name, trigger_name, trigger_group, job_name, job_group, next_fire_time, trigger_state, trigger_type, start_time)
                    VALUES ('FeedHub', 'backing-off', 'poll', 'backing-off', 'poll', 0, 'WAITING', 'SIMPLE', 0);
                    INSERT INTO qrtz_simple_triggers (sched_name, trigger_name, trigger_group, repeat_count, repeat_interval, times_triggered)
                    VALUES ('FeedHub', 'backing-off', 'poll', -1, 3600000, 1);
                    """);
            }
        }

        await migrator.MigrateAsync(CancellationToken.None);

        var sources = (await new SourceStore(database, new ContentVersion(), TimeProvider.System).ListAsync(CancellationToken.None)).ToDictionary(s => s.Id);
        var backingOff = sources["backing-off"].State;
        Assert.Equal((Next, 4, "\"a1\"", "Mon, 07 Dec 2026 08:00:00 GMT"), (backingOff.NextAttemptAt, backingOff.ErrorStreak, backingOff.ETag, backingOff.LastModified));
        Assert.Equal((Next, 1, "\"d1\""), (sources["paused"].State.NextAttemptAt, sources["paused"].State.ErrorStreak, sources["paused"].State.ETag));

        // The old scheduler left no time for these: never polled is due from its creation, a changed
        // schedule from its last attempt; both at once.
        Assert.Equal(Created, sources["never-polled"].State.NextAttemptAt);
        Assert.Equal((LastAttempt, "\"c1\""), (sources["rescheduled"].State.NextAttemptAt, sources["rescheduled"].State.ETag));

        if (provider == StorageProvider.Postgres)
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM qrtz_job_details WHERE job_group = 'poll'"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM qrtz_simple_triggers WHERE trigger_group = 'poll'"));
        }

        if (database is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
