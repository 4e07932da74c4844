using System.CommandLine;
using System.CommandLine.Invocation;

namespace FeedHub.Admin.Commands;

/// <summary>
/// The command line: <c>sources</c>, <c>poll</c> and <c>opml</c>, each working on the same store and
/// through the same <see cref="SourceCatalog"/> as the admin API, and <c>storage</c> to move the store. The store is the poll schedule, so a
/// running server follows what a command changed at its next dispatch.
/// </summary>
internal static class AdminCommands
{
    public static RootCommand Create(CommandConsole console)
    {
        var root = new RootCommand(
            """
            FeedHub: a self-hosted feed hub. With no command, runs the server.
            Every command takes the server's host arguments too, anywhere on the line:
            --contentRoot DIR (where appsettings.json, feeds/ and data/ are), --environment NAME,
            and any setting as --Section:Key=value (--FeedHub:Storage:ConnectionString=...).
            Exit codes: 0 done, 1 configuration problem, 2 usage error, 3 not found,
            4 conflict, 5 the poll failed, 6 invalid input.
            """);
        root.Subcommands.Add(SourcesCommands.Create(console));
        root.Subcommands.Add(PollCommand.Create(console));
        root.Subcommands.Add(OpmlCommands.Create(console));
        root.Subcommands.Add(StorageCommands.Create(console));
        return root;
    }

    /// <summary>Every option name and alias the commands know (<c>--json</c>, <c>-h</c>), so they are not taken for host settings.</summary>
    public static IReadOnlySet<string> OptionNames(Command root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(root);
        return names;

        void Collect(Command command)
        {
            foreach (var option in command.Options)
            {
                names.Add(option.Name);
                names.UnionWith(option.Aliases);
            }

            foreach (var sub in command.Subcommands)
            {
                Collect(sub);
            }
        }
    }

    /// <summary>Parses and runs a command; a line that does not parse is a usage error (exit code 2), said on standard error.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, CommandConsole console, CancellationToken cancellationToken)
    {
        // "@file" is an ordinary argument here (a file name), not a response file to expand.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Action is ParseErrorAction)
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync($"error: {error.Message}");
            }

            var path = string.Join(' ', Path(parsed.CommandResult.Command).Prepend("FeedHub"));
            await console.Error.WriteLineAsync($"Usage: see '{path} --help'.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(
            new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,

                // Errors are the entry's to report (a configuration problem is exit code 1, not a stack trace).
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            },
            cancellationToken);
    }

    private static IEnumerable<string> Path(Command command) =>
        command is RootCommand || command.Parents.FirstOrDefault() is not Command parent
            ? []
            : Path(parent).Append(command.Name);

    /// <summary>The <c>--json</c> option every command that reports something has.</summary>
    public static Option<bool> JsonOption(string what) => new("--json") { Description = $"Write {what} as JSON, as the admin API answers it." };
}
