using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace FeedHub.Storage;

internal sealed class SqliteDatabase : Database
{
    private readonly string _connectionString;

    // SQLite has no time type; how times are kept in it is this engine's business alone.
    static SqliteDatabase() => SqlMapper.AddTypeHandler(new UtcTextHandler());

    /// <param name="connectionString">As configured; a relative data source is taken from <paramref name="contentRoot"/>.</param>
    public SqliteDatabase(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);

        builder.ForeignKeys = true;
        builder.Pooling = true;
        _connectionString = builder.ToString();
    }

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

    /// <summary>
    /// SQLite has no time type: times go in as fixed-width UTC text, which sorts and compares
    /// correctly as text, and come back as UTC <see cref="DateTimeOffset"/>s.
    /// </summary>
    private sealed class UtcTextHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
            DateTimeOffset offset => offset.ToUniversalTime(),
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            _ => throw new DataException($"Cannot read a time from a {value.GetType().Name}."),
        };
    }
}
