using System.Net;
using System.Xml.Linq;
using CodeHollow.FeedReader;
using CodeHollow.FeedReader.Feeds;
using FeedHub.Model;
using static FeedHub.Parsing.FeedNamespaces;

namespace FeedHub.Parsing;

/// <summary>
/// Maps CodeHollow.FeedReader's format types into FeedHub's item model, so that no format type
/// leaks past Parsing. The library finds the items and their fields; where it is wrong (it decodes
/// HTML twice in Atom content and content:encoded, reads zone-less dates as local time, ignores
/// <c>xml:base</c> and <c>dc:creator</c> in RSS 2.0, drops Atom <c>type</c>), the raw element is read here.
/// </summary>
internal static class CodeHollowAdapter
{
    public static ParsedFeed Adapt(Feed feed, Uri documentUrl, HtmlCleaner cleaner)
    {
        var feedElement = feed.SpecificFeed?.Element;
        var feedBase = XmlBase.For(feedElement, documentUrl);
        var feedAuthors = feed.SpecificFeed is AtomFeed ? AtomAuthors(feedElement, documentUrl) : [];

        var items = feed.Items
            .Select(item => item.SpecificItem switch
            {
                AtomFeedItem atom => FromAtom(atom, documentUrl, feedAuthors, cleaner),
                JsonFeedItem json => FromJson(json, item, documentUrl, cleaner),
                _ => FromRss(item, documentUrl, cleaner),
            })
            .ToList();

        var title = feed.SpecificFeed is AtomFeed ? AtomPlainText(feedElement?.Element(feedElement.Name.Namespace + "title")) : FeedText.PlainText(feed.Title);
        return new ParsedFeed(title, XmlBase.Resolve(feedBase, feed.Link), items);
    }

    private static Item FromAtom(AtomFeedItem atom, Uri documentUrl, IReadOnlyList<ItemAuthor> feedAuthors, HtmlCleaner cleaner)
    {
        var entry = atom.Element;
        var ns = entry.Name.Namespace;
        var itemBase = XmlBase.For(entry, documentUrl);
        var links = entry.Elements(ns + "link")
            .Select(l => (Element: l, Rel: (string?)l.Attribute("rel") ?? "alternate", Href: XmlBase.Resolve(XmlBase.For(l, documentUrl), (string?)l.Attribute("href"))))
            .Where(l => l.Href is not null)
            .ToList();
        var alternate = links.FirstOrDefault(l => l.Rel == "alternate" && ((string?)l.Element.Attribute("type"))?.Contains("html", StringComparison.OrdinalIgnoreCase) != false);
        var contentElement = entry.Element(ns + "content");
        var content = contentElement?.Attribute("src") is null ? AtomHtml(contentElement) : null;
        var authors = AtomAuthors(entry, documentUrl);

        return new Item
        {
            Guid = FeedText.Fold(atom.Id),
            Title = AtomPlainText(entry.Element(ns + "title")),
            Link = alternate.Href ?? links.FirstOrDefault(l => l.Rel == "alternate").Href,
            Summary = cleaner.Clean(AtomHtml(entry.Element(ns + "summary")), itemBase),
            ContentHtml = cleaner.Clean(content, XmlBase.For(contentElement, documentUrl)),
            Authors = authors.Count > 0 ? authors : feedAuthors,
            Categories = Distinct(atom.Categories),
            Published = FeedDates.Parse(atom.PublishedDateString),
            Updated = FeedDates.Parse(atom.UpdatedDateString),
            Enclosures = links
                .Where(l => l.Rel == "enclosure")
                .Select(l => new ItemEnclosure(l.Href!, (string?)l.Element.Attribute("type"), ParseLength((string?)l.Element.Attribute("length"))))
                .ToList(),
        };
    }

    /// <summary>RSS 0.9x, 1.0 and 2.0, including the library's Media RSS variant of 2.0.</summary>
    private static Item FromRss(FeedItem item, Uri documentUrl, HtmlCleaner cleaner)
    {
        var element = item.SpecificItem.Element;
        var ns = element.Name.Namespace;
        var itemBase = XmlBase.For(element, documentUrl);

        var guidElement = element.Element(ns + "guid");
        var guid = FeedText.Fold(guidElement?.Value) ?? FeedText.Fold((string?)element.Attribute(Rdf + "about"));

        // A permalink guid is the item's link when the item has none (RSS 2.0: isPermaLink defaults to true).
        var guidIsPermalink = guidElement is not null && !string.Equals((string?)guidElement.Attribute("isPermaLink"), "false", StringComparison.OrdinalIgnoreCase);
        var link = XmlBase.Resolve(itemBase, element.Element(ns + "link")?.Value)
            ?? (guidIsPermalink ? XmlBase.Resolve(itemBase, guid) : null);

        var description = element.Element(ns + "description")?.Value;
        var encoded = element.Element(Content + "encoded")?.Value;

        return new Item
        {
            Guid = guid,
            Title = FeedText.PlainText(element.Element(ns + "title")?.Value ?? element.Element(Dc + "title")?.Value),
            Link = link,
            Summary = cleaner.Clean(description, itemBase),
            ContentHtml = cleaner.Clean(encoded, itemBase),
            Authors = RssAuthors(element),
            Categories = Distinct(element.Elements(ns + "category").Select(c => c.Value).Concat(element.Elements(Dc + "subject").Select(s => s.Value))),
            Published = FeedDates.Parse(element.Element(ns + "pubDate")?.Value ?? element.Element(Dc + "date")?.Value),
            Updated = FeedDates.Parse(element.Element(Atom + "updated")?.Value),
            Enclosures = element.Elements(ns + "enclosure")
                .Select(e => (Element: e, Url: XmlBase.Resolve(itemBase, (string?)e.Attribute("url"))))
                .Where(e => e.Url is not null)
                .Select(e => new ItemEnclosure(e.Url!, (string?)e.Element.Attribute("type"), ParseLength((string?)e.Element.Attribute("length"))))
                .ToList(),
        };
    }

