namespace FeedHub.Hosting;

/// <summary>
/// Separates what the .NET host reads (<c>--contentRoot DIR</c>, <c>--urls</c>, <c>--environment</c>,
/// any <c>--Section:Key=value</c>) from a command and its own options, wherever either stands on the
/// line, so that the same host arguments work with and without a command.
/// </summary>
internal static class HostArguments
{
    /// <summary>Host settings commonly given on the command line, which take their value as the next word too.</summary>
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "contentRoot", "urls", "environment", "applicationName", "webroot",
    };

    /// <param name="commandOptions">The command line's own option names (<c>--json</c>), which are never host settings.</param>
    public static (string[] Host, string[] Command) Split(IReadOnlyList<string> args, IReadOnlySet<string> commandOptions)
    {
        List<string> host = [], command = [];
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                command.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? arg[2..] : arg[2..equals];
            var isSetting = HostKeys.Contains(key) || key.Contains(':', StringComparison.Ordinal);
            if (equals >= 0 && (isSetting || !commandOptions.Contains("--" + key)))
            {
                // --Key=value: the host's configuration, as the host itself would read it, unless a command claims the name.
                host.Add(arg);
            }
            else if (equals < 0 && isSetting && i + 1 < args.Count)
            {
                host.Add(arg);
                host.Add(args[++i]);
            }
            else
            {
                command.Add(arg);
            }
        }

        return ([.. host], [.. command]);
    }
}
