using System.CommandLine;
using System.Globalization;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;

namespace FeedHub.Admin.Commands;

/// <summary><c>poll ID</c>: one poll, now, in this process, reported from its fetch-log row.</summary>
internal static class PollCommand
{
    private const int ItemsShown = 10;

    public static Command Create(CommandConsole console)
    {
        var id = new Argument<string>("id") { Description = "The source's id (see 'sources list')." };
        var json = AdminCommands.JsonOption("the fetch-log row");
        var poll = new Command("poll", "Polls a source once, now, and says what happened: new and updated items, not modified, or the error and its cause (exit code 5).") { id, json };
        poll.SetAction((parsed, cancellationToken) => console.WithServicesAsync(
            async services =>
            {
                var (source, refusal) = await services.GetRequiredService<SourceCatalog>().PollableAsync(parsed.GetValue(id)!, cancellationToken);
                if (source is null)
                {
                    return await console.RefusedAsync(refusal!);
                }

                var outcome = await services.GetRequiredService<SourcePoller>().PollAsync(source.Id, cancellationToken);
                if (outcome is null)
                {
                    return await console.RefusedAsync(CatalogRefusal.UnknownSource(source.Id));
                }

                if (parsed.GetValue(json))
                {
                    await console.WriteJsonAsync(FetchResponse.From(outcome.Fetch));
                }
                else
                {
                    await ReportAsync(console, services, outcome);
                }

                return outcome.Fetch.Outcome == FetchOutcome.Failed ? ExitCodes.PollFailed : ExitCodes.Success;
            },
            cancellationToken));
        return poll;
    }

    private static async Task ReportAsync(CommandConsole console, IServiceProvider services, PollOutcome outcome)
    {
        var fetch = outcome.Fetch;
        var status = fetch.HttpStatus is { } code ? $"HTTP {code}" : "no HTTP answer";
        var took = $"{fetch.Duration.TotalMilliseconds:0} ms";
        switch (fetch.Outcome)
        {
            case FetchOutcome.Fetched:
                await console.Out.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{fetch.SourceId}: fetched ({status}, {fetch.Bytes:N0} bytes in {took}): {fetch.ItemsNew} new, {fetch.ItemsUpdated} updated, {fetch.ItemsSeen} in the feed."));
                await WriteNewItemsAsync(console, services, fetch);
                break;
            case FetchOutcome.NotModified:
                await console.Out.WriteLineAsync($"{fetch.SourceId}: not modified ({status} in {took}); nothing new.");
                break;
            case FetchOutcome.RateLimited:
                await console.Out.WriteLineAsync($"{fetch.SourceId}: rate limited ({status}): {fetch.Error}");
                break;
            default:
                await console.Error.WriteLineAsync($"{fetch.SourceId}: the poll failed ({status} after {took}): {fetch.Error}");
                break;
        }

        if (fetch.Notes is { } notes)
        {
            await console.Out.WriteLineAsync($"  notes: {notes}");
        }

        await (fetch.Outcome == FetchOutcome.Failed ? console.Error : console.Out).WriteLineAsync(
            outcome.Retired ? "The source is retired." : $"Next poll due at {outcome.NextAttemptAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}.");
    }

    /// <summary>The items this poll stored first (their first-seen time is the poll's start).</summary>
    private static async Task WriteNewItemsAsync(CommandConsole console, IServiceProvider services, FetchRecord fetch)
    {
        if (fetch.ItemsNew == 0)
        {
            return;
        }

        var items = (await services.GetRequiredService<ItemStore>().QueryAsync(new ItemQuery(fetch.SourceId, fetch.StartedAt, ItemsShown), CancellationToken.None)).Items;
        foreach (var stored in items)
        {
            await console.Out.WriteLineAsync($"  + {stored.Item.Title ?? "(untitled)"}{(stored.Item.Link is { } link ? $"  {link}" : string.Empty)}");
        }

        if (fetch.ItemsNew > items.Count)
        {
            await console.Out.WriteLineAsync($"  … and {fetch.ItemsNew - items.Count} more.");
        }
    }
}
