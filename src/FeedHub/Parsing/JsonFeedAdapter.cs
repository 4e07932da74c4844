using System.Net;
using CodeHollow.FeedReader;
using CodeHollow.FeedReader.Feeds;
using FeedHub.Markup;
using FeedHub.Model;

namespace FeedHub.Parsing;

/// <summary>
/// Maps a JSON Feed, as CodeHollow.FeedReader reads it, into FeedHub's model. JSON escapes can carry
/// characters XML cannot; text that skips the markup readers (which drop them) is made XML text here.
/// </summary>
internal static class JsonFeedAdapter
{
    public static ParsedFeed Adapt(Feed feed, Uri documentUrl, HtmlCleaner cleaner)
    {
        var json = feed.SpecificFeed as JsonFeed;
        return new ParsedFeed
        {
            // Titles, names and tags are text in every format: markup in them is reduced to its text, as
            // in RSS, because many readers show an RSS title as HTML whatever format it came from.
            Title = HtmlText.PlainText(feed.Title),
            SiteUrl = XmlBase.Resolve(documentUrl, json?.HomePageUrl ?? feed.Link),
            Subtitle = json?.Description is { } description ? WebUtility.HtmlEncode(XmlText.Clean(description)) : null,
            Id = json?.FeedUrl,
            Self = XmlBase.Resolve(documentUrl, json?.FeedUrl),
            Hubs = [.. (json?.Hubs ?? []).Select(h => XmlBase.Resolve(documentUrl, h.Url)).OfType<string>().Distinct(StringComparer.Ordinal)],
            Items = feed.Items.Select(i => i.SpecificItem is JsonFeedItem item ? FromItem(item, documentUrl, cleaner) : null).OfType<Item>().ToList(),
        };
    }

    private static Item FromItem(JsonFeedItem json, Uri documentUrl, HtmlCleaner cleaner)
    {
        // Plain text keeps its line breaks when it becomes HTML.
        var contentHtml = json.ContentHtml ?? (json.ContentText is { } text ? WebUtility.HtmlEncode(text).ReplaceLineEndings("<br>") : null);
        return new Item
        {
            Guid = HtmlText.Fold(json.Id),
            Title = HtmlText.PlainText(json.Title),
            Link = XmlBase.Resolve(documentUrl, json.Url ?? json.ExternalUrl),
            Summary = json.Summary is { } summary ? WebUtility.HtmlEncode(XmlText.Clean(summary)) : null,
            ContentHtml = cleaner.Clean(contentHtml, documentUrl),
            Authors = (json.Authors ?? []).Select(a => new ItemAuthor(HtmlText.PlainText(a.Name), null, XmlBase.Resolve(documentUrl, a.Url))).ToList(),
            Categories = (json.Tags ?? []).Select(HtmlText.PlainText).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            Published = FeedDates.Parse(json.DatePublishedString),
            Updated = FeedDates.Parse(json.DateModifiedString),
            Enclosures = (json.Attachments ?? [])
                .Select(a => (Attachment: a, Url: XmlBase.Resolve(documentUrl, a.Url)))
                .Where(a => a.Url is not null)
                .Select(a => new ItemEnclosure(a.Url!, a.Attachment.MimeType, a.Attachment.SizeInBytes))
                .ToList(),
        };
    }
}
