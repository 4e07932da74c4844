using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace FeedHub.Storage;

/// <summary>
/// The seam between the stores and a database engine: stores write their SQL against the
/// connection this opens and ask the dialect for the little that differs between engines.
/// </summary>
internal abstract class Database
{
    // Columns are snake_case, properties PascalCase, for every engine. Dapper's type handlers are
    // process-wide, and one process may hold both engines (the copy to PostgreSQL), so the one time
    // handler asks each parameter which engine it is for.
    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        // Dapper hands parameters of its built-in types straight to the driver, past any handler,
        // unless the built-in mapping is removed; times must go through the handler.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new TimeHandler());
    }

    public abstract SqlDialect Dialect { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store answers a query on its own tables (readiness).</summary>
    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM schema_migrations", cancellationToken: cancellationToken));
            return true;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Holds a lock named <paramref name="name"/> across every node sharing the database until disposed,
    /// so that work such as start-up (migrating, merging declared sources, scheduling) runs on one
    /// node at a time. An engine that serves one process only needs no lock.
    /// </summary>
    public virtual Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    /// <summary>
    /// Held by each of this process's write transactions for its whole length, taken before it begins.
    /// SQLite lets one writer in at a time, and Microsoft.Data.Sqlite waits for a busy database by
    /// blocking its thread in 150 ms sleeps: writers queued here instead wait without a thread and go in
    /// the moment the one before commits. An engine with row locks needs no gate.
    /// </summary>
    public virtual ValueTask<IAsyncDisposable> EnterWriteAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IAsyncDisposable>(NoLock.Instance);

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A time parameter as <see cref="TimeHandler"/> writes it, for commands built without Dapper.</summary>
    internal static void SetTime(IDbDataParameter parameter, DateTimeOffset? value)
    {
        if (parameter is SqliteParameter)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value is { } time ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture) : DBNull.Value;
        }
        else
        {
            parameter.DbType = DbType.DateTimeOffset;
            parameter.Value = value is { } time ? time.ToUniversalTime() : DBNull.Value;
        }
    }

    /// <summary>
    /// SQLite has no time type: there times go in as UTC text in Microsoft.Data.Sqlite's own format
    /// (the one earlier versions stored), which sorts and compares correctly as text once every value
    /// is UTC. PostgreSQL keeps them as <c>timestamptz</c>, which takes UTC values only. Both come back
    /// as UTC <see cref="DateTimeOffset"/>s.
    /// </summary>
    private sealed class TimeHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => SetTime(parameter, value);

        public override DateTimeOffset Parse(object value) => value switch
        {
            string text => UtcText.Parse(text),
            DateTimeOffset offset => offset.ToUniversalTime(),
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            _ => throw new DataException($"Cannot read a time from a {value.GetType().Name}."),
        };
    }
}

/// <summary>Times as item cursors carry them: fixed-width UTC text.</summary>
internal static class UtcText
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

    public static bool TryParseExact(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
