using FeedHub.Articles;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FeedHub.Admin;

/// <summary>
/// Own articles through the admin API: every article, file or API, can be read; those written
/// through the API are created, changed, scheduled and deleted here. A file article is changed in its file.
/// </summary>
internal static class ArticleEndpoints
{
    public static RouteGroupBuilder MapArticles(this RouteGroupBuilder api)
    {
        api.MapGet("/articles", List);
        api.MapGet("/articles/{slug}", Get);
        api.MapPost("/articles", CreateAsync);
        api.MapPut("/articles/{slug}", UpdateAsync);
        api.MapDelete("/articles/{slug}", DeleteAsync);
        return api;
    }

    /// <summary>Every article, scheduled ones (latest first) before published ones (newest first), and the files that cannot be published.</summary>
    private static Ok<ArticlesPage> List(ArticleLibrary library, IOptions<FeedHubOptions> hub)
    {
        var current = library.Current;
        var articles = current.Scheduled.Reverse().Select(a => ArticleResponse.From(a, scheduled: true, hub.Value.PublicBaseUrl))
            .Concat(current.Articles.Select(a => ArticleResponse.From(a, scheduled: false, hub.Value.PublicBaseUrl)))
            .ToList();
        var errors = current.Errors.Select(e => new ArticleFileError(Path.GetFileName(e.FilePath), e.Line, e.Problem)).ToList();
        return TypedResults.Ok(new ArticlesPage(articles, errors));
    }

    private static Results<Ok<ArticleResponse>, ProblemHttpResult> Get(string slug, ArticleLibrary library, IOptions<FeedHubOptions> hub) =>
        Response(library.Current, slug, hub.Value) is { } article ? TypedResults.Ok(article) : UnknownArticle(slug);

    /// <summary>Writes a new article: published now, at <c>published</c> (a date past), or scheduled for <c>publishAt</c>.</summary>
    private static async Task<Results<Created<ArticleResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        ArticleRequest request, ArticleLibrary library, ArticleStore store, TimeProvider time, IOptions<FeedHubOptions> hub, CancellationToken cancellationToken)
    {
        var problems = new List<ArticleProblem>();
        var article = request.Validate(time.GetUtcNow(), current: null, problems);
        if (article is null)
        {
            return Invalid(problems);
        }

        if (library.Current.Find(article.Slug) is { Origin: ArticleOrigin.File } file)
        {
            return SlugTaken(article.Slug, $"The article in {Path.GetFileName(file.Path)} has the slug '{article.Slug}'.");
        }

        if (!await store.CreateAsync(article, cancellationToken))
        {
            return SlugTaken(article.Slug, $"An article with the slug '{article.Slug}' exists.");
        }

        // The change is committed: the articles are read again even if the client has gone.
        var current = await library.ReloadAsync(CancellationToken.None);
        return TypedResults.Created($"/api/articles/{article.Slug}", Response(current, article.Slug, hub.Value));
    }

    /// <summary>Replaces an article written through the API; a scheduled one can be moved, or published now by leaving out <c>publishAt</c>.</summary>
    private static async Task<Results<Ok<ArticleResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string slug, ArticleRequest request, ArticleLibrary library, ArticleStore store, TimeProvider time, IOptions<FeedHubOptions> hub, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(slug, cancellationToken);
        if (stored is null)
        {
            return library.Current.Find(slug) is { Origin: ArticleOrigin.File } file ? WrittenInAFile(file) : UnknownArticle(slug);
        }

        var problems = new List<ArticleProblem>();
        var article = request.Validate(time.GetUtcNow(), stored, problems);
        if (article is null)
        {
            return Invalid(problems);
        }

        if (!await store.UpdateAsync(article, cancellationToken))
        {
            return UnknownArticle(slug);
        }

        // The change is committed: the articles are read again even if the client has gone.
        var current = await library.ReloadAsync(CancellationToken.None);
        return TypedResults.Ok(Response(current, slug, hub.Value));
    }

    /// <summary>Deletes an article written through the API, published or scheduled; its schedule goes with it.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string slug, ArticleLibrary library, ArticleStore store, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(slug, cancellationToken))
        {
            return library.Current.Find(slug) is { Origin: ArticleOrigin.File } file ? WrittenInAFile(file) : UnknownArticle(slug);
        }

        await library.ReloadAsync(CancellationToken.None);
        return TypedResults.NoContent();
    }

    private static ArticleResponse? Response(ArticleSet set, string slug, FeedHubOptions hub) =>
        set.Articles.FirstOrDefault(a => a.Slug == slug) is { } published ? ArticleResponse.From(published, scheduled: false, hub.PublicBaseUrl)
        : set.Scheduled.FirstOrDefault(a => a.Slug == slug) is { } scheduled ? ArticleResponse.From(scheduled, scheduled: true, hub.PublicBaseUrl)
        : null;

    private static ValidationProblem Invalid(List<ArticleProblem> problems) =>
        TypedResults.ValidationProblem(problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()));

    private static ProblemHttpResult SlugTaken(string slug, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The slug '{slug}' is taken", detail: detail);

    /// <summary>A file article is changed in its file: through the API the change would be lost at the next reading of the folder.</summary>
    private static ProblemHttpResult WrittenInAFile(Article article) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Written in a file",
            detail: $"'{article.Slug}' is read from {Path.GetFileName(article.Path)} in FeedHub:ArticlesPath; change the file.");

    private static ProblemHttpResult UnknownArticle(string slug) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown article", detail: $"No article has the slug '{slug}'.");
}
