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
}

internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override string MigrationsFolder => "Sqlite";
}
