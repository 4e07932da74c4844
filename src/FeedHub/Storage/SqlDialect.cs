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
}

internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override string MigrationsFolder => "Sqlite";

    // WAL lets the feed endpoints read while a poll writes; the setting lives in the file.
    public override string? PrepareDatabase => "PRAGMA journal_mode = WAL";
}
