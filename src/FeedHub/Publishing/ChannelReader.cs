using System.Net;
using FeedHub.Articles;
using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing;

/// <summary>
/// Gathers a channel's entries: own articles with their visible attribution, and stored items
/// republished as far as each source's licence allows, with where they came from.
/// </summary>
internal sealed class ChannelReader(ArticleLibrary articles, SourceStore sources, ItemStore items, HtmlCleaner cleaner, IOptions<FeedHubOptions> hub)
{
    private const int ExcerptLength = 280;

    public async Task<PublishedChannel> ReadAsync(ChannelOptions channel, CancellationToken cancellationToken)
    {
        var entries = new List<ChannelEntry>();
        if (channel.Articles)
        {
            entries.AddRange(articles.Current.Articles.Take(channel.Limit).Select(FromArticle));
        }

        if (channel.IncludesItems)
        {
            var chosen = (await sources.ListAsync(cancellationToken))
                .Where(s => channel.Sources.Contains("*") || channel.Sources.Contains(s.Id)
                    || s.Tags.Any(t => channel.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)))
                .ToDictionary(s => s.Id);

            // Keyword channels read a wider window so that a filter still fills the limit.
            var window = channel.Keywords.Count > 0 ? channel.Limit * 5 : channel.Limit;
            var stored = await items.NewestOfSourcesAsync(chosen.Keys, window, cancellationToken);
            entries.AddRange(stored.Where(i => Mentions(i.Item, channel.Keywords)).Take(channel.Limit).Select(i => FromItem(i, chosen[i.SourceId])));
        }

        var newest = entries.OrderByDescending(e => e.Published).ThenBy(e => e.Id, StringComparer.Ordinal).Take(channel.Limit).ToList();

        // An empty channel has no time of its own; the epoch keeps its document (and ETag) stable.
        var updated = newest.Count == 0 ? DateTimeOffset.UnixEpoch : newest.Max(e => e.Updated);
        return new PublishedChannel(channel, newest, updated);
    }

    private ChannelEntry FromArticle(Article article) => new()
    {
        Id = TagUri(article.Published, $"/articles/{article.Slug}"),
        Title = article.Title,
        Link = PublicUrl($"articles/{article.Slug}"),
        Published = article.Published,
        Updated = article.Updated,
        Authors = article.Authors,
        Categories = article.Tags,
        SummaryHtml = article.Summary is null ? null : WebUtility.HtmlEncode(article.Summary),
        ContentHtml = cleaner.Clean(ArticleHtml.WithAttribution(article), new Uri(PublicUrl($"articles/{article.Slug}"))),
        Via = article.Sources,
        Rights = article.Rights,
        Ai = article.Ai,
    };

    private ChannelEntry FromItem(StoredItem stored, Source source)
    {
        var item = stored.Item;
        var published = item.Published ?? item.Updated ?? stored.FirstSeenAt;
        var (summary, content) = source.License switch
        {
            LicensePolicy.Full => (item.Summary, item.ContentHtml),
            LicensePolicy.Excerpt => (Excerpt(item.Summary ?? item.ContentHtml), null),
            _ => ((string?)null, (string?)null),
        };

        return new ChannelEntry
        {
            Id = TagUri(stored.FirstSeenAt, $"/items/{stored.Id}"),
            Title = item.Title ?? item.Link ?? source.DisplayTitle,
            Link = item.Link ?? source.SiteUrl ?? source.Url,
            Published = published,
            Updated = item.Updated is { } updated && updated > published ? updated : published,

            // Who wrote it is never lost: without named authors, the publisher is the author.
            Authors = item.Authors.Count > 0 ? item.Authors : [new ItemAuthor(source.DisplayTitle, null, source.SiteUrl)],
            Categories = item.Categories,
            SummaryHtml = summary,
            ContentHtml = content,
            Enclosures = source.License == LicensePolicy.LinkOnly ? [] : item.Enclosures,
            Source = new EntrySource(source.Url, source.DisplayTitle, source.SiteUrl, source.Url, source.State.LastSuccessAt, source.License),
        };
    }

    private static bool Mentions(Item item, List<string> keywords) =>
        keywords.Count == 0 || keywords.Any(k =>
            (item.Title?.Contains(k, StringComparison.OrdinalIgnoreCase) ?? false)
            || (item.Summary?.Contains(k, StringComparison.OrdinalIgnoreCase) ?? false)
            || (item.ContentHtml?.Contains(k, StringComparison.OrdinalIgnoreCase) ?? false));

    /// <summary>The opening words of an item as plain text, cut at a word boundary.</summary>
    private static string? Excerpt(string? html)
    {
        var text = FeedText.PlainText(html);
        if (text is null)
        {
            return null;
        }

        if (text.Length > ExcerptLength)
        {
            var cut = text.LastIndexOf(' ', ExcerptLength);
            text = text[..(cut > ExcerptLength / 2 ? cut : ExcerptLength)].TrimEnd(',', ';', ':', ' ') + "…";
        }

        return WebUtility.HtmlEncode(text);
    }

    /// <summary>A tag URI (RFC 4151) under the site's own host, fixed by a date and a path that never change.</summary>
    private string TagUri(DateTimeOffset date, string path) =>
        $"tag:{hub.Value.PublicBaseUrl.Host},{date.UtcDateTime:yyyy-MM-dd}:{path}";

    private string PublicUrl(string relative) => new Uri(hub.Value.PublicBaseUrl, relative).AbsoluteUri;
}
