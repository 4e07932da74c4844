using System.Globalization;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

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

        var sources = api.MapGroup("").WithTags("Sources");
        sources.MapGet("/sources", ListSources);
        sources.MapPost("/sources", CreateSource).ProducesProblem(StatusCodes.Status409Conflict);
        var source = sources.MapGroup("").ProducesProblem(StatusCodes.Status404NotFound);
        source.MapGet("/sources/{id}", GetSource);
        source.MapPut("/sources/{id}", UpdateSource).ProducesProblem(StatusCodes.Status409Conflict);
        source.MapDelete("/sources/{id}", DeleteSource).ProducesProblem(StatusCodes.Status409Conflict);
        source.MapGet("/sources/{id}/fetches", ListFetches);
        source.MapPost("/sources/{id}/poll", PollNow).ProducesProblem(StatusCodes.Status409Conflict);
        source.MapPost("/sources/{id}/pause", Pause).ProducesProblem(StatusCodes.Status409Conflict);
        source.MapPost("/sources/{id}/resume", Resume).ProducesProblem(StatusCodes.Status409Conflict);

        // The OPML body is read as it comes: feed readers export it as text/xml, application/xml or text/x-opml.
        api.MapGet("/opml", ExportOpml).WithTags("OPML").Produces<string>(contentType: "text/x-opml");
        api.MapPost("/opml", ImportOpmlAsync).WithTags("OPML");

        api.MapGet("/items", ListItems).WithTags("Items");
        api.MapArticles();
        api.MapWebSubSubscriptions();
        return endpoints;
    }

    /// <param name="behind">True for only the sources behind their schedule (failing, rate limited, or without a recent success).</param>
    private static async Task<Results<Ok<SourcesPage>, ValidationProblem>> ListSources(string? behind, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        // Read here, not bound as a bool: the generated binder refuses a bad value with a bare 400.
        bool? only = null;
        if (!string.IsNullOrEmpty(behind))
        {
            if (!bool.TryParse(behind, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["behind"] = [$"'{behind}' is not true or false."] });
            }

            only = parsed;
        }

        return TypedResults.Ok(new SourcesPage(await catalog.ListAsync(only, cancellationToken)));
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> GetSource(string id, SourceCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.GetAsync(id, cancellationToken) is { } source ? TypedResults.Ok(source) : UnknownSource(id);

    private static async Task<ContentHttpResult> ExportOpml(SourceCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Text(await catalog.ExportOpmlAsync(cancellationToken), "text/x-opml; charset=utf-8");

    /// <summary>
    /// Imports subscriptions from an OPML body, merged by URL; reports what was added, updated, left
    /// alone and refused (with the outline's line and why). New and changed sources are scheduled at once.
    /// </summary>
    private static async Task<Results<Ok<OpmlImportReport>, ProblemHttpResult>> ImportOpmlAsync(HttpRequest request, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var imported = await catalog.ImportOpmlAsync(new StringReader(await reader.ReadToEndAsync(cancellationToken)), progress: null, cancellationToken);
        return imported.Value is { } report ? TypedResults.Ok(report) : Problem(imported.Refusal!);
    }

    private static async Task<Results<Created<SourceResponse>, ValidationProblem, ProblemHttpResult>> CreateSource(
        SourceRequest request, SourceCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.CreateAsync(request, cancellationToken) switch
        {
            { Value: { } created } => TypedResults.Created($"/api/sources/{created.Id}", created),
            { Refusal.Errors: { } errors } => TypedResults.ValidationProblem(errors),
            var refused => Problem(refused.Refusal!),
        };

    private static async Task<Results<Ok<SourceResponse>, ValidationProblem, ProblemHttpResult>> UpdateSource(
        string id, SourceRequest request, SourceCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.UpdateAsync(id, request, cancellationToken) switch
        {
            { Value: { } updated } => TypedResults.Ok(updated),
            { Refusal.Errors: { } errors } => TypedResults.ValidationProblem(errors),
            var refused => Problem(refused.Refusal!),
        };

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSource(string id, SourceCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.DeleteAsync(id, cancellationToken) is { Refusal: { } refusal } ? Problem(refusal) : TypedResults.NoContent();

    /// <summary>Queues a poll now; its result lands in the source's fetch history.</summary>
    private static async Task<Results<Accepted, ProblemHttpResult>> PollNow(string id, SourceCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.PollNowAsync(id, cancellationToken) is { Refusal: { } refusal } ? Problem(refusal) : TypedResults.Accepted($"/api/sources/{id}/fetches");

    private static Task<Results<Ok<SourceResponse>, ProblemHttpResult>> Pause(string id, SourceCatalog catalog, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, SourceStatus.Paused, catalog, cancellationToken);

    private static Task<Results<Ok<SourceResponse>, ProblemHttpResult>> Resume(string id, SourceCatalog catalog, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, SourceStatus.Active, catalog, cancellationToken);

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> ChangeStatusAsync(
        string id, SourceStatus status, SourceCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.SetStatusAsync(id, status, cancellationToken) switch
        {
            { Value: { } changed } => TypedResults.Ok(changed),
            var refused => Problem(refused.Refusal!),
        };

    /// <summary>A refusal as problem details: 400 for invalid input, 404 for an unknown source, 409 for a conflict.</summary>
    private static ProblemHttpResult Problem(CatalogRefusal refusal) => TypedResults.Problem(
        statusCode: refusal.Kind switch
        {
            RefusalKind.Invalid => StatusCodes.Status400BadRequest,
            RefusalKind.NotFound => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status409Conflict,
        },
        title: refusal.Title,
        detail: refusal.Detail);

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
        string? source, string? since, string? limit, string? q, string? cursor, SourceStore sources, ItemStore items, CancellationToken cancellationToken)
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

        ItemCursor? after = null;
        if (!string.IsNullOrEmpty(cursor) && !ItemCursor.TryDecode(cursor, out after))
        {
            errors["cursor"] = ["Not a cursor this API gave out: pass the 'next' value of the previous page unchanged."];
        }

        if (!string.IsNullOrEmpty(source) && await sources.GetAsync(source, cancellationToken) is null)
        {
            errors["source"] = [$"No source has the id '{source}'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await items.QueryAsync(new ItemQuery(string.IsNullOrEmpty(source) ? null : source, sinceTime, count, q, after), cancellationToken);
        return TypedResults.Ok(new ItemsPage(page.Items.Select(ItemResponse.From).ToList(), page.Next?.Encode()));
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
