namespace FeedHub.Storage;

/// <summary>
/// What differs between engines. The stores' SQL is written once in the common subset
/// (SQLite and PostgreSQL both speak INSERT ... ON CONFLICT and RETURNING); a dialect overrides only
/// what cannot be shared, each override saying why.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>The folder under Storage/Migrations holding this engine's schema scripts.</summary>
    public abstract string MigrationsFolder { get; }

    /// <summary>Settings of the database itself, applied before migrating, if the engine has any.</summary>
    public virtual string? PrepareDatabase => null;

    /// <summary>The table recording which migrations ran; its column types are the engine's.</summary>
    public abstract string SchemaMigrationsTable { get; }

    /// <summary>
    /// The condition on <c>items</c> that its row mentions every word of <c>@Search</c>, the
    /// parameter being what <see cref="SearchExpression"/> made of the user's words.
    /// </summary>
    public abstract string SearchCondition { get; }

    /// <summary>A user's words as this engine's full-text query: each word required, the last may end in * (a prefix); null when there is no word.</summary>
    public abstract string? SearchExpression(string? text);

    /// <summary>
    /// A statement that takes, inside a transaction, a lock named by <c>@lockName</c> that every node
    /// sharing the database respects until the transaction ends; null for an engine that serves one process.
    /// </summary>
    public virtual string? TransactionLock => null;

    /// <summary>
    /// Adds the items with an id above <c>@afterId</c> to the search index, once per commit; null for an
    /// engine whose index follows every write by itself.
    /// </summary>
    public virtual string? IndexNewItems => null;

    /// <summary>
    /// Appended to a subquery that picks rows to claim: rows another node's transaction is claiming are
    /// passed over rather than waited for. Empty for an engine with one writer at a time.
    /// </summary>
    public virtual string SkipLocked => "";

    /// <summary>
    /// The condition that <paramref name="column"/> is one of the values of the array parameter
    /// <paramref name="parameter"/>. Dapper expands <c>IN @list</c> into one parameter per value.
    /// </summary>
    public virtual string InArray(string column, string parameter) => $"{column} IN @{parameter}";

    /// <summary>
    /// <see cref="InArray"/> for a long list of text values, with <see cref="TextArray"/> as the
    /// parameter's value: one parameter, however many values.
    /// </summary>
    public virtual string InTextArray(string column, string parameter) => InArray(column, parameter);

    /// <summary>The value of an <see cref="InTextArray"/> parameter.</summary>
    public virtual object TextArray(IEnumerable<string> values) => values.ToArray();

    /// <summary>The user's words, quote characters removed, each with whether it ends in * (a prefix).</summary>
    protected static IReadOnlyList<(string Word, bool Prefix)> SearchWords(string? text) =>
        (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Replace("\"", string.Empty, StringComparison.Ordinal))
            .Where(w => w.Trim('*').Length > 0)
            .Select(w => (w.TrimEnd('*'), w.EndsWith('*')))
            .ToList();
}

internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override string MigrationsFolder => "Sqlite";

    // Microsoft.Data.Sqlite finds each parameter by name among all of the statement's, so binding the
    // n parameters of an expanded IN list costs n² (2,000 sources: 4 million comparisons a query, the
    // largest FeedHub frame in a B3 profile). One JSON text, unpacked by json_each, binds once.
    public override string InTextArray(string column, string parameter) => $"{column} IN (SELECT value FROM json_each(@{parameter}))";

    public override object TextArray(IEnumerable<string> values) => System.Text.Json.JsonSerializer.Serialize(values);

    // WAL lets the feed endpoints read while a poll writes; the setting lives in the file.
    public override string? PrepareDatabase => "PRAGMA journal_mode = WAL";

    // SQLite has no time type: times are fixed-width UTC text everywhere in this engine.
    public override string SchemaMigrationsTable =>
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """;

    // One statement over the rows a commit added costs half what a trigger per row does (B3).
    public override string? IndexNewItems =>
        "INSERT INTO items_search (rowid, title, summary, content_html) SELECT id, title, summary, content_html FROM items WHERE id > @afterId";

    // FTS5 keeps its index in a table of its own (items_search): new rows are added per commit
    // (IndexNewItems), updated and deleted ones by triggers.
    public override string SearchCondition => "id IN (SELECT rowid FROM items_search WHERE items_search MATCH @Search)";

    /// <summary>Each word a quoted FTS5 phrase, so no operator syntax leaks in; "robo*" finds "robots".</summary>
    public override string? SearchExpression(string? text)
    {
        var words = SearchWords(text);
        return words.Count == 0 ? null : string.Join(' ', words.Select(w => w.Prefix ? $"\"{w.Word}\"*" : $"\"{w.Word}\""));
    }
}

internal sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    public override string MigrationsFolder => "Postgres";

    // With Npgsql, Dapper passes a list as one array parameter, unexpanded: `IN $1` is a syntax error.
    public override string InArray(string column, string parameter) => $"{column} = ANY(@{parameter})";

    public override string SchemaMigrationsTable =>
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    BIGINT PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL
        )
        """;

    // items.search is a stored tsvector column (the 'simple' configuration: lower-cased words, no
    // stemming, as FTS5's unicode61 tokenizer does on SQLite), indexed with GIN.
    public override string SearchCondition => "search @@ to_tsquery('simple', @Search)";

    /// <summary>
    /// Each word a quoted tsquery lexeme (a word the parser splits, such as "robo-cop", becomes a
    /// phrase), all of them required with &amp;; "robo*" becomes the prefix 'robo':*.
    /// </summary>
    public override string? SearchExpression(string? text)
    {
        var words = SearchWords(text);
        return words.Count == 0
            ? null
            : string.Join(" & ", words.Select(w =>
                $"'{w.Word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'" + (w.Prefix ? ":*" : "")));
    }

    // Several nodes share the store; an advisory lock serialises what must not interleave between them.
    public override string? TransactionLock => "SELECT pg_advisory_xact_lock(hashtext(@lockName))";

    // Nodes dispatching at once each take different due sources instead of queueing on the same rows.
    public override string SkipLocked => " FOR UPDATE SKIP LOCKED";
}
