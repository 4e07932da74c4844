using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// What an operator may do to the sources, with the rules both the admin API and the command line
/// follow: validation, one source per URL, declared sources changed only where they are declared.
/// It changes the store only; scheduling is the caller's (the server schedules at once, and picks up
/// what a command changed through <see cref="ScheduleReconciler"/>).
/// </summary>
internal sealed class SourceCatalog(SourceStore sources, StoreChanges changes, IOptions<PollingOptions> polling, TimeProvider time)
{
    /// <summary>Every source as the admin API shows it, or only those behind (or not behind) their schedule.</summary>
    /// <param name="nextPoll">When the source is next polled, if the caller knows better than the store (the server's scheduler does).</param>
    public async Task<IReadOnlyList<SourceResponse>> ListAsync(bool? behind, Func<Source, CancellationToken, Task<DateTimeOffset?>> nextPoll, CancellationToken cancellationToken)
    {
        var list = new List<SourceResponse>();
        var now = time.GetUtcNow();
        foreach (var source in await sources.ListAsync(cancellationToken))
        {
            var response = SourceResponse.From(source, await nextPoll(source, cancellationToken), SourceHealth.Of(source, now));
            if (behind is null || response.BehindSchedule == behind)
            {
                list.Add(response);
            }
        }

        return list;
    }

    /// <summary>Adds a source made by an operator.</summary>
    public async Task<CatalogResult<Source>> CreateAsync(SourceRequest request, CancellationToken cancellationToken)
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

        changes.SourcesChanged();

        return (await sources.GetAsync(source.Id, cancellationToken))!;
    }

    /// <summary>Changes a source made by an operator; a new schedule or URL applies from its next scheduling.</summary>
    public async Task<CatalogResult<Source>> UpdateAsync(string id, SourceRequest request, CancellationToken cancellationToken)
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

        var errors = new Dictionary<string, string[]>();
        var source = request.Validate(polling.Value.DefaultSchedule, time.GetUtcNow(), errors, fixedId: id);
        if (source is null)
        {
            return CatalogRefusal.Invalid(errors);
        }

        await sources.UpdateDefinitionAsync(source, urlChanged: source.Url != current.Url, cancellationToken);
        changes.SourcesChanged();
        return (await sources.GetAsync(id, cancellationToken))!;
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
        changes.SourcesChanged();
        return current;
    }

    /// <summary>Pauses or resumes a source. A retired source stays retired.</summary>
    public async Task<CatalogResult<Source>> SetStatusAsync(string id, SourceStatus status, CancellationToken cancellationToken)
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
        changes.SourcesChanged();
        return (await sources.GetAsync(id, cancellationToken))!;
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
            progress is null ? null : new MergeProgress(done => progress.Report(new ImportProgress(ImportPhase.Merging, done, total))),
            cancellationToken);
        changes.SourcesChanged();
        return new OpmlImportReport(merge.Added, merge.Updated, merge.Skipped, declared.Problems);
    }

    /// <summary>Every source that is not retired, as OPML 2.0 with FeedHub's extras.</summary>
    public async Task<string> ExportOpmlAsync(CancellationToken cancellationToken)
    {
        var document = OpmlWriter.Write(await sources.ListAsync(cancellationToken), time.GetUtcNow());
        return document.Declaration + "\n" + document + "\n";
    }

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
