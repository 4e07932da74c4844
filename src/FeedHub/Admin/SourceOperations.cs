using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// What an operator can do to sources, whichever door they come through (the API, the dashboard):
/// each change is stored and takes effect in the scheduler at once, and each refusal says why.
/// </summary>
internal sealed class SourceOperations(SourceStore sources, PollScheduler scheduler, IOptions<PollingOptions> polling, TimeProvider time)
{
    public async Task<IReadOnlyList<SourceResponse>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<SourceResponse>();
        foreach (var source in await sources.ListAsync(cancellationToken))
        {
            list.Add(await DescribeAsync(source, cancellationToken));
        }

        return list;
    }

    public async Task<SourceResponse?> GetAsync(string id, CancellationToken cancellationToken) =>
        await sources.GetAsync(id, cancellationToken) is { } source ? await DescribeAsync(source, cancellationToken) : null;

    /// <summary>Adds a source; it is polled at once, then follows its schedule.</summary>
    public async Task<Operation<SourceResponse>> CreateAsync(SourceRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var source = request.Validate(polling.Value.DefaultSchedule, time.GetUtcNow(), errors);
        if (source is null)
        {
            return Operation<SourceResponse>.Invalid(errors);
        }

        if ((await sources.ListAsync(cancellationToken)).FirstOrDefault(s => s.Url == source.Url) is { } same)
        {
            return Operation<SourceResponse>.Conflict("Already followed", $"The source '{same.Id}' already polls {source.Url}.");
        }

        if (!await sources.CreateAsync(source, cancellationToken))
        {
            return Operation<SourceResponse>.Conflict("The id is taken", $"A source with the id '{source.Id}' exists.");
        }

        return Operation<SourceResponse>.Done(await RescheduleAsync(source.Id, cancellationToken));
    }

    /// <summary>Changes a source made through the API; a new schedule or URL takes effect at once.</summary>
    public async Task<Operation<SourceResponse>> UpdateAsync(string id, SourceRequest request, CancellationToken cancellationToken)
    {
        var current = await sources.GetAsync(id, cancellationToken);
        if (Refusal<SourceResponse>(id, current, mustBeApi: true) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>();
        var source = request.Validate(polling.Value.DefaultSchedule, time.GetUtcNow(), errors, fixedId: id);
        if (source is null)
        {
            return Operation<SourceResponse>.Invalid(errors);
        }

        await sources.UpdateDefinitionAsync(source, urlChanged: source.Url != current!.Url, cancellationToken);
        return Operation<SourceResponse>.Done(await RescheduleAsync(id, cancellationToken));
    }

    /// <summary>Deletes a source made through the API, with its items and fetch history.</summary>
    public async Task<Operation<string>> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (Refusal<string>(id, await sources.GetAsync(id, cancellationToken), mustBeApi: true) is { } refused)
        {
            return refused;
        }

        await scheduler.UnscheduleAsync(id, cancellationToken);
        await sources.DeleteAsync(id, cancellationToken);
        return Operation<string>.Done(id);
    }

    /// <summary>Queues a poll now, after any poll of the source already running.</summary>
    public async Task<Operation<string>> PollNowAsync(string id, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(id, cancellationToken);
        if (Refusal<string>(id, source, mustBeApi: false) is { } refused)
        {
            return refused;
        }

        return await scheduler.PollNowAsync(id, cancellationToken)
            ? Operation<string>.Done(id)
            : Operation<string>.Conflict("The source is not polled", $"'{id}' is {source!.Status}: resume it first.");
    }

    /// <summary>Pauses or resumes a source: its trigger goes or comes back at once. A retired source stays retired.</summary>
    public async Task<Operation<SourceResponse>> SetStatusAsync(string id, SourceStatus status, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(id, cancellationToken);
        if (Refusal<SourceResponse>(id, source, mustBeApi: false) is { } refused)
        {
            return refused;
        }

        if (source!.Status == SourceStatus.Retired)
        {
            return Operation<SourceResponse>.Conflict("The source is retired", source.StatusReason);
        }

        await sources.SetStatusAsync(id, status, status == SourceStatus.Paused ? $"Paused by an operator on {time.GetUtcNow():u}." : null, cancellationToken);
        return Operation<SourceResponse>.Done(await RescheduleAsync(id, cancellationToken));
    }

    private async Task<SourceResponse> RescheduleAsync(string id, CancellationToken cancellationToken)
    {
        var source = (await sources.GetAsync(id, cancellationToken))!;
        await scheduler.ScheduleAsync(source, cancellationToken);
        return await DescribeAsync(source, cancellationToken);
    }

    private async Task<SourceResponse> DescribeAsync(Source source, CancellationToken cancellationToken) =>
        SourceResponse.From(source, await scheduler.NextFireAsync(source.Id, cancellationToken), SourceHealth.Of(source, time.GetUtcNow()));

    /// <summary>
    /// Why the source cannot be acted on: it does not exist, or (for changes to its definition) it is
    /// declared in a file, where it is changed; through the API it would come back at the next start.
    /// </summary>
    private static Operation<T>? Refusal<T>(string id, Source? source, bool mustBeApi) => source switch
    {
        null => Operation<T>.NotFound("Unknown source", $"No source has the id '{id}'."),
        { Origin: SourceOrigin.Config } when mustBeApi => Operation<T>.Conflict("Declared in a file", $"'{id}' is declared in FeedHub:Sources; change it there."),
        { Origin: SourceOrigin.Opml } when mustBeApi => Operation<T>.Conflict("Declared in a file", $"'{id}' is declared in the OPML file (FeedHub:SourcesOpml); change it there."),
        _ => null,
    };
}

internal enum OperationStatus
{
    Done,
    Invalid,
    NotFound,
    Conflict,
}

/// <summary>How an operation ended: its result, the invalid fields, or why it was refused.</summary>
internal sealed record Operation<T>(OperationStatus Status, T? Value, string? Title = null, string? Detail = null, Dictionary<string, string[]>? Errors = null)
{
    public static Operation<T> Done(T value) => new(OperationStatus.Done, value);

    public static Operation<T> Invalid(Dictionary<string, string[]> errors) => new(OperationStatus.Invalid, default, "Invalid", null, errors);

    public static Operation<T> NotFound(string title, string detail) => new(OperationStatus.NotFound, default, title, detail);

    public static Operation<T> Conflict(string title, string? detail) => new(OperationStatus.Conflict, default, title, detail);
}
