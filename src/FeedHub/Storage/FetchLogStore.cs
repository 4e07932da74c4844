using System.Data.Common;
using Dapper;
using FeedHub.Model;

namespace FeedHub.Storage;

internal sealed class FetchLogStore(Database database)
{
    public async Task<IReadOnlyList<FetchRecord>> ListAsync(string sourceId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FetchRow>(new CommandDefinition(
            """
            SELECT id, source_id, started_at, duration_ms, outcome, http_status, bytes, items_seen, items_new, items_updated, error, notes
            FROM fetches
            WHERE source_id = @sourceId
            ORDER BY id DESC
            LIMIT @limit
            """,
            new { sourceId, limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>Appends a fetch to its source's log and drops what falls beyond the newest <paramref name="keep"/>.</summary>
    internal static async Task AppendAsync(DbConnection connection, DbTransaction transaction, FetchRecord record, int keep, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO fetches (source_id, started_at, duration_ms, outcome, http_status, bytes, items_seen, items_new, items_updated, error, notes)
            VALUES (@SourceId, @StartedAt, @DurationMs, @Outcome, @HttpStatus, @Bytes, @ItemsSeen, @ItemsNew, @ItemsUpdated, @Error, @Notes)
            """,
            new
            {
                record.SourceId,
                record.StartedAt,
                DurationMs = (long)record.Duration.TotalMilliseconds,
                Outcome = record.Outcome.ToString(),
                record.HttpStatus,
                record.Bytes,
                record.ItemsSeen,
                record.ItemsNew,
                record.ItemsUpdated,
                record.Error,
                record.Notes,
            },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM fetches
            WHERE source_id = @SourceId
              AND id < (SELECT id FROM fetches WHERE source_id = @SourceId ORDER BY id DESC LIMIT 1 OFFSET @offset)
            """,
            new { record.SourceId, offset = keep - 1 },
            transaction,
            cancellationToken: cancellationToken));
    }

    private sealed class FetchRow
    {
        public long Id { get; init; }
        public string SourceId { get; init; } = "";
        public DateTimeOffset StartedAt { get; init; }
        public long DurationMs { get; init; }
        public string Outcome { get; init; } = "";
        public long? HttpStatus { get; init; }
        public long Bytes { get; init; }
        public long ItemsSeen { get; init; }
        public long ItemsNew { get; init; }
        public long ItemsUpdated { get; init; }
        public string? Error { get; init; }
        public string? Notes { get; init; }

        public FetchRecord ToRecord() => new()
        {
            Id = Id,
            SourceId = SourceId,
            StartedAt = StartedAt,
            Duration = TimeSpan.FromMilliseconds(DurationMs),
            Outcome = Enum.Parse<FetchOutcome>(Outcome),
            HttpStatus = (int?)HttpStatus,
            Bytes = Bytes,
            ItemsSeen = (int)ItemsSeen,
            ItemsNew = (int)ItemsNew,
            ItemsUpdated = (int)ItemsUpdated,
            Error = Error,
            Notes = Notes,
        };
    }
}
