using System.Reflection;
using Dapper;

namespace FeedHub.Storage;

/// <summary>
/// Brings the schema up to date from the embedded scripts of the engine's dialect
/// (Storage/Migrations/{Engine}/NNNN_name.sql), each applied once, in order, in its own transaction.
/// </summary>
internal sealed partial class Migrator(Database database, TimeProvider time, ILogger<Migrator> logger)
{
    public Task MigrateAsync(CancellationToken cancellationToken) => MigrateAsync(Scripts(database.Dialect.MigrationsFolder), cancellationToken);

    /// <summary>Applies the scripts not applied yet. Each commits whole or not at all, so a crash mid-way leaves the last complete version.</summary>
    internal async Task MigrateAsync(IReadOnlyList<MigrationScript> scripts, CancellationToken cancellationToken)
    {
        // Nodes of a cluster starting together migrate one after the other; the later ones find nothing to do.
        await using var migrating = await database.LockAsync("feedhub:migrations", cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);

        if (database.Dialect.PrepareDatabase is { } prepare)
        {
            await connection.ExecuteAsync(new CommandDefinition(prepare, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(database.Dialect.SchemaMigrationsTable, cancellationToken: cancellationToken));

        var applied = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();

        foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @Now)",
                new { script.Version, script.Name, Now = time.GetUtcNow() },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            LogApplied(script.Version, script.Name);
        }
    }

    internal static IReadOnlyList<MigrationScript> Scripts(string folder)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Storage.Migrations.{folder}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => MigrationScript.Read(assembly, name, name[prefix.Length..^".sql".Length]))
            .OrderBy(s => s.Version)
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name})")]
    private partial void LogApplied(long version, string name);

    internal sealed record MigrationScript(long Version, string Name, string Sql)
    {
        public static MigrationScript Read(Assembly assembly, string resource, string fileName)
        {
            var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !long.TryParse(fileName[..underscore], out var version))
            {
                throw new InvalidOperationException($"Migration '{fileName}.sql' must be named NNNN_description.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            return new MigrationScript(version, fileName[(underscore + 1)..], reader.ReadToEnd());
        }
    }
}
