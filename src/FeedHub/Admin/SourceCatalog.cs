using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Polling.Push;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// What an operator may do to the sources, for the admin API, the dashboard and the command line
/// alike: validation, one source per URL, declared sources changed only where they are declared.
/// Every change is a write to the store, which is the schedule; in the server the dispatcher is woken
/// to follow it at once, and a running server sees a command's change at its next dispatch.
/// </summary>
internal sealed class SourceCatalog(
    SourceStore sources,
    PollDispatcher dispatcher,
    UpstreamSubscriptionStore subscriptions,
    UpstreamSubscriber subscriber,
    IOptions<PollingOptions> polling,
    IOptions<PushOptions> websub,
    IOptions<FeedHubOptions> feedHub,
    TimeProvider time)
{
    /// <summary>Every source as the admin API shows it, or only those behind (or not behind) their schedule.</summary>
    public async Task<IReadOnlyList<SourceResponse>> ListAsync(bool? behind, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = Current(await subscriptions.ListAsync(cancellationToken));
        return [.. (await sources.ListAsync(cancellationToken))
            .Select(source => Describe(source, current.GetValueOrDefault(source.Id), now))
            .Where(response => behind is null || response.BehindSchedule == behind)];
    }

    public async Task<SourceResponse?> GetAsync(string id, CancellationToken cancellationToken) =>
        await sources.GetAsync(id, cancellationToken) is { } source ? await DescribeAsync(source, cancellationToken) : null;

    /// <summary>FeedHub's own subscriptions at upstream hubs, current and ending.</summary>
    public async Task<IReadOnlyList<UpstreamSubscriptionResponse>> ListUpstreamSubscriptionsAsync(CancellationToken cancellationToken) =>
        [.. (await subscriptions.ListAsync(cancellationToken)).Select(s => UpstreamSubscriptionResponse.From(s, subscriber.Callback(s.Id)))];

    /// <summary>Adds a source made by an operator: it is due at once, then follows its schedule.</summary>
    public async Task<CatalogResult<SourceResponse>> CreateAsync(SourceRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var source = request.Validate(polling.Value.DefaultSchedule, time.GetUtcNow(), errors);
        if (source is null)
        {
            return CatalogRefusal.Invalid(errors);
        }

        if ((await sources.ListAsync(cancellationToken)).FirstOrDefault(s => s.Url == source.Url) is { } same)
        {
            return new CatalogRefusal(RefusalKind.Conflict, "Already followed", $"The source '{same.Id}' already polls {source.Url}.");
        }

        if (!await sources.CreateAsync(source, cancellationToken))
        {
            return new CatalogRefusal(RefusalKind.Conflict, "The id is taken", $"A source with the id '{source.Id}' exists.");
        }

        return await ChangedAsync(source.Id, cancellationToken);
    }

    /// <summary>Changes a source made by an operator; a new schedule or URL takes effect at once.</summary>
    public async Task<CatalogResult<SourceResponse>> UpdateAsync(string id, SourceRequest request, CancellationToken cancellationToken)
    {
        var current = await sources.GetAsync(id, cancellationToken);
        if (current is null)
        {
            return CatalogRefusal.UnknownSource(id);
        }

        if (Declared(current) is { } declared)
        {
            return declared;
        }

        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var source = request.Validate(polling.Value.DefaultSchedule, now, errors, fixedId: id);
        if (source is null)
        {
            return CatalogRefusal.Invalid(errors);
        }

        await sources.UpdateDefinitionAsync(source, current, FirstDue, cancellationToken);
        return await ChangedAsync(id, cancellationToken);
    }

    /// <summary>Deletes a source made by an operator, with its items and fetch history.</summary>
    public async Task<CatalogResult<Source>> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var current = await sources.GetAsync(id, cancellationToken);
        if (current is null)
        {
            return CatalogRefusal.UnknownSource(id);
        }

        if (Declared(current) is { } declared)
        {
            return declared;
        }

        await sources.DeleteAsync(id, cancellationToken);

        // Its subscription at a hub, if any, is ended now rather than at the next check.
        subscriber.Wake();
        return current;
    }

    /// <summary>Pauses or resumes a source. A retired source stays retired; a resumed one is due when it was, or at once if that has passed.</summary>
    public async Task<CatalogResult<SourceResponse>> SetStatusAsync(string id, SourceStatus status, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(id, cancellationToken);
        if (source is null)
        {
            return CatalogRefusal.UnknownSource(id);
        }

        if (source.Status == SourceStatus.Retired)
        {
            return new CatalogRefusal(RefusalKind.Conflict, "The source is retired", source.StatusReason ?? $"'{id}' is retired.");
        }

        await sources.SetStatusAsync(id, status, status == SourceStatus.Paused ? $"Paused by an operator on {time.GetUtcNow():u}." : null, cancellationToken);
        return await ChangedAsync(id, cancellationToken);
    }

    /// <summary>The source, if it may be polled now: it exists and is active.</summary>
    public async Task<CatalogResult<Source>> PollableAsync(string id, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(id, cancellationToken);
        if (source is null)
        {
            return CatalogRefusal.UnknownSource(id);
        }

        return source.Status == SourceStatus.Active
            ? source
            : new CatalogRefusal(RefusalKind.Conflict, "The source is not polled", $"'{id}' is {source.Status}: resume it first.");
    }

    /// <summary>Makes an active source due now: the next dispatch polls it (a poll of it already running is that poll).</summary>
    public async Task<CatalogResult<Source>> PollNowAsync(string id, CancellationToken cancellationToken)
    {
        var pollable = await PollableAsync(id, cancellationToken);
        if (pollable.Value is not null && await sources.MakeDueAsync(id, cancellationToken))
        {
            dispatcher.Wake();
        }

        return pollable;
    }

    /// <summary>
    /// Imports subscriptions from OPML, merged by URL: what was added, updated, left alone, and the
    /// outlines refused with their line and why.
    /// </summary>
    /// <param name="progress">Told each phase, and each outline as it is merged.</param>
    public async Task<CatalogResult<OpmlImportReport>> ImportOpmlAsync(TextReader opml, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        OpmlSubscriptions subscriptions;
        try
        {
            progress?.Report(new ImportProgress(ImportPhase.Reading, 0, 0));
            subscriptions = OpmlReader.Read(opml);
        }
        catch (FormatException e)
        {
            return new CatalogRefusal(RefusalKind.Invalid, "Not OPML", e.Message);
        }

        var declared = DeclaredSources.Build(new SourcesOptions(), subscriptions, polling.Value.DefaultSchedule, time.GetUtcNow());
        var total = declared.Sources.Count;
        progress?.Report(new ImportProgress(ImportPhase.Merging, 0, total));
        var merge = await sources.ImportAsync(
            declared.Sources,
            FirstDue,
            progress is null ? null : new MergeProgress(done => progress.Report(new ImportProgress(ImportPhase.Merging, done, total))),
            cancellationToken);
        dispatcher.Wake();
        return new OpmlImportReport(merge.Added, merge.Updated, merge.Skipped, declared.Problems);
    }

    /// <summary>Every source that is not retired, as OPML 2.0 with FeedHub's extras.</summary>
    public async Task<string> ExportOpmlAsync(CancellationToken cancellationToken)
    {
        var document = OpmlWriter.Write(await sources.ListAsync(cancellationToken), time.GetUtcNow());
        return document.Declaration + "\n" + document + "\n";
    }

    /// <summary>When a source whose schedule changed is next due: the poll policy's rule, at this moment.</summary>
    private DateTimeOffset FirstDue(string schedule, DateTimeOffset? lastAttemptAt) => PollPolicy.FirstDue(schedule, lastAttemptAt, time.GetUtcNow());

    /// <summary>After a change to one source: the dispatcher looks at once, and the source is shown as it now is.</summary>
    private async Task<SourceResponse> ChangedAsync(string id, CancellationToken cancellationToken)
    {
        dispatcher.Wake();

        // A paused source's subscription ends, a resumed one's starts, without waiting for the next check.
        subscriber.Wake();
        return await DescribeAsync((await sources.GetAsync(id, cancellationToken))!, cancellationToken);
    }

    private async Task<SourceResponse> DescribeAsync(Source source, CancellationToken cancellationToken) =>
        Describe(source, await subscriptions.CurrentAsync(source.Id, cancellationToken), time.GetUtcNow());

    private SourceResponse Describe(Source source, UpstreamSubscription? subscription, DateTimeOffset now) =>
        SourceResponse.From(source, SourceHealth.Of(source, now))
        with { Push = SourcePushResponse.From(source, subscription, now, websub.Value.CannotSubscribe(feedHub.Value.PublicBaseUrl)) };

    /// <summary>Each source's current subscription: the newest not being ended.</summary>
    private static Dictionary<string, UpstreamSubscription> Current(IReadOnlyList<UpstreamSubscription> all) =>
        all.Where(s => s.State != UpstreamState.Unsubscribing)
            .GroupBy(s => s.SourceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(s => s.RequestedAt)!, StringComparer.Ordinal);

    /// <summary>A source declared in configuration or OPML is changed there; changed here it would come back at the next start.</summary>
    private static CatalogRefusal? Declared(Source source) => source.Origin == SourceOrigin.Api
        ? null
        : new CatalogRefusal(
            RefusalKind.Conflict,
            "Declared in a file",
            source.Origin == SourceOrigin.Config
                ? $"'{source.Id}' is declared in FeedHub:Sources; change it there."
                : $"'{source.Id}' is declared in the OPML file (FeedHub:SourcesOpml); change it there.");

    /// <summary>Reports synchronously, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class MergeProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

