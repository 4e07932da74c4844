using FeedHub.Admin.Commands;

namespace FeedHub.Hosting;

/// <summary>
/// FeedHub's entry: with no command it runs the server; with one (<c>sources list</c>, <c>poll ID</c>,
/// ...) it runs that command against the same store and exits with a code scripts can trust
/// (<see cref="ExitCodes"/>). Host arguments work the same either way.
/// </summary>
public static class FeedHubCommandLine
{
    /// <param name="args">The process's arguments.</param>
    /// <param name="output">Where a command writes its result (standard output).</param>
    /// <param name="error">Where errors, warnings and progress go (standard error).</param>
    /// <param name="errorIsTerminal">True when <paramref name="error"/> is a terminal: long imports then show their progress.</param>
    /// <returns>The process's exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool errorIsTerminal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        // The split needs the commands' option names, and the commands need the split's host arguments
        // when they run: so the host arguments are bound late.
        string[] host = [];
        var console = new CommandConsole(output, error, errorIsTerminal, cancellation => FeedHubApplication.StartCommandHostAsync(host, cancellation));
        var root = AdminCommands.Create(console);
        (host, var command) = HostArguments.Split(args, AdminCommands.OptionNames(root));

        try
        {
            if (command.Length == 0)
            {
                await using var app = FeedHubApplication.Build(host);

                // Checked before the host starts, which would log a refused setting with its stack trace.
                app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
                await app.RunAsync(cancellationToken);
                return ExitCodes.Success;
            }

            return await AdminCommands.InvokeAsync(root, command, console, cancellationToken);
        }
        catch (Exception e) when (StartupProblem.Describe(e) is { Count: > 0 } problems)
        {
            // A configuration mistake is the operator's to fix: say which key and why, without a stack trace.
            await error.WriteLineAsync("FeedHub cannot start:");
            foreach (var problem in problems)
            {
                await error.WriteLineAsync($"  {problem}");
            }

            return ExitCodes.StartProblem;
        }
    }
}
