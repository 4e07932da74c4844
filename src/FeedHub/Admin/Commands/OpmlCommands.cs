using System.CommandLine;
using System.Text;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin.Commands;

/// <summary><c>opml import FILE</c> and <c>opml export [FILE]</c>, as <c>POST</c> and <c>GET /api/opml</c> do them.</summary>
internal static class OpmlCommands
{
    public static Command Create(CommandConsole console)
    {
        var opml = new Command("opml", "Import subscriptions from OPML, or export every source as OPML.");
        opml.Subcommands.Add(Import(console));
        opml.Subcommands.Add(Export(console));
        return opml;
    }

    private static Command Import(CommandConsole console)
    {
        var file = new Argument<string>("file") { Description = "The OPML file, or - for standard input." };
        var json = AdminCommands.JsonOption("the report");
        var import = new Command("import", "Merges an OPML file's subscriptions by URL: reports what was added, updated, unchanged, and the outlines refused with their line and why.") { file, json };
        import.SetAction((parsed, cancellationToken) => console.WithServicesAsync(
            async services =>
            {
                var path = parsed.GetValue(file)!;
                if (path != "-" && !File.Exists(path))
                {
                    await console.Error.WriteLineAsync($"error: No such file: {path}");
                    return ExitCodes.NotFound;
                }

                using var reader = path == "-" ? null : File.OpenText(path);
                var progress = console.ErrorIsTerminal ? new TerminalProgress(console.Error, path) : null;
                var (report, refusal) = await services.GetRequiredService<SourceCatalog>().ImportOpmlAsync(reader ?? Console.In, progress, cancellationToken);
                progress?.Clear();
                if (report is null)
                {
                    return await console.RefusedAsync(refusal!);
                }

                if (parsed.GetValue(json))
                {
                    await console.WriteJsonAsync(report);
                    return ExitCodes.Success;
                }

                await WriteIdsAsync(console.Out, "Added", report.Added);
                await WriteIdsAsync(console.Out, "Updated", report.Updated);
                await WriteIdsAsync(console.Out, "Unchanged", report.Skipped);
                await console.Out.WriteLineAsync($"Invalid: {report.Invalid.Count}");
                foreach (var problem in report.Invalid)
                {
                    await console.Out.WriteLineAsync($"  {problem}");
                }

                if (report.Added.Count + report.Updated.Count > 0)
                {
                    await console.Out.WriteLineAsync("A running server follows the new and changed sources at its next dispatch, within a second.");
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return import;
    }

    private static Command Export(CommandConsole console)
    {
        var file = new Argument<string?>("file") { Description = "Where to write; standard output when not given.", Arity = ArgumentArity.ZeroOrOne };
        var export = new Command("export", "Writes every source that is not retired as OPML 2.0, with FeedHub's schedule, licence and id; importing it again changes nothing.") { file };
        export.SetAction((parsed, cancellationToken) => console.WithServicesAsync(
            async services =>
            {
                var opml = await services.GetRequiredService<SourceCatalog>().ExportOpmlAsync(cancellationToken);
                if (parsed.GetValue(file) is { } path)
                {
                    await File.WriteAllTextAsync(path, opml, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
                    await console.Out.WriteLineAsync($"Wrote {path}.");
                }
                else
                {
                    await console.Out.WriteAsync(opml);
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return export;
    }

    private static async Task WriteIdsAsync(TextWriter output, string what, IReadOnlyList<string> ids) =>
        await output.WriteLineAsync(ids.Count == 0 ? $"{what}: 0" : $"{what}: {ids.Count} ({string.Join(", ", ids)})");

    /// <summary>One line on a terminal, rewritten in place: the phase, then outlines merged out of all, by whole percents.</summary>
    private sealed class TerminalProgress(TextWriter terminal, string file) : IProgress<ImportProgress>
    {
        private int _percent = -1;
        private int _width;

        public void Report(ImportProgress value)
        {
            if (value.Phase == ImportPhase.Reading)
            {
                Write($"Reading {file}…");
                return;
            }

            var percent = value.Total == 0 ? 100 : value.Done * 100 / value.Total;
            if (percent != _percent)
            {
                _percent = percent;
                Write($"Merging outlines: {value.Done}/{value.Total} ({percent}%)");
            }
        }

        public void Clear() => Write(string.Empty);

        private void Write(string line)
        {
            terminal.Write("\r" + line.PadRight(_width) + (line.Length == 0 ? "\r" : string.Empty));
            terminal.Flush();
            _width = line.Length;
        }
    }
}
