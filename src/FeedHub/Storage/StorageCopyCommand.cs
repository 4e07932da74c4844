using Microsoft.Extensions.Logging;

namespace FeedHub.Storage;

/// <summary>
/// <c>storage copy-to-postgres --from "Data Source=data/feedhub.db" --to "Host=...;Database=..."</c>:
/// copies a SQLite store into PostgreSQL (see <see cref="PostgresCopy"/>). A relative SQLite path is
/// taken from the current directory, as FeedHub takes it from its content root.
/// </summary>
internal static class StorageCopyCommand
{
    public const string Usage = "usage: FeedHub storage copy-to-postgres --to \"Host=HOST;Database=DB;Username=USER;Password=...\" [--from \"Data Source=data/feedhub.db\"]";

    /// <returns>The process's exit code: 0 when every table's counts agree, 1 otherwise, 2 on bad arguments.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal) { ["--from"] = "Data Source=data/feedhub.db" };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] is not ("--from" or "--to") || i + 1 >= args.Length)
            {
                await error.WriteLineAsync($"Unknown or incomplete argument '{args[i]}'.{Environment.NewLine}{Usage}");
                return 2;
            }

            options[args[i]] = args[i + 1];
        }

        if (!options.TryGetValue("--to", out var to) || !PostgresDatabase.IsValid(to))
        {
            await error.WriteLineAsync($"--to must be an Npgsql connection string naming a Host and a Database.{Environment.NewLine}{Usage}");
            return 2;
        }

        var sqlite = new SqliteDatabase(options["--from"], Directory.GetCurrentDirectory());
        if (!File.Exists(sqlite.FilePath))
        {
            await error.WriteLineAsync($"--from: there is no SQLite store at {sqlite.FilePath}.");
            return 2;
        }

        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
        await using var postgres = new PostgresDatabase(to);
        try
        {
            var counts = await new PostgresCopy(sqlite, postgres, TimeProvider.System, loggers).RunAsync(cancellationToken);
            Console.WriteLine($"Copied: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}.");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            await error.WriteLineAsync($"The copy stopped: {e.Message} Running it again carries on where it stopped.");
            return 1;
        }
    }
}
