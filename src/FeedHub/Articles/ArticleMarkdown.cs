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

    /// <summary>The deepest nesting of lists and quotes a body may have; real articles use two or three.</summary>
    public const int MaxNesting = 32;

    public static string ToHtml(string markdown) => Markdown.ToHtml(markdown, Pipeline).Trim();

    /// <summary>
    /// Why a body nests lists or quotes too deep to be rendered in bounded time, or null. Markdig's
    /// work grows with the square of the depth (3,000 levels took 51 s before it gave up), so depth is
    /// judged before it parses: by the quote and list markers a line opens, and by its indentation,
    /// which is how a nested list is written.
    /// </summary>
    public static string? TooDeep(string markdown)
    {
        var number = 0;
        foreach (var line in markdown.AsSpan().EnumerateLines())
        {
            number++;
            var (depth, indent) = (0, 0);
            var i = 0;
            while (i < line.Length)
            {
                if (line[i] is ' ' or '\t')
                {
                    indent += line[i] == '\t' ? 4 : 1;
                    i++;
                }
                else if (line[i] == '>')
                {
                    depth++;
                    i++;
                }
                else if (ListMarker(line[i..]) is > 0 and var marker)
                {
                    depth++;
                    i += marker;
                }
                else
                {
                    break;
                }
            }

            if (depth > MaxNesting || indent > 4 * MaxNesting)
            {
                return $"body: line {number} nests lists or quotes deeper than {MaxNesting} levels.";
            }
        }

        return null;
    }

    /// <summary>The length of the list marker a line continues with ("-", "*", "+", "1." or "1)", then a space or the end), or 0.</summary>
    private static int ListMarker(ReadOnlySpan<char> rest)
    {
        var length = rest.Length > 0 && rest[0] is '-' or '*' or '+' ? 1 : 0;
        if (length == 0)
        {
            var digits = 0;
            while (digits < rest.Length && digits < 9 && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            length = digits > 0 && digits < rest.Length && rest[digits] is '.' or ')' ? digits + 1 : 0;
        }

        return length > 0 && (length == rest.Length || rest[length] is ' ' or '\t') ? length : 0;
    }

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
