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
}
