
namespace FeedHub.Model;

/// <summary>
/// An article written through the admin API, as the store keeps it: the Markdown source and either
/// when it was published or when it is to be.
/// </summary>
public sealed record StoredArticle
{
    public required string Slug { get; init; }

    public required string Title { get; init; }

    public string? Summary { get; init; }

    public required string Markdown { get; init; }

    public IReadOnlyList<ItemAuthor> Authors { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Rights { get; init; }

    public AiDisclosure? Ai { get; init; }

    public IReadOnlyList<ArticleSource> Sources { get; init; } = [];

    /// <summary>When it was published; null while it is scheduled.</summary>
    public DateTimeOffset? Published { get; init; }

    /// <summary>When readers last saw it change; null while it is scheduled.</summary>
    public DateTimeOffset? Updated { get; init; }

    /// <summary>When it is to be published; null once it is.</summary>
    public DateTimeOffset? PublishAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
