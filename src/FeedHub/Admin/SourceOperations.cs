using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using FeedHub.WebSub;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// The catalog's changes as the running server makes them, for the API and the dashboard: each
/// change the <see cref="SourceCatalog"/> allows is scheduled at once, and sources are shown with
/// their next poll as Quartz has it. (The command line uses the catalog alone; the server's
/// <see cref="ScheduleReconciler"/> picks its changes up.)
/// </summary>
internal sealed class SourceOperations(
    SourceCatalog catalog,
    SourceStore sources,
    PollScheduler scheduler,
    UpstreamSubscriptionStore subscriptions,
    UpstreamSubscriber subscriber,
    IOptions<WebSubOptions> websub,
    IOptions<FeedHubOptions> feedHub,
    TimeProvider time)
{
    public async Task<IReadOnlyList<SourceResponse>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = await catalog.ListAsync(behind: null, (source, token) => scheduler.NextFireAsync(source.Id, token), cancellationToken);
        var all = (await sources.ListAsync(cancellationToken)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var current = Current(await subscriptions.ListAsync(cancellationToken));
        return [.. listed.Select(r => all.TryGetValue(r.Id, out var source) ? r with { Push = Push(source, current.GetValueOrDefault(r.Id)) } : r)];
    }

    /// <summary>FeedHub's own subscriptions at upstream hubs, current and ending.</summary>
    public async Task<IReadOnlyList<UpstreamSubscriptionResponse>> ListUpstreamSubscriptionsAsync(CancellationToken cancellationToken) =>
        [.. (await subscriptions.ListAsync(cancellationToken)).Select(s => UpstreamSubscriptionResponse.From(s, subscriber.Callback(s.Id)))];

    public async Task<SourceResponse?> GetAsync(string id, CancellationToken cancellationToken) =>
        await sources.GetAsync(id, cancellationToken) is { } source ? await DescribeAsync(source, cancellationToken) : null;

    /// <summary>Adds a source; it is polled at once, then follows its schedule.</summary>
    public async Task<CatalogResult<SourceResponse>> CreateAsync(SourceRequest request, CancellationToken cancellationToken) =>
        await ScheduleAsync(await catalog.CreateAsync(request, cancellationToken), cancellationToken);

    /// <summary>Changes a source made by an operator; a new schedule or URL takes effect at once.</summary>
    public async Task<CatalogResult<SourceResponse>> UpdateAsync(string id, SourceRequest request, CancellationToken cancellationToken) =>
        await ScheduleAsync(await catalog.UpdateAsync(id, request, cancellationToken), cancellationToken);

    /// <summary>Pauses or resumes a source: its trigger goes or comes back at once.</summary>
    public async Task<CatalogResult<SourceResponse>> SetStatusAsync(string id, SourceStatus status, CancellationToken cancellationToken) =>
        await ScheduleAsync(await catalog.SetStatusAsync(id, status, cancellationToken), cancellationToken);

    /// <summary>Deletes a source made by an operator, with its items, fetch history and trigger.</summary>
    public async Task<CatalogResult<Source>> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await catalog.DeleteAsync(id, cancellationToken);
        if (deleted.Value is not null)
        {
            await scheduler.UnscheduleAsync(id, cancellationToken);

            // Its subscription at a hub, if any, is ended now rather than at the next check.
            subscriber.Wake();
        }

        return deleted;
    }

    /// <summary>Queues a poll now, after any poll of the source already running.</summary>
    public async Task<CatalogResult<Source>> PollNowAsync(string id, CancellationToken cancellationToken)
    {
        var pollable = await catalog.PollableAsync(id, cancellationToken);
        return pollable.Value is null || await scheduler.PollNowAsync(id, cancellationToken)
            ? pollable
            : new CatalogRefusal(RefusalKind.Conflict, "The source is not polled", $"'{id}' is not scheduled.");
    }

    /// <summary>Imports OPML merged by URL; what it added or changed is scheduled at once.</summary>
    public async Task<CatalogResult<OpmlImportReport>> ImportOpmlAsync(TextReader opml, CancellationToken cancellationToken)
    {
        var imported = await catalog.ImportOpmlAsync(opml, progress: null, cancellationToken);
        foreach (var id in imported.Value is { } report ? report.Added.Concat(report.Updated) : [])
        {
            await scheduler.ScheduleAsync((await sources.GetAsync(id, cancellationToken))!, cancellationToken);
        }

        return imported;
    }

    private async Task<CatalogResult<SourceResponse>> ScheduleAsync(CatalogResult<Source> changed, CancellationToken cancellationToken)
    {
        if (changed.Value is not { } source)
        {
            return changed.Refusal!;
        }

        await scheduler.ScheduleAsync(source, cancellationToken);

        // A paused source's subscription ends, a resumed one's starts, without waiting for the next check.
        subscriber.Wake();
        return await DescribeAsync(source, cancellationToken);
    }

    private async Task<SourceResponse> DescribeAsync(Source source, CancellationToken cancellationToken) =>
        SourceResponse.From(source, await scheduler.NextFireAsync(source.Id, cancellationToken), SourceHealth.Of(source, time.GetUtcNow()))
        with { Push = Push(source, await subscriptions.CurrentAsync(source.Id, cancellationToken)) };

    private SourcePushResponse Push(Source source, UpstreamSubscription? current) =>
        SourcePushResponse.From(source, current, time.GetUtcNow(), UpstreamSubscriber.CannotSubscribe(feedHub.Value.PublicBaseUrl, websub.Value));

    /// <summary>Each source's current subscription: the newest not being ended.</summary>
    private static Dictionary<string, UpstreamSubscription> Current(IReadOnlyList<UpstreamSubscription> all) =>
        all.Where(s => s.State != UpstreamState.Unsubscribing)
            .GroupBy(s => s.SourceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(s => s.RequestedAt)!, StringComparer.Ordinal);
}
