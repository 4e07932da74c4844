using System.Data.Common;
using Dapper;
using Npgsql;

namespace FeedHub.Storage;

/// <summary>PostgreSQL, shared by every FeedHub node of a cluster, through one pooled data source.</summary>
internal sealed class PostgresDatabase(string connectionString) : Database, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override SqlDialect Dialect => PostgresDialect.Instance;

    /// <summary>Whether the text is a connection string naming a server and a database.</summary>
    public static bool IsValid(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return !string.IsNullOrWhiteSpace(builder.Host) && !string.IsNullOrWhiteSpace(builder.Database);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>A session-level advisory lock, held on a connection of its own until disposed.</summary>
    public override async Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(hashtext(@name))", new { name }, cancellationToken: cancellationToken));
            return new AdvisoryLock(connection, name);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private sealed class AdvisoryLock(NpgsqlConnection connection, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Closing the session would release the lock too; unlocking first returns the connection to the pool clean.
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtext(@name))", new { name });
            await connection.DisposeAsync();
        }
    }
}
