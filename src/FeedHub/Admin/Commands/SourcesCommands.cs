using System.CommandLine;
using FeedHub.Model;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin.Commands;

/// <summary><c>sources list|add|remove|pause|resume</c>.</summary>
internal static class SourcesCommands
{
    public static Command Create(CommandConsole console)
    {
        var sources = new Command("sources", "List, add, remove, pause and resume the sources FeedHub follows.");
        sources.Subcommands.Add(List(console));
        sources.Subcommands.Add(Add(console));
        sources.Subcommands.Add(Remove(console));
        sources.Subcommands.Add(ChangeStatus(console, SourceStatus.Paused));
        sources.Subcommands.Add(ChangeStatus(console, SourceStatus.Active));
        return sources;
    }

    private static Command List(CommandConsole console)
    {
        var behind = new Option<bool>("--behind") { Description = "Only the sources behind their schedule: failing, rate limited, or without a recent success." };
        var json = AdminCommands.JsonOption("the sources");
        var list = new Command("list", "Every source: its health, schedule, last success, error streak, next poll or last error, and URL.") { behind, json };
        list.SetAction((parsed, cancellationToken) => console.WithServicesAsync(
            async services =>
            {
                var rows = await services.GetRequiredService<SourceCatalog>().ListAsync(parsed.GetValue(behind) ? true : null, cancellationToken);
                if (parsed.GetValue(json))
                {
                    await console.WriteJsonAsync(new SourcesPage(rows));
                }
                else if (rows.Count == 0)
                {
                    await console.Out.WriteLineAsync(parsed.GetValue(behind) ? "No source is behind its schedule." : "No sources.");
                }
                else
                {
                    await SourceListing.WriteAsync(console.Out, rows, services.GetRequiredService<TimeProvider>().GetUtcNow());
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return list;
    }

    private static Command Add(CommandConsole console)
    {
        var url = new Argument<string>("url") { Description = "The feed's address (http or https)." };
        var id = new Option<string?>("--id") { Description = "Lowercase letters, digits and dashes; made from the URL when not given." };
        var title = new Option<string?>("--title") { Description = "The title to show; the feed's own when not given." };
        var schedule = new Option<string?>("--schedule") { Description = "An interval (30m, 1h30m, 2d) or a cron expression; FeedHub:Polling:DefaultSchedule when not given." };
        var tags = new Option<string[]>("--tag") { Description = "A tag (repeat for more).", Arity = ArgumentArity.ZeroOrMore };
        var license = new Option<string?>("--license") { Description = "How channels republish its items: Full, Excerpt or LinkOnly (default Full)." };
        var json = AdminCommands.JsonOption("the new source");
        var add = new Command("add", "Adds a source; a running server polls it at once, then on its schedule.") { url, id, title, schedule, tags, license, json };
        add.SetAction((parsed, cancellationToken) => console.WithServicesAsync(
            async services =>
            {
                var request = new SourceRequest(parsed.GetValue(id), parsed.GetValue(title), parsed.GetValue(url), parsed.GetValue(schedule), [.. parsed.GetValue(tags) ?? []], parsed.GetValue(license));
                var (created, refusal) = await services.GetRequiredService<SourceCatalog>().CreateAsync(request, cancellationToken);
                if (created is null)
                {
                    return await console.RefusedAsync(refusal!);
                }

                if (parsed.GetValue(json))
                {
                    await console.WriteJsonAsync(created);
                }
                else
                {
                    await console.Out.WriteLineAsync($"Added {created.Id}: {created.Url} ({created.Schedule}, {created.License}).");
                    await console.Out.WriteLineAsync($"A running server polls it at its next dispatch, within a second; 'poll {created.Id}' polls it here, now.");
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return add;
    }

    private static Command Remove(CommandConsole console)
    {
        var id = new Argument<string>("id") { Description = "The source's id (see 'sources list')." };
        var remove = new Command("remove", "Deletes a source added through the API or the command line, with its items and fetch history. Declared sources are removed from their file.") { id };
        remove.SetAction((parsed, cancellationToken) => console.WithServicesAsync(
            async services =>
            {
                var (removed, refusal) = await services.GetRequiredService<SourceCatalog>().DeleteAsync(parsed.GetValue(id)!, cancellationToken);
                if (removed is null)
                {
                    return await console.RefusedAsync(refusal!);
                }

                await console.Out.WriteLineAsync($"Removed {removed.Id} ({removed.Url}) with its items and fetch history.");
                return ExitCodes.Success;
            },
            cancellationToken));
        return remove;
    }

    private static Command ChangeStatus(CommandConsole console, SourceStatus status)
    {
        var id = new Argument<string>("id") { Description = "The source's id (see 'sources list')." };
        var command = status == SourceStatus.Paused
            ? new Command("pause", "Takes a source off its schedule until it is resumed (across restarts too).") { id }
            : new Command("resume", "Puts a paused source back on its schedule.") { id };
        command.SetAction((parsed, cancellationToken) => console.WithServicesAsync(
            async services =>
            {
                var (changed, refusal) = await services.GetRequiredService<SourceCatalog>().SetStatusAsync(parsed.GetValue(id)!, status, cancellationToken);
                if (changed is null)
                {
                    return await console.RefusedAsync(refusal!);
                }

                await console.Out.WriteLineAsync($"{(status == SourceStatus.Paused ? "Paused" : "Resumed")} {changed.Id}; a running server follows at its next dispatch, within a second.");
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }
}
