using Dapper;
using FeedHub.Model;
using FeedHub.Storage;
using Npgsql;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// A store of its own for one test, on either engine: a SQLite file under the app's content root, or
/// a throwaway PostgreSQL database created on the server named by <c>FEEDHUB_TEST_POSTGRES</c> and
/// dropped afterwards. Without that variable PostgreSQL tests skip, saying so (CI sets it, and sets
/// FEEDHUB_REQUIRE_TOOLS, which makes its absence a failure).
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    public const string ServerVariable = "FEEDHUB_TEST_POSTGRES";

    private readonly string? _postgresDatabase;

    private TestStore(StorageProvider provider, string connectionString, string? postgresDatabase)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgresDatabase = postgresDatabase;
    }

    public StorageProvider Provider { get; }

    /// <summary>For SQLite, relative to the content root, as FeedHub's own default.</summary>
    public string ConnectionString { get; }

    /// <summary>The settings that point FeedHub at this store.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["FeedHub:Storage:Provider"] = Provider.ToString(),
        ["FeedHub:Storage:ConnectionString"] = ConnectionString,

        // A test's cluster is itself alone; a short check-in keeps a restart on the same store quick.
        ["FeedHub:Cluster:CheckinInterval"] = "00:00:02",
    };

    public static async Task<TestStore> CreateAsync(StorageProvider provider) => provider switch
    {
        StorageProvider.Sqlite => new TestStore(provider, "Data Source=data/feedhub.db", null),
        _ => await CreatePostgresAsync(),
    };

    /// <summary>The PostgreSQL server's connection string, or a skip (a failure under FEEDHUB_REQUIRE_TOOLS) saying how to give one.</summary>
    public static string RequirePostgresServer()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            var message = $"PostgreSQL tests need a server: set {ServerVariable} to a connection string of a role that may create databases (Host=127.0.0.1;Port=5432;Username=postgres).";
            if (Environment.GetEnvironmentVariable("FEEDHUB_REQUIRE_TOOLS") == "1")
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        return server;
    }

    /// <summary>The database as FeedHub opens it, for a test that reads it directly.</summary>
    internal Database Open(string contentRoot) => Provider == StorageProvider.Sqlite
        ? new SqliteDatabase(ConnectionString, contentRoot)
        : new PostgresDatabase(ConnectionString);

    /// <summary>A query answering 1 when the table exists, 0 when not (parameter @name).</summary>
    public string TableExistsSql => Provider == StorageProvider.Sqlite
        ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
        : "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = @name";

    private static async Task<TestStore> CreatePostgresAsync()
    {
        var server = RequirePostgresServer();
        var name = $"feedhub_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestStore(StorageProvider.Postgres, builder.ConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresDatabase is null)
        {
            return;
        }

        // FORCE ends the sessions FeedHub's pools still hold.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(ServerVariable));
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)");
    }
}
