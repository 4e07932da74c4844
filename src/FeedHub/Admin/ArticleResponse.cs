using System.Text.Json.Serialization;
using FeedHub.Model;

namespace FeedHub.Admin;

/// <summary>An own article as the admin API shows it: where it is written, whether it is out yet, and its fields.</summary>
/// <param name="Url">Its page on the site (answering 404 until it is published).</param>
/// <param name="File">The file it is written in, for a file article.</param>
/// <param name="Published">When it was published; null while it is scheduled.</param>
/// <param name="PublishAt">When it will be published, while it is scheduled.</param>
/// <param name="Body">The Markdown source.</param>
internal sealed record ArticleResponse(
    string Slug,
    string Title,
    string? Summary,
    ArticleOrigin Origin,
    ArticleState State,
    string Url,
    string? File,
    DateTimeOffset? Published,
    DateTimeOffset? Updated,
    DateTimeOffset? PublishAt,
    IReadOnlyList<ItemAuthor> Authors,
    IReadOnlyList<string> Tags,
    string? Rights,
    AiDisclosure? Ai,
    IReadOnlyList<ArticleSource> Sources,
    string Body)
{
    public static ArticleResponse From(Article article, bool scheduled, Uri publicBaseUrl) => new(
        article.Slug,
        article.Title,
        article.Summary,
        article.Origin,
        scheduled ? ArticleState.Scheduled : ArticleState.Published,
        new Uri(publicBaseUrl, $"articles/{article.Slug}").AbsoluteUri,
        article.Path is null ? null : Path.GetFileName(article.Path),
        scheduled ? null : article.Published,
        scheduled ? null : article.Updated,
        scheduled ? article.Published : null,
        article.Authors,
        article.Tags,
        article.Rights,
        article.Ai,
        article.Sources,
        article.Markdown);
}

internal enum ArticleState
{
    [JsonStringEnumMemberName("published")]
    Published,

    [JsonStringEnumMemberName("scheduled")]
    Scheduled,
}

/// <param name="Errors">The files in the articles folder that cannot be published, with where and why.</param>
internal sealed record ArticlesPage(IReadOnlyList<ArticleResponse> Articles, IReadOnlyList<ArticleFileError> Errors);

internal sealed record ArticleFileError(string File, int Line, string Problem);
