using Dapper;

namespace FeedHub.Storage;

/// <summary>
/// Copies a SQLite store into PostgreSQL (sources, articles, channel order, items, fetch log), so a
/// site moving to a cluster keeps its history. Run while FeedHub is stopped. Resumable: rows go in
/// batches, each committed whole, keyed by their ids, and a second run carries on after the last
/// batch the first one committed. It ends by comparing every table's row count on both sides.
/// </summary>
internal sealed partial class PostgresCopy(SqliteDatabase from, PostgresDatabase to, TimeProvider time, ILoggerFactory loggers)
{
    private const int BatchSize = 500;

    // Parents before children (items and fetches refer to sources). Times are text in SQLite and
    // timestamptz in PostgreSQL: those columns are read as times and written as times.
    private static readonly CopiedTable[] Tables =
    [
        new("sources", "id", false, ["id", "title", "url", "declared_url", "schedule", "tags", "license", "origin", "status", "status_reason", "feed_title", "site_url", "feed_id", "etag", "last_modified", "last_attempt_at", "last_success_at", "last_http_status", "last_error", "error_streak", "next_attempt_at", "scheduled_at", "redirect_to", "websub_hub", "websub_topic", "created_at", "updated_at"],
            ["last_attempt_at", "last_success_at", "next_attempt_at", "scheduled_at", "created_at", "updated_at"]),
        new("articles", "slug", false, ["slug", "title", "summary", "body", "authors", "tags", "rights", "ai", "sources", "published", "updated", "publish_at", "created_at", "updated_at"],
            ["published", "updated", "publish_at", "created_at", "updated_at"]),
        new("channel_entries", "channel_id, entry_key", false, ["channel_id", "entry_key", "sequence"], []),
        new("items", "id", true, ["id", "source_id", "identity", "guid", "title", "link", "summary", "content_html", "authors", "categories", "enclosures", "published", "updated", "content_hash", "first_seen_at", "sort_at"],
            ["published", "updated", "first_seen_at", "sort_at"]),
        new("fetches", "id", true, ["id", "source_id", "started_at", "duration_ms", "outcome", "http_status", "bytes", "items_seen", "items_new", "items_updated", "error", "notes"],
            ["started_at"]),
        new("upstream_subscriptions", "id", false, ["id", "source_id", "hub", "topic", "secret", "state", "lease_seconds", "requested_at", "verified_at", "expires_at", "last_push_at", "last_outcome", "last_outcome_at"],
            ["requested_at", "verified_at", "expires_at", "last_push_at", "last_outcome_at"]),

        // The hub's subscribers, and what each topic last was: subscribers keep getting changes, and
        // only real changes, from the new store. Pending deliveries are not copied; the next change is sent.
        new("websub_subscriptions", "id", true, ["id", "topic", "callback", "secret", "signature_algorithm", "lease_seconds", "expires_at", "created_at", "renewed_at", "last_delivered_at"],
            ["expires_at", "created_at", "renewed_at", "last_delivered_at"]),
        new("websub_topics", "topic", false, ["topic", "etag", "changed_at"], ["changed_at"]),
    ];

    private readonly ILogger _logger = loggers.CreateLogger<PostgresCopy>();

    /// <summary>Called after each committed batch with the table's name; a test interrupts the copy there.</summary>
    public Action<string>? BatchCommitted { get; init; }

    /// <returns>Each table's row count, equal on both sides.</returns>
    /// <exception cref="InvalidOperationException">A table's counts differ after the copy.</exception>
    public async Task<IReadOnlyDictionary<string, long>> RunAsync(CancellationToken cancellationToken)
    {
        // Both schemas up to date first: the SQLite file may come from an older FeedHub.
        await new Migrator(from, time, loggers.CreateLogger<Migrator>()).MigrateAsync(cancellationToken);
        await new Migrator(to, time, loggers.CreateLogger<Migrator>()).MigrateAsync(cancellationToken);

        foreach (var table in Tables)
        {
            await CopyAsync(table, cancellationToken);
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var source = await from.OpenAsync(cancellationToken);
        await using var target = await to.OpenAsync(cancellationToken);
        foreach (var table in Tables)
        {
            var expected = await source.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {table.Name}", cancellationToken: cancellationToken));
            var copied = await target.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {table.Name}", cancellationToken: cancellationToken));
            if (expected != copied)
            {
                throw new InvalidOperationException($"{table.Name}: {expected} rows in SQLite, {copied} in PostgreSQL. Were they both written to during the copy? Stop FeedHub and run the copy again.");
            }

            counts[table.Name] = copied;
            LogVerified(table.Name, copied);
        }

        return counts;
    }

    private async Task CopyAsync(CopiedTable table, CancellationToken cancellationToken)
    {
        await using var source = await from.OpenAsync(cancellationToken);
        await using var target = await to.OpenAsync(cancellationToken);
        var columns = string.Join(", ", table.Columns);
        var values = string.Join(", ", table.Columns.Select(c => "@" + c));
        var insert = $"INSERT INTO {table.Name} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING";

        // Rows with an id of their own resume after the last one committed; the others are few and
        // are offered again whole, the ones already there skipped by ON CONFLICT.
        long after = table.ById
            ? await target.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT coalesce(max(id), 0) FROM {table.Name}", cancellationToken: cancellationToken))
            : 0;
        var offset = 0;
        while (true)
        {
            var page = table.ById
                ? $"SELECT {columns} FROM {table.Name} WHERE id > @after ORDER BY id LIMIT {BatchSize}"
                : $"SELECT {columns} FROM {table.Name} ORDER BY {table.Key} LIMIT {BatchSize} OFFSET @offset";
            var rows = (await source.QueryAsync(new CommandDefinition(page, new { after, offset }, cancellationToken: cancellationToken)))
                .Cast<IDictionary<string, object?>>()
                .ToList();
            if (rows.Count == 0)
            {
                break;
            }

            await using (var transaction = await target.BeginTransactionAsync(cancellationToken))
            {
                await target.ExecuteAsync(new CommandDefinition(insert, rows.Select(r => Parameters(table, r)), transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
            }

            LogBatch(table.Name, rows.Count);
            BatchCommitted?.Invoke(table.Name);
            after = table.ById ? (long)rows[^1]["id"]! : after;
            offset += rows.Count;
        }

        if (table.ById)
        {
            // The copied ids were given, not drawn: the next row PostgreSQL numbers must come after them.
            await target.ExecuteAsync(new CommandDefinition(
                $"SELECT setval(pg_get_serial_sequence('{table.Name}', 'id'), GREATEST((SELECT max(id) FROM {table.Name}), 1))",
                cancellationToken: cancellationToken));
        }
    }

    private static DynamicParameters Parameters(CopiedTable table, IDictionary<string, object?> row)
    {
        var parameters = new DynamicParameters();
        foreach (var column in table.Columns)
        {
            var value = row[column];
            parameters.Add(column, value is string text && table.Times.Contains(column) ? UtcText.Parse(text) : value);
        }

        return parameters;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Rows} rows of {Table}")]
    private partial void LogBatch(string table, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: {Rows} rows on both sides")]
    private partial void LogVerified(string table, long rows);

    private sealed record CopiedTable(string Name, string Key, bool ById, string[] Columns, string[] Times);
}
