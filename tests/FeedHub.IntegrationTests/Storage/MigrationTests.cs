using Dapper;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>Schema migrations on a real SQLite file: each one whole or not at all, whatever stops it.</summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task AMigrationThatFailsHalfway_LeavesNoTrace_AndTheNextStartAppliesIt()
    {
        using var root = new TestDirectory();
        var database = new SqliteDatabase("Data Source=store.db", root.Path);
        var migrator = new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance);
        var first = new Migrator.MigrationScript(1, "one", "CREATE TABLE a (x INTEGER);");
        var broken = new Migrator.MigrationScript(2, "two", "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1); INSERT INTO missing VALUES (1);");
        var mended = broken with { Sql = "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1);" };

        await Assert.ThrowsAsync<SqliteException>(() => migrator.MigrateAsync([first, broken], CancellationToken.None));

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(root.Path, "store.db")};Pooling=False"))
        {
            Assert.Equal([1L], await connection.QueryAsync<long>("SELECT version FROM schema_migrations"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_master WHERE name = 'b'"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM a"));
        }

        await migrator.MigrateAsync([first, mended], CancellationToken.None);

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(root.Path, "store.db")};Pooling=False"))
        {
            Assert.Equal([1L, 2L], await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"));
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM a"));
        }
    }

    /// <summary>Killed (SIGKILL) again and again while starting on a new store, as early as its file appears.</summary>
    [Fact]
    public async Task KilledWhileMigrating_TheNextStartFinishesTheSchema()
    {
        using var root = new TestDirectory();
        var file = Path.Combine(root.Path, "data", "feedhub.db");
        var random = new Random(20261127);
        for (var run = 0; run < 5; run++)
        {
            using var process = FeedHubProcess.Start(root.Path, []);
            await Eventually.TrueAsync(() => Task.FromResult(File.Exists(file) || process.HasExited), "the store's file", seconds: 60);
            await Task.Delay(random.Next(0, 40), TestContext.Current.CancellationToken);
            await process.KillAsync();
        }

        await using var app = FeedHubApp.Start(root.Path);

        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        Assert.Equal(
            Migrator.Scripts("Sqlite").Select(s => s.Version),
            await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"));
    }
}
