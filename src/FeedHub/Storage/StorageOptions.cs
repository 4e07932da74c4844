using System.ComponentModel.DataAnnotations;

namespace FeedHub.Storage;

public sealed class StorageOptions
{
    public const string Section = "FeedHub:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>A relative SQLite path is resolved against the content root.</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/feedhub.db";
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
