using System.Data.Common;
using Dapper;

namespace FeedHub.Storage;

/// <summary>
/// The seam between the stores and a database engine: stores write their SQL against the
/// connection this opens and ask the dialect for the little that differs between engines.
/// </summary>
internal abstract class Database
{
    // Columns are snake_case, properties PascalCase, for every engine.
    static Database() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public abstract SqlDialect Dialect { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);
}
