using System.Buffers.Text;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using FeedHub.Model;

namespace FeedHub.Storage;

internal sealed class ItemStore(Database database)
{
    private const string SelectItems =
        """
        SELECT id, source_id, guid, title, link, summary, content_html, authors, categories, enclosures,
               published, updated, first_seen_at, sort_at
        FROM items

        """;

    /// <summary>One page of items, newest first, and the cursor of the next page (null on the last).</summary>
    public async Task<ItemPage> QueryAsync(ItemQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);

        // One row more than asked says whether another page follows. The cursor is the last row's
        // place in the order, so pages stay put while new items arrive at the top. (Flags say whether a
        // time is given: PostgreSQL cannot tell the type of a null time that is only tested for null.)
        var rows = (await connection.QueryAsync<ItemRow>(new CommandDefinition(
            SelectItems + $"""
            WHERE (@SourceId IS NULL OR source_id = @SourceId)
              AND (NOT @HasSince OR first_seen_at >= @Since)
              AND (@Search IS NULL OR {database.Dialect.SearchCondition})
              AND (NOT @HasAfter OR sort_at < @AfterSortAt OR (sort_at = @AfterSortAt AND id < @AfterId))
            ORDER BY sort_at DESC, id DESC
            LIMIT @Take
            """,
            new { query.SourceId, HasSince = query.Since is not null, query.Since, HasAfter = query.After is not null, Take = query.Limit + 1, Search = database.Dialect.SearchExpression(query.Text), AfterSortAt = query.After?.SortAt, AfterId = query.After?.Id },
            cancellationToken: cancellationToken))).ToList();
        var more = rows.Count > query.Limit;
        var page = more ? rows[..query.Limit] : rows;
        return new ItemPage(
            page.Select(r => r.ToStoredItem()).ToList(),
            more ? new ItemCursor(page[^1].SortAt, page[^1].Id) : null);
    }

    public async Task<long> CountAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM items WHERE source_id = @sourceId", new { sourceId }, cancellationToken: cancellationToken));
    }

    // The sets below go to the database as arrays, in the dialect's InArray condition: on
    // PostgreSQL the collection itself is the parameter, and Npgsql writes arrays and lists, not
    // any collection (a dictionary's keys, a set).

    /// <summary>Every item of these sources in the order FeedHub first stored them, oldest first: the order of a channel's archives.</summary>
    public async Task<IReadOnlyList<ItemArrival>> ArrivalOrderAsync(IReadOnlyCollection<string> sourceIds, CancellationToken cancellationToken)
    {
        if (sourceIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ItemArrival>(new CommandDefinition(
            $"SELECT id, first_seen_at FROM items WHERE {database.Dialect.InArray("source_id", "sourceIds")} ORDER BY first_seen_at, id",
            new { sourceIds = sourceIds.ToArray() },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The items of these sources whose id is above <paramref name="afterId"/> and at most <paramref name="upToId"/>, oldest arrival first.</summary>
    public async Task<IReadOnlyList<ItemArrival>> ArrivalsBetweenAsync(IReadOnlyCollection<string> sourceIds, long afterId, long upToId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ItemArrival>(new CommandDefinition(
            $"SELECT id, first_seen_at FROM items WHERE {database.Dialect.InTextArray("source_id", "sourceIds")} AND id > @afterId AND id <= @upToId ORDER BY first_seen_at, id",
            new { sourceIds = database.Dialect.TextArray(sourceIds), afterId, upToId },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// How many items these sources have, with the sum and largest of their ids: equal tallies mean
    /// the same set of items to whoever added only what it read since (an item deleted, or committed
    /// late under a lower id, changes the count or the sum). Read from the arrival index alone.
    /// </summary>
    public async Task<ArrivalTally> TallyAsync(IReadOnlyCollection<string> sourceIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<ArrivalTally>(new CommandDefinition(
            $"SELECT COUNT(*) AS Count, CAST(COALESCE(SUM(id), 0) AS BIGINT) AS Sum, COALESCE(MAX(id), 0) AS Max FROM items WHERE {database.Dialect.InTextArray("source_id", "sourceIds")}",
            new { sourceIds = database.Dialect.TextArray(sourceIds) },
            cancellationToken: cancellationToken));
    }

    /// <summary>The stored items whose link is one of these URLs.</summary>
    public Task<IReadOnlyList<StoredItem>> FindByLinksAsync(IReadOnlyCollection<string> links, CancellationToken cancellationToken) =>
        links.Count == 0 ? Task.FromResult<IReadOnlyList<StoredItem>>([]) : SelectAsync($"WHERE {database.Dialect.InArray("link", "links")}", new { links = links.ToArray() }, cancellationToken);

    public Task<IReadOnlyList<StoredItem>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? Task.FromResult<IReadOnlyList<StoredItem>>([]) : SelectAsync($"WHERE {database.Dialect.InArray("id", "ids")}", new { ids = ids.ToArray() }, cancellationToken);

    private async Task<IReadOnlyList<StoredItem>> SelectAsync(string condition, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ItemRow>(new CommandDefinition(SelectItems + condition, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToStoredItem()).ToList();
    }

    /// <summary>
    /// Stores one poll's items against their identities: unseen ones are inserted, changed ones updated
    /// in place (their <c>updated</c> moves), unchanged ones left alone. Duplicates within the document
    /// merge into the first occurrence.
    /// </summary>
    internal static async Task<(int New, int Updated)> UpsertAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, string sourceId, IReadOnlyList<Item> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var unique = new List<(string Identity, Item Item)>(items.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var identity = ItemIdentity.KeyOf(item);
            if (seen.Add(identity))
            {
                unique.Add((identity, item));
            }
        }

        // What the store holds of these items, in a few queries instead of one per item: a poll of an
        // unchanged feed is then one read and nothing written.
        var existing = new Dictionary<string, ExistingItem>(StringComparer.Ordinal);
        foreach (var chunk in unique.Select(u => u.Identity).Chunk(ExistingChunk))
        {
            var rows = await connection.QueryAsync<ExistingItem>(new CommandDefinition(
                $"SELECT id, identity, content_hash, updated, sort_at FROM items WHERE source_id = @sourceId AND {dialect.InArray("identity", "identities")}",
                new { sourceId, identities = chunk },
                transaction,
                cancellationToken: cancellationToken));
            foreach (var row in rows)
            {
                existing[row.Identity] = row;
            }
        }

        int inserted = 0, updated = 0;
        await using var writer = new ItemWriter(connection, transaction, sourceId);
        foreach (var (identity, item) in unique)
        {
            var hash = ItemIdentity.ContentHashOf(item);
            if (!existing.TryGetValue(identity, out var stored))
            {
                await writer.InsertAsync(identity, hash, item, item.Updated ?? item.Published ?? now, item.Published ?? item.Updated ?? now, now, cancellationToken);
                inserted++;
            }
            else if (stored.ContentHash != hash)
            {
                // Upstreams often edit without touching their own date; the edit still has to show.
                // (By a microsecond, not a tick: PostgreSQL keeps times to the microsecond.)
                var movedUpdated = item.Updated is { } upstream && upstream > stored.Updated
                    ? upstream
                    : now > stored.Updated ? now : stored.Updated.AddMicroseconds(1);
                await writer.UpdateAsync(stored.Id, hash, item, movedUpdated, item.Published ?? item.Updated ?? stored.SortAt, cancellationToken);
                updated++;
            }
        }

        return (inserted, updated);
    }

    /// <summary>The newest item's id, before a commit adds items, for <see cref="IndexNewAsync"/>; null when the engine indexes by itself.</summary>
    internal static async Task<long?> LastIdAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken cancellationToken) =>
        dialect.IndexNewItems is null
            ? null
            : await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(id), 0) FROM items", transaction: transaction, cancellationToken: cancellationToken));

    /// <summary>Adds the items inserted since <paramref name="afterId"/> to the search index, in the same transaction.</summary>
    internal static async Task IndexNewAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, long? afterId, CancellationToken cancellationToken)
    {
        if (dialect.IndexNewItems is { } index && afterId is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(index, new { afterId }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Identities looked up per query: well under every engine's limit on parameters.</summary>
    private const int ExistingChunk = 500;

    private sealed record ExistingItem(long Id, string Identity, string ContentHash, DateTimeOffset Updated, DateTimeOffset SortAt);

    /// <summary>
    /// The insert and the update of one poll, each prepared once and run for every item that needs it:
    /// the SQL is compiled once per poll instead of once per item, and no per-item parameter object is built.
    /// </summary>
    private sealed class ItemWriter(DbConnection connection, DbTransaction transaction, string sourceId) : IAsyncDisposable
    {
        private const string Insert =
            """
            INSERT INTO items (source_id, identity, guid, title, link, summary, content_html, authors, categories,
                               enclosures, published, updated, content_hash, first_seen_at, sort_at)
            VALUES (@SourceId, @Identity, @Guid, @Title, @Link, @Summary, @ContentHtml, @Authors, @Categories,
                    @Enclosures, @Published, @Updated, @ContentHash, @Now, @SortAt)
            """;

        private const string Update =
            """
            UPDATE items
            SET guid = @Guid, title = @Title, link = @Link, summary = @Summary, content_html = @ContentHtml,
                authors = @Authors, categories = @Categories, enclosures = @Enclosures, published = @Published,
                updated = @Updated, content_hash = @ContentHash, sort_at = @SortAt
            WHERE id = @Id
            """;

        private DbCommand? _insert;
        private DbCommand? _update;

        public async Task InsertAsync(string identity, string hash, Item item, DateTimeOffset updated, DateTimeOffset sortAt, DateTimeOffset now, CancellationToken cancellationToken)
        {
            _insert ??= await PrepareAsync(Insert, ["SourceId", "Identity", "Now"], cancellationToken);
            Set(_insert, "@SourceId", sourceId);
            Set(_insert, "@Identity", identity);
            Database.SetTime(_insert.Parameters["@Now"], now);
            Fill(_insert, hash, item, updated, sortAt);
            await _insert.ExecuteNonQueryAsync(cancellationToken);
        }

        public async Task UpdateAsync(long id, string hash, Item item, DateTimeOffset updated, DateTimeOffset sortAt, CancellationToken cancellationToken)
        {
            _update ??= await PrepareAsync(Update, ["Id"], cancellationToken);
            _update.Parameters["@Id"].Value = id;
            Fill(_update, hash, item, updated, sortAt);
            await _update.ExecuteNonQueryAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (_insert is not null)
            {
                await _insert.DisposeAsync();
            }

            if (_update is not null)
            {
                await _update.DisposeAsync();
            }
        }

        private static void Fill(DbCommand command, string hash, Item item, DateTimeOffset updated, DateTimeOffset sortAt)
        {
            Set(command, "@Guid", item.Guid);
            Set(command, "@Title", item.Title);
            Set(command, "@Link", item.Link);
            Set(command, "@Summary", item.Summary);
            Set(command, "@ContentHtml", item.ContentHtml);
            Set(command, "@Authors", Json(item.Authors));
            Set(command, "@Categories", Json(item.Categories));
            Set(command, "@Enclosures", Json(item.Enclosures));
            Set(command, "@ContentHash", hash);
            Database.SetTime(command.Parameters["@Published"], item.Published);
            Database.SetTime(command.Parameters["@Updated"], updated);
            Database.SetTime(command.Parameters["@SortAt"], sortAt);
        }

        // Most items have no authors, categories or enclosures: their column needs no serializer.
        private static string Json<T>(IReadOnlyCollection<T> values) =>
            values.Count == 0 ? "[]" : JsonSerializer.Serialize(values, StorageJson.Options);

        private static void Set(DbCommand command, string name, string? value) =>
            command.Parameters[name].Value = (object?)value ?? DBNull.Value;

        private async Task<DbCommand> PrepareAsync(string sql, string[] own, CancellationToken cancellationToken)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            string[] texts = ["SourceId", "Identity", "Guid", "Title", "Link", "Summary", "ContentHtml", "Authors", "Categories", "Enclosures", "ContentHash"];
            string[] times = ["Published", "Updated", "Now", "SortAt"];
            foreach (var name in texts.Where(n => own.Contains(n) || n is not ("SourceId" or "Identity")))
            {
                Add(command, name, DbType.String, DBNull.Value);
            }

            foreach (var name in times.Where(n => own.Contains(n) || n != "Now"))
            {
                var parameter = Add(command, name, DbType.String, DBNull.Value);
                Database.SetTime(parameter, null);
            }

            if (own.Contains("Id"))
            {
                Add(command, "Id", DbType.Int64, 0L);
            }

            await command.PrepareAsync(cancellationToken);
            return command;
        }

        private static DbParameter Add(DbCommand command, string name, DbType type, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.DbType = type;
            parameter.Value = value;
            command.Parameters.Add(parameter);
            return parameter;
        }
    }

    private sealed class ItemRow
    {
        public long Id { get; init; }
        public string SourceId { get; init; } = "";
        public string? Guid { get; init; }
        public string? Title { get; init; }
        public string? Link { get; init; }
        public string? Summary { get; init; }
        public string? ContentHtml { get; init; }
        public string Authors { get; init; } = "[]";
        public string Categories { get; init; } = "[]";
        public string Enclosures { get; init; } = "[]";
        public DateTimeOffset? Published { get; init; }
        public DateTimeOffset? Updated { get; init; }
        public DateTimeOffset FirstSeenAt { get; init; }

        public DateTimeOffset SortAt { get; init; }

        public StoredItem ToStoredItem() => new()
        {
            Id = Id,
            SourceId = SourceId,
            FirstSeenAt = FirstSeenAt,
            Item = new Item
            {
                Guid = Guid,
                Title = Title,
                Link = Link,
                Summary = Summary,
                ContentHtml = ContentHtml,
                Authors = JsonSerializer.Deserialize<ItemAuthor[]>(Authors, StorageJson.Options) ?? [],
                Categories = JsonSerializer.Deserialize<string[]>(Categories, StorageJson.Options) ?? [],
                Enclosures = JsonSerializer.Deserialize<ItemEnclosure[]>(Enclosures, StorageJson.Options) ?? [],
                Published = Published,
                Updated = Updated,
            },
        };
    }
}

/// <summary>When an item was first stored: its place in a channel's history.</summary>
internal sealed class ItemArrival
{
    public long Id { get; init; }

    public DateTimeOffset FirstSeenAt { get; init; }
}

/// <summary>How many items a set of sources has, and the sum and largest of their ids (see <see cref="ItemStore.TallyAsync"/>).</summary>
internal sealed record ArrivalTally
{
    public long Count { get; init; }

    public long Sum { get; init; }

    public long Max { get; init; }

    /// <summary>This tally with these items added.</summary>
    public ArrivalTally Add(IReadOnlyList<ItemArrival> arrivals)
    {
        var (count, sum, max) = (Count, Sum, Max);
        foreach (var arrival in arrivals)
        {
            (count, sum, max) = (count + 1, sum + arrival.Id, Math.Max(max, arrival.Id));
        }

        return new ArrivalTally { Count = count, Sum = sum, Max = max };
    }
}

/// <summary>Which items to read: newest first, optionally from one source, stored since a time, mentioning some words.</summary>
/// <param name="Since">Items FeedHub first stored at or after this time, whatever date they carry, so a client that polls with its last check misses nothing.</param>
/// <param name="Text">Words every item must contain (title, summary or content), or null.</param>
/// <param name="After">Where the previous page ended, or null for the first page.</param>
internal sealed record ItemQuery(string? SourceId, DateTimeOffset? Since, int Limit, string? Text = null, ItemCursor? After = null);

public sealed record ItemPage(IReadOnlyList<StoredItem> Items, ItemCursor? Next);

/// <summary>A place in the newest-first order of items, given to clients as an opaque token.</summary>
public sealed record ItemCursor(DateTimeOffset SortAt, long Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{Id}|{UtcText.Format(SortAt)}")));

    public static bool TryDecode(string text, [NotNullWhen(true)] out ItemCursor? cursor)
    {
        cursor = null;
        if (!Base64Url.IsValid(text) || text.Length > 200)
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|', 2);
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && UtcText.TryParseExact(parts[1], out var sortAt))
        {
            cursor = new ItemCursor(sortAt, id);
        }

        return cursor is not null;
    }
}