/// <summary>Why the catalog refused: the API answers 400, 404 or 409; the command line exits 6, 3 or 4.</summary>
internal enum RefusalKind
{
    Invalid,
    NotFound,
    Conflict,
}

/// <param name="Errors">For <see cref="RefusalKind.Invalid"/>: the problems, keyed by the field at fault.</param>
internal sealed record CatalogRefusal(RefusalKind Kind, string Title, string Detail, IDictionary<string, string[]>? Errors = null)
{
    public static CatalogRefusal UnknownSource(string id) => new(RefusalKind.NotFound, "Unknown source", $"No source has the id '{id}'.");

    public static CatalogRefusal Invalid(Dictionary<string, string[]> errors) =>
        new(RefusalKind.Invalid, "Invalid source", string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), errors);
}

/// <summary>A change the catalog made (<see cref="Value"/>), or why it made none (<see cref="Refusal"/>).</summary>
internal readonly record struct CatalogResult<T>(T? Value, CatalogRefusal? Refusal)
    where T : class
{
    public static implicit operator CatalogResult<T>(T value) => new(value, null);

    public static implicit operator CatalogResult<T>(CatalogRefusal refusal) => new(null, refusal);
}

internal enum ImportPhase
{
    Reading,
    Merging,
}

/// <param name="Done">Outlines merged so far, of <paramref name="Total"/>.</param>
internal sealed record ImportProgress(ImportPhase Phase, int Done, int Total);
