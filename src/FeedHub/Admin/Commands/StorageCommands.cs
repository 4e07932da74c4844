using System.CommandLine;
using System.Data.Common;
using FeedHub.Storage;

namespace FeedHub.Admin.Commands;

/// <summary>
/// <c>storage copy-to-postgres --to "Host=...;Database=..." [--from "Data Source=data/feedhub.db"]</c>:
/// copies a SQLite store into PostgreSQL (see <see cref="PostgresCopy"/>). It opens both stores itself,
/// without a host. A relative SQLite path is taken from the current directory, as FeedHub takes it
/// from its content root.
/// </summary>
internal static class StorageCommands
{
    public static Command Create(CommandConsole console)
    {
        var to = new Option<string?>("--to") { Description = "The PostgreSQL store: an Npgsql connection string naming a Host and a Database." };
        var from = new Option<string>("--from") { Description = "The SQLite store to copy.", DefaultValueFactory = _ => "Data Source=data/feedhub.db" };
        var copy = new Command(
            "copy-to-postgres",
            "Copies a SQLite store (sources, items, fetch log, articles) into PostgreSQL in batches, then compares every table's row count. Run again after an interruption, it carries on after the last batch committed.")
        {
            to,
            from,
        };
        copy.SetAction((parsed, cancellationToken) => CopyAsync(parsed.GetValue(from)!, parsed.GetValue(to), console, cancellationToken));
        var storage = new Command("storage", "Moves the store to another engine.");
        storage.Subcommands.Add(copy);
        return storage;
    }

    /// <returns>0 when every table's counts agree, 1 when the copy stopped, 2 on bad arguments.</returns>
    private static async Task<int> CopyAsync(string from, string? to, CommandConsole console, CancellationToken cancellationToken)
    {
        if (to is null || !PostgresDatabase.IsValid(to))
        {
            await console.Error.WriteLineAsync("--to must be an Npgsql connection string naming a Host and a Database. See 'FeedHub storage copy-to-postgres --help'.");
            return ExitCodes.Usage;
        }

        var sqlite = new SqliteDatabase(from, Directory.GetCurrentDirectory());
        if (!File.Exists(sqlite.FilePath))
        {
            await console.Error.WriteLineAsync($"--from: there is no SQLite store at {sqlite.FilePath}.");
            return ExitCodes.Usage;
        }

        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(simple => simple.SingleLine = true));
        await using var postgres = new PostgresDatabase(to);
        try
        {
            var counts = await new PostgresCopy(sqlite, postgres, TimeProvider.System, loggers).RunAsync(cancellationToken);
            await console.Out.WriteLineAsync($"Copied: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}.");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is InvalidOperationException or DbException)
        {
            await console.Error.WriteLineAsync($"The copy stopped: {e.Message} Running it again carries on where it stopped.");
            return ExitCodes.StartProblem;
        }
    }
}
