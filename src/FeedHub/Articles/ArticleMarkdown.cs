using FeedHub.Model;
using Markdig;

namespace FeedHub.Articles;

/// <summary>The one Markdown pipeline every article goes through, from a file or from the store, so both render alike.</summary>
public static class ArticleMarkdown
{
    // Raw HTML in Markdown is shown as text: article bodies never carry scripts or forms.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions()
        .DisableHtml()
        .Build();

    public static string ToHtml(string markdown) => Markdown.ToHtml(markdown, Pipeline).Trim();

    /// <summary>The article as published, its body rendered like a file's. A scheduled article carries the date it will be published with.</summary>
    /// <param name="bodyHtml">The body already rendered from this <see cref="StoredArticle.Markdown"/>, if it was.</param>
    public static Article ToArticle(this StoredArticle stored, string? bodyHtml = null) => new()
    {
        Slug = stored.Slug,
        Title = stored.Title,
        Summary = stored.Summary,
        Published = stored.Published ?? stored.PublishAt!.Value,
        Updated = stored.Published is null ? stored.PublishAt!.Value : stored.Updated ?? stored.Published.Value,
        Authors = stored.Authors,
        Tags = stored.Tags,
        Rights = stored.Rights,
        Ai = stored.Ai,
        Sources = stored.Sources,
        Markdown = stored.Markdown,
        BodyHtml = bodyHtml ?? ToHtml(stored.Markdown),
        Origin = ArticleOrigin.Api,
    };
}
