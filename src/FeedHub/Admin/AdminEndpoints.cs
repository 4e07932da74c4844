using System.Globalization;
using FeedHub.Model;
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
        return endpoints;
    }

    /// <param name="behind">True for only the sources behind their schedule (failing, rate limited, or without a recent success).</param>
    private static async Task<Ok<SourcesPage>> ListSources(bool? behind, SourceCatalog catalog, PollScheduler scheduler, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SourcesPage(await catalog.ListAsync(behind, (source, token) => scheduler.NextFireAsync(source.Id, token), cancellationToken)));

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> GetSource(
        string id, SourceStore sources, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(id, cancellationToken);
        return source is null
            ? UnknownSource(id)
            : TypedResults.Ok(SourceResponse.From(source, await scheduler.NextFireAsync(id, cancellationToken), SourceHealth.Of(source, time.GetUtcNow())));
    }

    private static async Task<IResult> ExportOpml(SourceCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Text(await catalog.ExportOpmlAsync(cancellationToken), "text/x-opml; charset=utf-8");

    /// <summary>
    /// Imports subscriptions from an OPML body, merged by URL; reports what was added, updated, left
    /// alone and refused (with the outline's line and why). New and changed sources are scheduled at once.
    /// </summary>
    private static async Task<Results<Ok<OpmlImportReport>, ProblemHttpResult>> ImportOpmlAsync(
        HttpRequest request, SourceCatalog catalog, SourceStore sources, PollScheduler scheduler, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var (report, refusal) = await catalog.ImportOpmlAsync(new StringReader(body), progress: null, cancellationToken);
        if (report is null)
        {
            return Problem(refusal!);
        }

        foreach (var id in report.Added.Concat(report.Updated))
        {
            await scheduler.ScheduleAsync((await sources.GetAsync(id, cancellationToken))!, cancellationToken);
        }

        return TypedResults.Ok(report);
    }

    /// <summary>Adds a source; it is polled at once, then follows its schedule.</summary>
    private static async Task<Results<Created<SourceResponse>, ValidationProblem, ProblemHttpResult>> CreateSource(
        SourceRequest request, SourceCatalog catalog, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken)
    {
        var (created, refusal) = await catalog.CreateAsync(request, cancellationToken);
        if (created is null)
        {
            return refusal!.Errors is { } errors ? TypedResults.ValidationProblem(errors) : Problem(refusal);
        }

        await scheduler.ScheduleAsync(created, cancellationToken);
        return TypedResults.Created($"/api/sources/{created.Id}", SourceResponse.From(created, await scheduler.NextFireAsync(created.Id, cancellationToken), SourceHealth.Of(created, time.GetUtcNow())));
    }

    /// <summary>Changes a source made through the API; the new schedule or URL takes effect at once.</summary>
    private static async Task<Results<Ok<SourceResponse>, ValidationProblem, ProblemHttpResult>> UpdateSource(
        string id, SourceRequest request, SourceCatalog catalog, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken)
    {
        var (updated, refusal) = await catalog.UpdateAsync(id, request, cancellationToken);
        if (updated is null)
        {
            return refusal!.Errors is { } errors ? TypedResults.ValidationProblem(errors) : Problem(refusal);
        }

        await scheduler.ScheduleAsync(updated, cancellationToken);
        return TypedResults.Ok(SourceResponse.From(updated, await scheduler.NextFireAsync(id, cancellationToken), SourceHealth.Of(updated, time.GetUtcNow())));
    }

    /// <summary>Deletes a source made through the API, with its items and fetch history.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSource(string id, SourceCatalog catalog, PollScheduler scheduler, CancellationToken cancellationToken)
    {
        var (deleted, refusal) = await catalog.DeleteAsync(id, cancellationToken);
        if (deleted is null)
        {
            return Problem(refusal!);
        }

        await scheduler.UnscheduleAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Queues a poll now; its result lands in the source's fetch history.</summary>
    private static async Task<Results<Accepted, ProblemHttpResult>> PollNow(string id, SourceCatalog catalog, PollScheduler scheduler, CancellationToken cancellationToken)
    {
        var (source, refusal) = await catalog.PollableAsync(id, cancellationToken);
        if (source is null)
        {
            return Problem(refusal!);
        }

        return await scheduler.PollNowAsync(id, cancellationToken)
            ? TypedResults.Accepted($"/api/sources/{id}/fetches")
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The source is not polled", detail: $"'{id}' is not scheduled.");
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> Pause(
        string id, SourceCatalog catalog, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken) =>
        await ChangeStatusAsync(id, SourceStatus.Paused, catalog, scheduler, time, cancellationToken);

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> Resume(
        string id, SourceCatalog catalog, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken) =>
        await ChangeStatusAsync(id, SourceStatus.Active, catalog, scheduler, time, cancellationToken);

    /// <summary>Pauses or resumes a source: its trigger goes or comes back at once. A retired source stays retired.</summary>
    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> ChangeStatusAsync(
        string id, SourceStatus status, SourceCatalog catalog, PollScheduler scheduler, TimeProvider time, CancellationToken cancellationToken)
    {
        var (changed, refusal) = await catalog.SetStatusAsync(id, status, cancellationToken);
        if (changed is null)
        {
            return Problem(refusal!);
        }

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

    private static ProblemHttpResult UnknownSource(string id) => Problem(CatalogRefusal.UnknownSource(id));

    private static ProblemHttpResult Problem(CatalogRefusal refusal) => TypedResults.Problem(
        statusCode: refusal.Kind switch
        {
            RefusalKind.NotFound => StatusCodes.Status404NotFound,
            RefusalKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        },
        title: refusal.Title,
        detail: refusal.Detail);
}
