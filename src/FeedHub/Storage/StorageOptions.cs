using System.ComponentModel.DataAnnotations;

namespace FeedHub.Storage;

public sealed class StorageOptions
{
    public const string Section = "FeedHub:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>A relative SQLite path is resolved against the content root.</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/feedhub.db";

    /// <summary>
    /// How many fetch-log rows (polls and pushes) are kept per source, newest first; older ones are
    /// dropped as new ones are written, so the log of a source polled every minute does not grow forever.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FetchHistoryPerSource { get; set; } = 500;
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
