using System.Globalization;
using FeedHub.Model;
using FeedHub.Sources;
using Microsoft.Extensions.Options;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Admin;

/// <summary>The admin API: JSON under <c>/api</c>, every call behind the bearer key.</summary>
internal static class AdminEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Puts the key check in front of everything under <c>/api</c>, matched or not.</summary>
    public static IApplicationBuilder UseAdminAuthentication(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseMiddleware<ApiKeyMiddleware>());

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/sources", ListSources);
        api.MapGet("/sources/{id}", GetSource);
        api.MapPost("/sources", CreateSource);
        api.MapPut("/sources/{id}", UpdateSource);
        api.MapDelete("/sources/{id}", DeleteSource);
        api.MapGet("/sources/{id}/fetches", ListFetches);
        api.MapPost("/sources/{id}/poll", PollNow);
        api.MapPost("/sources/{id}/pause", Pause);
        api.MapPost("/sources/{id}/resume", Resume);
        api.MapGet("/opml", ExportOpml);
        api.MapPost("/opml", ImportOpmlAsync);
        api.MapGet("/items", ListItems);
        api.MapArticles();
        return endpoints;
    }

    /// <param name="behind">True for only the sources behind their schedule (failing, rate limited, or without a recent success).</param>
    private static async Task<Ok<SourcesPage>> ListSources(bool? behind, SourceStore sources, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken)
    {
        var list = new List<SourceResponse>();
        foreach (var source in await sources.ListAsync(cancellationToken))
        {
            var response = SourceResponse.From(source, await scheduler.NextFireAsync(source.Id, cancellationToken), SourceHealth.Of(source, time.GetUtcNow()));
            if (behind is null || response.BehindSchedule == behind)
            {
                list.Add(response);
            }
        }

        return TypedResults.Ok(new SourcesPage(list));
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> GetSource(
        string id, SourceStore sources, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(id, cancellationToken);
        return source is null
            ? UnknownSource(id)
            : TypedResults.Ok(SourceResponse.From(source, await scheduler.NextFireAsync(id, cancellationToken), SourceHealth.Of(source, time.GetUtcNow())));
    }

    private static async Task<IResult> ExportOpml(SourceStore sources, TimeProvider time, CancellationToken cancellationToken)
    {
        var document = OpmlWriter.Write(await sources.ListAsync(cancellationToken), time.GetUtcNow());
        return TypedResults.Text(document.Declaration + "\n" + document.ToString(), "text/x-opml; charset=utf-8");
    }

    /// <summary>
    /// Imports subscriptions from an OPML body, merged by URL; reports what was added, updated, left
    /// alone and refused (with the outline's line and why). New and changed sources are scheduled at once.
    /// </summary>
    private static async Task<Results<Ok<OpmlImportReport>, ProblemHttpResult>> ImportOpmlAsync(
        HttpRequest request, SourceStore sources, PollScheduler scheduler, IOptions<PollingOptions> polling, TimeProvider time, CancellationToken cancellationToken)
    {
        OpmlSubscriptions opml;
        try
        {
            using var reader = new StreamReader(request.Body);
            opml = OpmlReader.Read(new StringReader(await reader.ReadToEndAsync(cancellationToken)));
        }
        catch (FormatException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not OPML", detail: e.Message);
        }

        var declared = DeclaredSources.Build(new SourcesOptions(), opml, polling.Value.DefaultSchedule, time.GetUtcNow());
        var merge = await sources.ImportAsync(declared.Sources, cancellationToken);
        foreach (var id in merge.Added.Concat(merge.Updated))
        {
            await scheduler.ScheduleAsync((await sources.GetAsync(id, cancellationToken))!, cancellationToken);
        }

        return TypedResults.Ok(new OpmlImportReport(merge.Added, merge.Updated, merge.Skipped, declared.Problems));
    }

    /// <summary>Adds a source; it is polled at once, then follows its schedule.</summary>
    private static async Task<Results<Created<SourceResponse>, ValidationProblem, ProblemHttpResult>> CreateSource(
        SourceRequest request, SourceStore sources, PollScheduler scheduler, IOptions<PollingOptions> polling, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var source = request.Validate(polling.Value.DefaultSchedule, time.GetUtcNow(), errors);
        if (source is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if ((await sources.ListAsync(cancellationToken)).FirstOrDefault(s => s.Url == source.Url) is { } same)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already followed", detail: $"The source '{same.Id}' already polls {source.Url}.");
        }

        if (!await sources.CreateAsync(source, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The id is taken", detail: $"A source with the id '{source.Id}' exists.");
        }

        var created = (await sources.GetAsync(source.Id, cancellationToken))!;
        await scheduler.ScheduleAsync(created, cancellationToken);
        return TypedResults.Created($"/api/sources/{created.Id}", SourceResponse.From(created, await scheduler.NextFireAsync(created.Id, cancellationToken), SourceHealth.Of(created, time.GetUtcNow())));
    }

    /// <summary>Changes a source made through the API; the new schedule or URL takes effect at once.</summary>
    private static async Task<Results<Ok<SourceResponse>, ValidationProblem, ProblemHttpResult>> UpdateSource(
        string id, SourceRequest request, SourceStore sources, PollScheduler scheduler, IOptions<PollingOptions> polling, TimeProvider time, CancellationToken cancellationToken)
    {
        var current = await sources.GetAsync(id, cancellationToken);
        if (current is null)
        {
            return UnknownSource(id);
        }

        if (Declared(current) is { } declared)
        {
            return declared;
        }

        var errors = new Dictionary<string, string[]>();
        var source = request.Validate(polling.Value.DefaultSchedule, time.GetUtcNow(), errors, fixedId: id);
        if (source is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await sources.UpdateDefinitionAsync(source, urlChanged: source.Url != current.Url, cancellationToken);
        var updated = (await sources.GetAsync(id, cancellationToken))!;
        await scheduler.ScheduleAsync(updated, cancellationToken);
        return TypedResults.Ok(SourceResponse.From(updated, await scheduler.NextFireAsync(id, cancellationToken), SourceHealth.Of(updated, time.GetUtcNow())));
    }

    /// <summary>Deletes a source made through the API, with its items and fetch history.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSource(string id, SourceStore sources, PollScheduler scheduler, CancellationToken cancellationToken)
    {
        var current = await sources.GetAsync(id, cancellationToken);
        if (current is null)
        {
            return UnknownSource(id);
        }

        if (Declared(current) is { } declared)
        {
            return declared;
        }

        await scheduler.UnscheduleAsync(id, cancellationToken);
        await sources.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>A source declared in configuration or OPML is changed there; through the API it would come back at the next start.</summary>
    private static ProblemHttpResult? Declared(Source source) => source.Origin == SourceOrigin.Api
        ? null
        : TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Declared in a file",
            detail: source.Origin == SourceOrigin.Config
                ? $"'{source.Id}' is declared in FeedHub:Sources; change it there."
                : $"'{source.Id}' is declared in the OPML file (FeedHub:SourcesOpml); change it there.");

    /// <summary>Queues a poll now; its result lands in the source's fetch history.</summary>
    private static async Task<Results<Accepted, ProblemHttpResult>> PollNow(string id, SourceStore sources, PollScheduler scheduler, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(id, cancellationToken);
        if (source is null)
        {
            return UnknownSource(id);
        }

        return await scheduler.PollNowAsync(id, cancellationToken)
            ? TypedResults.Accepted($"/api/sources/{id}/fetches")
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The source is not polled", detail: $"'{id}' is {source.Status}: resume it first.");
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> Pause(
        string id, SourceStore sources, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken) =>
        await ChangeStatusAsync(id, SourceStatus.Paused, sources, scheduler, time, cancellationToken);

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> Resume(
        string id, SourceStore sources, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken) =>
        await ChangeStatusAsync(id, SourceStatus.Active, sources, scheduler, time, cancellationToken);

    /// <summary>Pauses or resumes a source: its trigger goes or comes back at once. A retired source stays retired.</summary>
    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> ChangeStatusAsync(
        string id, SourceStatus status, SourceStore sources, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(id, cancellationToken);
        if (source is null)
        {
            return UnknownSource(id);
        }

        if (source.Status == SourceStatus.Retired)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The source is retired", detail: source.StatusReason);
        }

        await sources.SetStatusAsync(id, status, status == SourceStatus.Paused ? $"Paused by an operator on {time.GetUtcNow():u}." : null, cancellationToken);
        var changed = (await sources.GetAsync(id, cancellationToken))!;
        await scheduler.ScheduleAsync(changed, cancellationToken);
        return TypedResults.Ok(SourceResponse.From(changed, await scheduler.NextFireAsync(id, cancellationToken), SourceHealth.Of(changed, time.GetUtcNow())));
    }

    private static async Task<Results<Ok<FetchesPage>, ProblemHttpResult, ValidationProblem>> ListFetches(
        string id, string? limit, SourceStore sources, FetchLogStore fetchLog, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var count = ParseLimit(limit, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await sources.GetAsync(id, cancellationToken) is null)
        {
            return UnknownSource(id);
        }

        var fetches = await fetchLog.ListAsync(id, count, cancellationToken);
        return TypedResults.Ok(new FetchesPage(fetches.Select(FetchResponse.From).ToList()));
    }

    private static async Task<Results<Ok<ItemsPage>, ValidationProblem>> ListItems(
        string? source, string? since, string? limit, string? q, SourceStore sources, ItemStore items, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var count = ParseLimit(limit, errors);

        DateTimeOffset? sinceTime = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                sinceTime = parsed.ToUniversalTime();
            }
            else
            {
                errors["since"] = [$"'{since}' is not an ISO 8601 time such as 2026-01-31T08:00:00Z."];
            }
        }

        if (!string.IsNullOrEmpty(source) && await sources.GetAsync(source, cancellationToken) is null)
        {
            errors["source"] = [$"No source has the id '{source}'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await items.QueryAsync(new ItemQuery(string.IsNullOrEmpty(source) ? null : source, sinceTime, count, q), cancellationToken);
        return TypedResults.Ok(new ItemsPage(page.Select(ItemResponse.From).ToList()));
    }

    /// <summary>The <c>limit</c> query parameter, or the default; a bad value is added to <paramref name="errors"/>.</summary>
    private static int ParseLimit(string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return DefaultLimit;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }

        errors["limit"] = [$"'{text}' is not a whole number from 1 to {MaxLimit}."];
        return DefaultLimit;
    }

    private static ProblemHttpResult UnknownSource(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown source", detail: $"No source has the id '{id}'.");
}
