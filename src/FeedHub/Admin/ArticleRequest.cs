using FeedHub.Articles;
using FeedHub.Model;

namespace FeedHub.Admin;

/// <summary>
/// An article as the admin API takes it: the fields of a file's front matter (checked by the same
/// <see cref="ArticleRules"/>), the Markdown <c>body</c>, and <c>publishAt</c> to schedule it.
/// Times are text so that a bad one is named, like any other field, rather than refused whole.
/// </summary>
internal sealed record ArticleRequest(
    string? Title,
    string? Slug,
    string? Summary,
    string? Body,
    string? Published,
    string? PublishAt,
    List<AuthorFields>? Authors,
    List<string>? Tags,
    string? Rights,
    AiFields? Ai,
    List<SourceFields>? Sources)
{
    /// <summary>The article to store, or null with the problems, each naming its field.</summary>
    /// <param name="current">The article as stored, when the request changes it; null when it creates one.</param>
    public StoredArticle? Validate(DateTimeOffset now, StoredArticle? current, List<ArticleProblem> problems)
    {
        var publishAt = ArticleRules.Time(PublishAt);
        if (PublishAt is not null && publishAt is null)
        {
            problems.Add(new("publishAt", $"publishAt '{PublishAt}' is not an ISO 8601 time, e.g. 2026-11-27T09:00:00Z."));
        }
        else if (publishAt is not null && current?.Published is { } publishedOn)
        {
            problems.Add(new("publishAt", $"'{current.Slug}' was published on {publishedOn:yyyy-MM-dd'T'HH:mm:ss'Z'}; a published article cannot be scheduled again."));
        }
        else if (publishAt <= now)
        {
            problems.Add(new("publishAt", $"publishAt '{PublishAt}' is not in the future; leave it out to publish now."));
        }

        if (Published is not null && PublishAt is not null)
        {
            problems.Add(new("published", "give published (a date in the past) or publishAt (a date to come), not both."));
        }
        else if (ArticleRules.Time(Published) > now)
        {
            problems.Add(new("published", $"published '{Published}' is in the future; give publishAt to schedule the article."));
        }

        if (current is not null && !string.IsNullOrWhiteSpace(Slug) && Slug.Trim() != current.Slug)
        {
            problems.Add(new("slug", $"the slug is the article's address and does not change ('{current.Slug}'); delete the article and create another."));
        }

        var fields = new ArticleFields
        {
            Title = Title,
            Slug = current?.Slug ?? Slug,
            Summary = Summary,
            Published = Published,
            Authors = Authors,
            Tags = Tags,
            Rights = Rights,
            Ai = Ai,
            Sources = Sources,
        };

        // Without a date of its own, an article is published now, or when it was first published.
        var article = ArticleRules.Build(fields, Body ?? string.Empty, fallbackSlug: null, publishAt ?? current?.Published ?? now, problems);
        if (article is null || problems.Count > 0)
        {
            return null;
        }

        var scheduled = publishAt is not null;
        return new StoredArticle
        {
            Slug = article.Slug,
            Title = article.Title,
            Summary = article.Summary,
            Markdown = article.Markdown,
            Authors = article.Authors,
            Tags = article.Tags,
            Rights = article.Rights,
            Ai = article.Ai,
            Sources = article.Sources,
            Published = scheduled ? null : article.Published,
            // A change readers can see moves "updated"; the first publication is its own.
            Updated = scheduled ? null : current?.Published is null ? article.Published : now,
            PublishAt = publishAt,
            CreatedAt = current?.CreatedAt ?? now,
            UpdatedAt = now,
        };
    }
}
