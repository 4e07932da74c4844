using System.Data.Common;

namespace FeedHub.Storage;

/// <summary>
/// The seam between the stores and a database engine: stores write their SQL against the
/// connection this opens and ask the dialect for the little that differs between engines.
/// </summary>
internal abstract class Database
{
    public abstract SqlDialect Dialect { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);
}
