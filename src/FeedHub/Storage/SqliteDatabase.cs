using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace FeedHub.Storage;

internal sealed class SqliteDatabase : Database
{
    private readonly string _connectionString;

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
        return connection;
    }
}
