using System.Diagnostics.CodeAnalysis;
using FeedHub.Articles;
using FeedHub.Model;
using FeedHub.Polling.Push;
using FeedHub.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin.Dashboard;

/// <summary>
/// The operator dashboard under <c>/admin</c>: server-rendered pages over the same operations as the
/// admin API. Every form carries an antiforgery token; every change answers with a redirect back
/// (so reloading never repeats it) or, when refused, with the page and the reason.
/// </summary>
internal static class DashboardEndpoints
{
    private const int ItemsPerPage = 50;

    /// <summary>
    /// Kestrel's limit on a request line: a return address longer than this cannot be a page the
    /// operator was headed to (asked for, it is refused with 414), and as a Location no client reads it.
    /// </summary>
    private const int MaxReturnUrlLength = 8 * 1024;

    public static IApplicationBuilder UseDashboard(this IApplicationBuilder app) =>
        app.UseAuthentication().UseAuthorization().UseAntiforgery().Use(RefuseForgedFormsAsync).UseRateLimiter();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var pages = endpoints.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/admin/dashboard.css", Stylesheet);
        pages.MapGet("/admin/sign-in", SignInForm);
        pages.MapPost("/admin/sign-in", SignInAsync);

        var admin = pages.MapGroup("").RequireAuthorization(DashboardAuthentication.Policy).WithMetadata(new RequireAntiforgeryTokenAttribute());
        admin.MapPost("/admin/sign-out", (Delegate)SignOutAsync);
        admin.MapGet("/admin", SourcesAsync);
        admin.MapPost("/admin/sources", AddSourceAsync);
        admin.MapGet("/admin/sources/{id}", SourceAsync);
        admin.MapPost("/admin/sources/{id}/poll", PollAsync);
        admin.MapPost("/admin/sources/{id}/pause", PauseAsync);
        admin.MapPost("/admin/sources/{id}/resume", ResumeAsync);
        admin.MapPost("/admin/sources/{id}/schedule", ChangeScheduleAsync);
        admin.MapGet("/admin/sources/{id}/delete", ConfirmDeleteAsync);
        admin.MapPost("/admin/sources/{id}/delete", DeleteAsync);
        admin.MapGet("/admin/items", ItemsAsync);
        admin.MapGet("/admin/articles", Articles);
        admin.MapGet("/admin/websub", WebSubAsync);
        admin.MapPost("/admin/websub/subscriptions/{id:long}/end", EndSubscriptionAsync);
        return endpoints;
    }

    /// <summary>
    /// The antiforgery middleware only records a failed check: an action without form fields (pause,
    /// poll) would run, and one that binds form fields (add, schedule, sign in) would throw, a 500.
    /// Every form whose token failed is refused here, before either, in the same words.
    /// </summary>
    private static async Task RefuseForgedFormsAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } failed)
        {
            // A form the reader cannot parse (a field past its limits, broken encoding) fails its token
            // check too; for that one, reloading would not help.
            var unreadable = Causes(failed.Error).OfType<InvalidDataException>().FirstOrDefault();
            await (unreadable is null
                ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form has expired", detail: "Reload the page and send the form again.")
                : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form cannot be read", detail: unreadable.Message))
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static IEnumerable<Exception> Causes(Exception? error)
    {
        for (var cause = error; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }

    private static readonly Lazy<string> Css = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("FeedHub.Admin.Dashboard.dashboard.css")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static ContentHttpResult Stylesheet() => TypedResults.Text(Css.Value, "text/css; charset=utf-8");

    // Handlers that answer with a page say IResult, not RazorComponentResult<TView>: the request
    // delegate generator cannot see the types the Razor generator makes, and pages need no typed-result metadata.
    [SuppressMessage("Performance", "CA1859:Use concrete types when possible for improved performance", Justification = "The request delegate generator cannot name a Razor component type; see above.")]
    private static IResult SignInForm(string? returnUrl, IOptionsMonitor<AdminOptions> options) =>
        View<SignInView>(new() { ["ReturnUrl"] = returnUrl, ["Disabled"] = string.IsNullOrEmpty(options.CurrentValue.ApiKey) });

    private static async Task<IResult> SignInAsync([FromForm] string? key, [FromForm] string? returnUrl, HttpContext context, IOptionsMonitor<AdminOptions> options, KeyGuesses guesses)
    {
        if (guesses.Exhausted(context.Connection.RemoteIpAddress))
        {
            context.Response.Headers.RetryAfter = "60";
            return TypedResults.StatusCode(StatusCodes.Status429TooManyRequests);
        }

        var configured = options.CurrentValue.ApiKey;
        if (string.IsNullOrEmpty(configured) || string.IsNullOrEmpty(key) || !AdminKey.Matches(key, configured))
        {
            guesses.Wrong(context.Connection.RemoteIpAddress);
            return View<SignInView>(
                new() { ["ReturnUrl"] = returnUrl, ["Disabled"] = string.IsNullOrEmpty(configured), ["Error"] = "That is not the admin key." },
                StatusCodes.Status401Unauthorized);
        }

        await context.SignInAsync(DashboardAuthentication.Scheme, DashboardAuthentication.Session(configured));
        return Back(IsDashboardUrl(returnUrl) ? returnUrl! : "/admin");
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await DashboardAuthentication.SignOutAsync(context);
        return Back("/admin/sign-in");
    }

    private static async Task<IResult> SourcesAsync(
        string? q, string? health, string? sort, string? desc, string? done, string? source, DashboardPages pages, CancellationToken cancellationToken)
    {
        var table = SourcesViewModel.From(await pages.Catalog.ListAsync(behind: null, cancellationToken), q, health, sort, bool.TryParse(desc, out var descending) && descending);
        return View<SourcesView>(new() { ["Table"] = table, ["Now"] = pages.Now, ["Notice"] = Notice(done, source) });
    }

    private static async Task<IResult> AddSourceAsync(
        [FromForm] string? url, [FromForm] string? id, [FromForm] string? title, [FromForm] string? schedule, [FromForm] string? tags,
        DashboardPages pages, CancellationToken cancellationToken)
    {
        var request = new SourceRequest(id, title, url, schedule, [.. (tags ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)], null);
        var outcome = await pages.Catalog.CreateAsync(request, cancellationToken);
        if (outcome.Value is { } created)
        {
            return Back($"/admin/sources/{created.Id}?done=added");
        }

        var table = SourcesViewModel.From(await pages.Catalog.ListAsync(behind: null, cancellationToken), null, null, null, false);
        return View<SourcesView>(new() { ["Table"] = table, ["Now"] = pages.Now, ["Adding"] = request, ["Errors"] = Errors(outcome.Refusal!) }, StatusOf(outcome.Refusal!));
    }

    private static Task<IResult> SourceAsync(string id, string? done, DashboardPages pages, CancellationToken cancellationToken) =>
        SourcePageAsync(pages, id, new() { ["Notice"] = Notice(done, id) }, StatusCodes.Status200OK, cancellationToken);

    private static async Task<IResult> PollAsync(string id, DashboardPages pages, CancellationToken cancellationToken) =>
        await AfterAsync(pages, id, await pages.Catalog.PollNowAsync(id, cancellationToken), "polled", cancellationToken);

    private static async Task<IResult> PauseAsync(string id, DashboardPages pages, CancellationToken cancellationToken) =>
        await AfterAsync(pages, id, await pages.Catalog.SetStatusAsync(id, SourceStatus.Paused, cancellationToken), "paused", cancellationToken);

    private static async Task<IResult> ResumeAsync(string id, DashboardPages pages, CancellationToken cancellationToken) =>
        await AfterAsync(pages, id, await pages.Catalog.SetStatusAsync(id, SourceStatus.Active, cancellationToken), "resumed", cancellationToken);

    /// <summary>Changes the schedule of a source made through the API or the dashboard; the new one takes effect at once.</summary>
    private static async Task<IResult> ChangeScheduleAsync(string id, [FromForm] string? schedule, DashboardPages pages, CancellationToken cancellationToken)
    {
        if (await pages.Catalog.GetAsync(id, cancellationToken) is not { } current)
        {
            return NotFound(id);
        }

        var request = new SourceRequest(id, current.Title, current.Url, schedule, [.. current.Tags], current.License.ToString());
        var outcome = await pages.Catalog.UpdateAsync(id, request, cancellationToken);
        return outcome.Refusal is not { } refusal
            ? Back($"/admin/sources/{id}?done=scheduled")
            : await SourcePageAsync(pages, id, new() { ["Errors"] = Errors(refusal), ["ScheduleValue"] = schedule }, StatusOf(refusal), cancellationToken);
    }

    private static async Task<IResult> ConfirmDeleteAsync(string id, DashboardPages pages, CancellationToken cancellationToken)
    {
        if (await pages.Catalog.GetAsync(id, cancellationToken) is not { } source)
        {
            return NotFound(id);
        }

        return View<DeleteSourceView>(new() { ["Source"] = source, ["Items"] = await pages.Items.CountAsync(id, cancellationToken) });
    }

    private static async Task<IResult> DeleteAsync(string id, DashboardPages pages, CancellationToken cancellationToken)
    {
        var outcome = await pages.Catalog.DeleteAsync(id, cancellationToken);
        return outcome.Refusal is not { } refusal
            ? Back($"/admin?done=deleted&source={Uri.EscapeDataString(id)}")
            : await SourcePageAsync(pages, id, new() { ["Errors"] = Errors(refusal) }, StatusOf(refusal), cancellationToken);
    }

    private static async Task<IResult> ItemsAsync(string? q, string? source, string? cursor, DashboardPages pages, CancellationToken cancellationToken)
    {
        var after = cursor is not null && ItemCursor.TryDecode(cursor, out var parsed) ? parsed : null;
        var page = await pages.Items.QueryAsync(new ItemQuery(string.IsNullOrWhiteSpace(source) ? null : source, null, ItemsPerPage, q, after), cancellationToken);
        return View<ItemsView>(new()
        {
            ["Page"] = page,
            ["Query"] = q,
            ["Source"] = source,
            ["Sources"] = await pages.Catalog.ListAsync(behind: null, cancellationToken),
        });
    }

    [SuppressMessage("Performance", "CA1859:Use concrete types when possible for improved performance", Justification = "The request delegate generator cannot name a Razor component type; see above.")]
    private static IResult Articles(ArticleLibrary articles, TimeProvider time) =>
        View<ArticlesView>(new() { ["Articles"] = articles.Current, ["Now"] = time.GetUtcNow() });

    private static async Task<IResult> WebSubAsync(
        string? done, WebSubStore hub, UpstreamSubscriber subscriber, IOptions<PushOptions> websub, IOptions<FeedHubOptions> feedHub,
        DashboardPages pages, CancellationToken cancellationToken) =>
        View<WebSubView>(new()
        {
            ["Subscribers"] = (await hub.ListActiveAsync(pages.Now, cancellationToken)).Select(SubscriptionResponse.From).ToList(),
            ["Upstream"] = await pages.Catalog.ListUpstreamSubscriptionsAsync(cancellationToken),
            ["CannotSubscribe"] = websub.Value.CannotSubscribe(feedHub.Value.PublicBaseUrl),
            ["Notice"] = done == "ended" ? "The subscription is ended and its waiting delivery dropped; the subscriber was not asked." : null,
            ["Now"] = pages.Now,
        });

    /// <summary>Ends a subscriber's subscription at once (an abusive or dead callback); gone already is no error.</summary>
    private static async Task<IResult> EndSubscriptionAsync(long id, WebSubStore hub, CancellationToken cancellationToken)
    {
        await hub.DeleteAsync(id, cancellationToken);
        return Back("/admin/websub?done=ended");
    }

    /// <summary>After a change to a source: on to its page with a notice, or its page again with the reason it was refused.</summary>
    private static async Task<IResult> AfterAsync<T>(DashboardPages pages, string id, CatalogResult<T> outcome, string done, CancellationToken cancellationToken)
        where T : class =>
        outcome.Refusal is not { } refusal
            ? Back($"/admin/sources/{id}?done={done}")
            : await SourcePageAsync(pages, id, new() { ["Errors"] = Errors(refusal) }, StatusOf(refusal), cancellationToken);

    private static async Task<IResult> SourcePageAsync(
        DashboardPages pages, string id, Dictionary<string, object?> parameters, int status, CancellationToken cancellationToken)
    {
        if (await pages.Catalog.GetAsync(id, cancellationToken) is not { } source)
        {
            return NotFound(id);
        }

        parameters["Source"] = source;
        parameters["Now"] = pages.Now;
        parameters["Fetches"] = (await pages.FetchLog.ListAsync(id, 50, cancellationToken)).Select(FetchResponse.From).ToList();
        parameters["Items"] = (await pages.Items.QueryAsync(new ItemQuery(id, null, 20), cancellationToken)).Items;
        return View<SourceView>(parameters, status);
    }

    private static RazorComponentResult<NotFoundView> NotFound(string id) =>
        View<NotFoundView>(new() { ["What"] = $"No source has the id '{id}'." }, StatusCodes.Status404NotFound);

    private static int StatusOf(CatalogRefusal refusal) => refusal.Kind switch
    {
        RefusalKind.Invalid => StatusCodes.Status400BadRequest,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status409Conflict,
    };

    private static Dictionary<string, string[]> Errors(CatalogRefusal refusal) =>
        refusal.Errors is { } errors ? new(errors) : new() { [string.Empty] = [$"{refusal.Title}: {refusal.Detail}"] };

    /// <summary>What the last change did, named by a code and a source id, so that a link cannot put words on the page.</summary>
    private static string? Notice(string? done, string? source) => !Slug.IsValid(source) ? null : (done, source) switch
    {
        ("added", { } id) => $"Added {id}; its first poll is under way.",
        ("polled", { } id) => $"A poll of {id} is queued; its result appears in the history below.",
        ("paused", { } id) => $"Paused {id}; it is not polled until resumed.",
        ("resumed", { } id) => $"Resumed {id}; it is back on its schedule.",
        ("scheduled", { } id) => $"The new schedule of {id} is in effect.",
        ("deleted", { } id) => $"Deleted {id}, its items and its fetch history.",
        _ => null,
    };

    /// <summary>After a change, the browser is sent on with a GET, so reloading does not repeat it.</summary>
    private static RedirectHttpResult Back(string url) => TypedResults.Redirect(url);

    /// <summary>
    /// A return address the sign-in sends the operator on to: a path in the dashboard, written as a
    /// request target is written (visible ASCII; the redirect to the sign-in escapes it so), because it
    /// goes into the Location header as it is, and a control or non-ASCII character there fails the response.
    /// </summary>
    private static bool IsDashboardUrl(string? url) =>
        url is not null && url.Length <= MaxReturnUrlLength && !url.AsSpan().ContainsAnyExceptInRange('!', '~')
        && url.StartsWith("/admin", StringComparison.Ordinal) && !url.Contains("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal);

    private static RazorComponentResult<TView> View<TView>(Dictionary<string, object?> parameters, int status = StatusCodes.Status200OK)
        where TView : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TView>(parameters) { StatusCode = status };
}

/// <summary>What the dashboard's pages read from.</summary>
internal sealed class DashboardPages(SourceCatalog catalog, FetchLogStore fetchLog, ItemStore items, TimeProvider time)
{
    public SourceCatalog Catalog => catalog;

    public FetchLogStore FetchLog => fetchLog;

    public ItemStore Items => items;

    public DateTimeOffset Now => time.GetUtcNow();
}