    private static Item FromJson(JsonFeedItem json, FeedItem item, Uri documentUrl, HtmlCleaner cleaner)
    {
        var contentHtml = json.ContentHtml ?? (json.ContentText is { } text ? WebUtility.HtmlEncode(text) : null);
        return new Item
        {
            Guid = FeedText.Fold(json.Id),
            Title = FeedText.Fold(item.Title),
            Link = XmlBase.Resolve(documentUrl, json.Url ?? json.ExternalUrl),
            Summary = json.Summary is { } summary ? WebUtility.HtmlEncode(summary) : null,
            ContentHtml = cleaner.Clean(contentHtml, documentUrl),
            Authors = (json.Authors ?? []).Select(a => new ItemAuthor(FeedText.Fold(a.Name), null, XmlBase.Resolve(documentUrl, a.Url))).ToList(),
            Categories = Distinct(json.Tags ?? []),
            Published = FeedDates.Parse(json.DatePublishedString),
            Updated = FeedDates.Parse(json.DateModifiedString),
            Enclosures = (json.Attachments ?? [])
                .Select(a => (Attachment: a, Url: XmlBase.Resolve(documentUrl, a.Url)))
                .Where(a => a.Url is not null)
                .Select(a => new ItemEnclosure(a.Url!, a.Attachment.MimeType, a.Attachment.SizeInBytes))
                .ToList(),
        };
    }

    private static List<ItemAuthor> AtomAuthors(XElement? parent, Uri documentUrl)
    {
        if (parent is null)
        {
            return [];
        }

        var ns = parent.Name.Namespace;
        return parent.Elements(ns + "author")
            .Select(a => new ItemAuthor(
                FeedText.Fold(a.Element(ns + "name")?.Value),
                FeedText.Fold(a.Element(ns + "email")?.Value),
                a.Element(ns + "uri") is { } uri ? XmlBase.Resolve(XmlBase.For(uri, documentUrl), uri.Value) : null))
            .Where(a => a.Name is not null || a.Email is not null)
            .ToList();
    }

    /// <summary>RSS <c>author</c> is "email (Name)" by the spec and a bare name in practice; <c>dc:creator</c> is a name.</summary>
    private static List<ItemAuthor> RssAuthors(XElement item)
    {
        var authors = new List<ItemAuthor>();
        foreach (var value in item.Elements(item.Name.Namespace + "author").Select(a => FeedText.Fold(a.Value)).OfType<string>())
        {
            var open = value.IndexOf('(', StringComparison.Ordinal);
            var close = value.LastIndexOf(')');
            if (value.Contains('@', StringComparison.Ordinal) && open > 0 && close > open)
            {
                authors.Add(new ItemAuthor(FeedText.Fold(value[(open + 1)..close]), value[..open].Trim(), null));
            }
            else if (value.Contains('@', StringComparison.Ordinal) && !value.Contains(' ', StringComparison.Ordinal))
            {
                authors.Add(new ItemAuthor(null, value, null));
            }
            else
            {
                authors.Add(new ItemAuthor(value, null, null));
            }
        }

        authors.AddRange(item.Elements(Dc + "creator")
            .Select(c => FeedText.Fold(c.Value))
            .OfType<string>()
            .Where(name => authors.All(a => a.Name != name))
            .Select(name => new ItemAuthor(name, null, null)));
        return authors;
    }

    /// <summary>An Atom text construct (title, summary, content) as HTML, by its <c>type</c>.</summary>
    private static string? AtomHtml(XElement? element) => AtomTextType(element) switch
    {
        null => null,
        AtomType.Xhtml => InnerXhtml(element!),
        AtomType.Html => element!.Value,
        _ => WebUtility.HtmlEncode(element!.Value),
    };

    private static string? AtomPlainText(XElement? element) => AtomTextType(element) switch
    {
        null => null,
        AtomType.Xhtml => FeedText.PlainText(InnerXhtml(element!)),
        AtomType.Html => FeedText.PlainText(element!.Value),
        _ => FeedText.Fold(element!.Value),
    };

    private static AtomType? AtomTextType(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        var type = ((string?)element.Attribute("type"))?.Trim().ToLowerInvariant();

        // Atom 0.3 marked escaped HTML with mode="escaped" and used MIME types for type.
        return type switch
        {
            "xhtml" or "application/xhtml+xml" => AtomType.Xhtml,
            "html" or "text/html" => AtomType.Html,
            _ when (string?)element.Attribute("mode") == "escaped" => AtomType.Html,
            _ => AtomType.Text,
        };
    }

    /// <summary>The markup inside an XHTML construct's wrapping div, without the XHTML namespace declarations.</summary>
    private static string InnerXhtml(XElement element)
    {
        var container = element.Elements().FirstOrDefault(e => e.Name.LocalName == "div") ?? element;
        var copy = new XElement(container);
        foreach (var e in copy.DescendantsAndSelf())
        {
            e.Name = e.Name.LocalName;
            e.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
        }

        return string.Concat(copy.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting)));
    }

    private static List<string> Distinct(IEnumerable<string> values) =>
        values.Select(FeedText.Fold).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static long? ParseLength(string? value) =>
        long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var length) && length >= 0 ? length : null;

    private enum AtomType
    {
        Text,
        Html,
        Xhtml,
    }
}
