using System.Text.Json.Serialization;

namespace FeedHub.Model;

/// <summary>One of the site's own articles, with the upstream stories it draws on.</summary>
public sealed record Article
{
    public required string Slug { get; init; }

    public required string Title { get; init; }

    public string? Summary { get; init; }

    public required DateTimeOffset Published { get; init; }

    public required DateTimeOffset Updated { get; init; }

    public IReadOnlyList<ItemAuthor> Authors { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Rights { get; init; }

    /// <summary>Whether, and how, an AI model generated the text; shown to readers and published.</summary>
    public AiDisclosure? Ai { get; init; }

    /// <summary>The upstream stories the article draws on.</summary>
    public IReadOnlyList<ArticleSource> Sources { get; init; } = [];

    /// <summary>The body as its author wrote it, in Markdown.</summary>
    public string Markdown { get; init; } = string.Empty;

    /// <summary>The body as HTML, rendered from <see cref="Markdown"/> (raw HTML in the Markdown is not passed through).</summary>
    public required string BodyHtml { get; init; }

    /// <summary>Where the article is written: a file in the articles folder, or the store, through the admin API.</summary>
    public ArticleOrigin Origin { get; init; } = ArticleOrigin.File;

    /// <summary>The file it was read from.</summary>
    public string? Path { get; init; }
}

/// <summary>Where an article is written, and so where it is changed.</summary>
public enum ArticleOrigin
{
    [JsonStringEnumMemberName("file")]
    File,

    [JsonStringEnumMemberName("api")]
    Api,
}

/// <param name="Model">The model that generated the text, e.g. "Claude".</param>
/// <param name="Statement">What readers are told, e.g. "Drafted by an AI model and edited by the desk."</param>
public sealed record AiDisclosure(bool Generated, string? Model, string? Statement);

/// <param name="Publisher">Who published the story ("TechCrunch").</param>
/// <param name="Feed">The publisher's feed the story came from, if known.</param>
public sealed record ArticleSource(string Title, string Url, string Publisher, string? Feed);
