using System.Buffers.Text;
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
        DbConnection connection, DbTransaction transaction, string sourceId, IReadOnlyList<Item> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int inserted = 0, updated = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var identity = ItemIdentity.KeyOf(item);
            if (!seen.Add(identity))
            {
                continue;
            }

            var hash = ItemIdentity.ContentHashOf(item);
            var existing = await connection.QuerySingleOrDefaultAsync<ExistingItem>(new CommandDefinition(
                "SELECT id, content_hash, updated, sort_at FROM items WHERE source_id = @sourceId AND identity = @identity",
                new { sourceId, identity },
                transaction,
                cancellationToken: cancellationToken));

            if (existing is null)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO items (source_id, identity, guid, title, link, summary, content_html, authors, categories,
                                       enclosures, published, updated, content_hash, first_seen_at, sort_at)
                    VALUES (@SourceId, @Identity, @Guid, @Title, @Link, @Summary, @ContentHtml, @Authors, @Categories,
                            @Enclosures, @Published, @Updated, @ContentHash, @Now, @SortAt)
                    """,
                    ItemParameters.From(sourceId, identity, hash, item, item.Updated ?? item.Published ?? now, item.Published ?? item.Updated ?? now, now),
                    transaction,
                    cancellationToken: cancellationToken));
                inserted++;
            }
            else if (existing.ContentHash != hash)
            {
                // Upstreams often edit without touching their own date; the edit still has to show.
                // (By a microsecond, not a tick: PostgreSQL keeps times to the microsecond.)
                var movedUpdated = item.Updated is { } upstream && upstream > existing.Updated
                    ? upstream
                    : now > existing.Updated ? now : existing.Updated.AddMicroseconds(1);
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE items
                    SET guid = @Guid, title = @Title, link = @Link, summary = @Summary, content_html = @ContentHtml,
                        authors = @Authors, categories = @Categories, enclosures = @Enclosures, published = @Published,
                        updated = @Updated, content_hash = @ContentHash, sort_at = @SortAt
                    WHERE id = @Id
                    """,
                    ItemParameters.From(sourceId, identity, hash, item, movedUpdated, item.Published ?? item.Updated ?? existing.SortAt, now) with { Id = existing.Id },
                    transaction,
                    cancellationToken: cancellationToken));
                updated++;
            }
        }

        return (inserted, updated);
    }

    private sealed record ExistingItem(long Id, string ContentHash, DateTimeOffset Updated, DateTimeOffset SortAt);

    private sealed record ItemParameters(
        long Id,
        string SourceId,
        string Identity,
        string? Guid,
        string? Title,
        string? Link,
        string? Summary,
        string? ContentHtml,
        string Authors,
        string Categories,
        string Enclosures,
        DateTimeOffset? Published,
        DateTimeOffset Updated,
        string ContentHash,
        DateTimeOffset Now,
        DateTimeOffset SortAt)
    {
        public static ItemParameters From(
            string sourceId, string identity, string hash, Item item, DateTimeOffset updated, DateTimeOffset sortAt, DateTimeOffset now) => new(
            0,
            sourceId,
            identity,
            item.Guid,
            item.Title,
            item.Link,
            item.Summary,
            item.ContentHtml,
            JsonSerializer.Serialize(item.Authors, StorageJson.Options),
            JsonSerializer.Serialize(item.Categories, StorageJson.Options),
            JsonSerializer.Serialize(item.Enclosures, StorageJson.Options),
            item.Published,
            updated,
            hash,
            now,
            sortAt);
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
