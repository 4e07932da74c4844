using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace FeedHub.Storage;

internal sealed class SqliteDatabase : Database, IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writers = new(1, 1);

    /// <param name="connectionString">As configured; a relative data source is taken from <paramref name="contentRoot"/>.</param>
    public SqliteDatabase(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);

        FilePath = builder.DataSource;
        builder.ForeignKeys = true;
        builder.Pooling = true;
        _connectionString = builder.ToString();
    }

    /// <summary>The database file, as an absolute path.</summary>
    public string FilePath { get; }

    public static bool IsInMemory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
    }

    public override SqlDialect Dialect => SqliteDialect.Instance;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit stays atomic and
        // survives the process being killed (the contract's durability); only a power cut can take back
        // the last commits, never corrupt the file. FULL costs a disk flush per poll. The setting is
        // the connection's, so every connection gets it.
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = NORMAL";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    public void Dispose() => _writers.Dispose();

    public override async ValueTask<IAsyncDisposable> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writers.WaitAsync(cancellationToken);
        return new Writer(_writers);
    }

    private sealed class Writer(SemaphoreSlim writers) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                writers.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
