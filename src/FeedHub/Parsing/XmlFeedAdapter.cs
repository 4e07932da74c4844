using System.Globalization;
using System.Xml.Linq;
using FeedHub.Markup;
using FeedHub.Model;
using static FeedHub.Model.FeedNamespaces;

namespace FeedHub.Parsing;

/// <summary>
/// Maps the elements of an RSS, RSS 1.0, Atom or CDF document into FeedHub's model, with the
/// fallbacks feed readers apply (<c>dc:title</c>, <c>dc:description</c>, iTunes and Media RSS titles
/// and summaries, the permalink guid as link, <c>rdf:about</c> as id, <c>xhtml:body</c>), relative
/// references resolved against the document and every <c>xml:base</c>, and all HTML sanitized.
/// </summary>
internal sealed class XmlFeedAdapter(HtmlCleaner cleaner, Uri documentUrl)
{
    private readonly List<string> _unreadableDates = [];
    private readonly HashSet<string> _unreadableSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<XElement, Uri> _bases = new(ReferenceEqualityComparer.Instance);

    public ParsedFeed Adapt(FeedShape shape) => Read(shape) with
    {
        UnreadableDates = _unreadableDates,
        Hubs = RelLinks(shape.Feed, "hub"),
        Self = RelLinks(shape.Feed, "self").FirstOrDefault(),
    };

    /// <summary>
    /// The feed-level links of one relation: Atom's own <c>link</c> elements, and the <c>atom:link</c>
    /// elements RSS feeds carry for WebSub (an RSS <c>link</c> without <c>rel</c> is the home page).
    /// </summary>
    private List<string> RelLinks(XElement feed, string rel) =>
        [.. feed.Elements()
            .Where(e => e.Name.LocalName == "link" && string.Equals(((string?)e.Attribute("rel"))?.Trim(), rel, StringComparison.OrdinalIgnoreCase))
            .Select(e => XmlBase.Resolve(Base(e), (string?)e.Attribute("href")))
            .OfType<string>()
            .Where(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || u.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)];

    private ParsedFeed Read(FeedShape shape)
    {
        var feed = shape.Feed;
        var feedBase = Base(feed);
        var atom = shape.Format is FeedFormat.Atom or FeedFormat.Atom03;
        var feedAuthors = atom ? AtomAuthors(feed) : [];

        return shape.Format switch
        {
            FeedFormat.Cdf => new ParsedFeed
            {
                Title = HtmlText.PlainText(Child(feed, "TITLE")?.Value),
                SiteUrl = XmlBase.Resolve(feedBase, (string?)feed.Attribute("HREF")),
                Subtitle = cleaner.Clean(Child(feed, "ABSTRACT")?.Value, feedBase),
                Updated = Date((string?)feed.Attribute("LASTMOD")),
                Items = shape.Items.Select(FromCdf).ToList(),
            },
            _ when atom => new ParsedFeed
            {
                Title = AtomText.Plain(Child(feed, "title")),
                SiteUrl = AlternateLink(feed),
                Subtitle = cleaner.Clean(AtomText.Html(Child(feed, "subtitle") ?? Child(feed, "tagline")), Base(Child(feed, "subtitle") ?? Child(feed, "tagline") ?? feed)),
                Id = AtomId(feed),
                Updated = Date(Child(feed, "updated")?.Value ?? Child(feed, "modified")?.Value),
                Items = shape.Items.Select(e => FromAtom(e, feedAuthors)).ToList(),
            },
            _ => new ParsedFeed
            {
                Title = HtmlText.PlainText(Child(feed, "title")?.Value ?? feed.Element(Dc + "title")?.Value),
                SiteUrl = XmlBase.Resolve(Base(Child(feed, "link") ?? feed), Child(feed, "link")?.Value),
                Subtitle = cleaner.Clean(
                    Markup(Child(feed, "description")) ?? feed.Element(Dc + "description")?.Value
                        ?? Itunes(feed, "subtitle")?.Value ?? Itunes(feed, "summary")?.Value,
                    feedBase),
                Updated = Date(
                    Child(feed, "lastBuildDate")?.Value ?? feed.Element(Dc + "date")?.Value
                        ?? feed.Element(DcTerms + "modified")?.Value ?? feed.Element(Atom + "updated")?.Value),
                Items = shape.Items.Select(FromRss).ToList(),
                UpdateInterval = UpdateInterval(feed, shape.Feed.Parent),
            },
        };
    }

    private Item FromRss(XElement item)
    {
        var itemBase = Base(item);
        var guidElement = Child(item, "guid");
        var guid = HtmlText.Fold(guidElement?.Value) ?? HtmlText.Fold((string?)item.Attribute(Rdf + "about"));

        // A guid is the item's permalink unless it says otherwise (RSS 2.0: isPermaLink defaults to true).
        var guidIsPermalink = guidElement is not null && !string.Equals((string?)guidElement.Attribute("isPermaLink"), "false", StringComparison.OrdinalIgnoreCase);
        var linkElement = Child(item, "link");
        var link = XmlBase.Resolve(Base(linkElement ?? item), linkElement?.Value)
            ?? AlternateLink(item, Atom)
            ?? (guidIsPermalink && guid is not null && Uri.TryCreate(guid, UriKind.Absolute, out var permalink) && permalink.Scheme is "http" or "https" ? guid : null);

        // Some feeds carry both a summary and a description: then the description is the full text.
        var summaryElement = Child(item, "summary");
        var description = Markup(Child(item, "description"));
        var summary = summaryElement is not null
            ? Markup(summaryElement)
            : description ?? item.Element(Dc + "description")?.Value ?? Itunes(item, "summary")?.Value ?? Itunes(item, "subtitle")?.Value;
        var content = item.Element(Content + "encoded")?.Value
            ?? Markup(item.Element(Xhtml + "body")) ?? Markup(Child(item, "body")) ?? Markup(Child(item, "fullitem"))
            ?? (summaryElement is not null ? description : null);

        return new Item
        {
            Guid = guid,
            Title = HtmlText.PlainText(Child(item, "title")?.Value ?? item.Element(Dc + "title")?.Value ?? MediaTitle(item)),
            Link = link,
            Summary = cleaner.Clean(summary, itemBase),
            ContentHtml = cleaner.Clean(content, itemBase),
            Authors = RssAuthors(item),
            Categories = Distinct(item.Elements().Where(e => e.Name.LocalName == "category" && e.Name.Namespace == item.Name.Namespace).Select(c => c.Value)
                .Concat(item.Elements(Dc + "subject").Select(s => s.Value))),
            Published = Date(
                Child(item, "pubDate")?.Value ?? item.Element(Dc + "date")?.Value
                    ?? item.Element(DcTerms + "issued")?.Value ?? item.Element(DcTerms + "created")?.Value),
            Updated = Date(item.Element(Atom + "updated")?.Value ?? item.Element(DcTerms + "modified")?.Value),
            Enclosures = item.Elements().Where(e => e.Name.LocalName == "enclosure")
                .Select(e => Enclosure(Base(e), (string?)e.Attribute("url"), (string?)e.Attribute("type"), (string?)e.Attribute("length")))
                .OfType<ItemEnclosure>()
                .ToList(),
        };
    }

    private Item FromAtom(XElement entry, IReadOnlyList<ItemAuthor> feedAuthors)
    {
        var content = Child(entry, "content");
        var authors = AtomAuthors(entry);
        return new Item
        {
            Guid = AtomId(entry),
            Title = AtomText.Plain(Child(entry, "title")),
            Link = AlternateLink(entry),
            Summary = cleaner.Clean(AtomText.Html(Child(entry, "summary")), Base(Child(entry, "summary") ?? entry)),

            // Content given by reference (src) is not fetched: the entry has no inline content.
            ContentHtml = content?.Attribute("src") is null ? cleaner.Clean(AtomText.Html(content), Base(content ?? entry)) : null,
            Authors = authors.Count > 0 ? authors : feedAuthors,
            Categories = Distinct(entry.Elements().Where(e => e.Name.LocalName == "category")
                .Select(c => (string?)c.Attribute("term") ?? (string?)c.Attribute("label") ?? c.Value)
                .Concat(entry.Elements(Dc + "subject").Select(s => s.Value))
                .OfType<string>()),
            Published = Date(Child(entry, "published")?.Value ?? Child(entry, "issued")?.Value ?? Child(entry, "created")?.Value),
            Updated = Date(Child(entry, "updated")?.Value ?? Child(entry, "modified")?.Value),
            Enclosures = entry.Elements().Where(e => e.Name.LocalName == "link" && (string?)e.Attribute("rel") == "enclosure")
                .Select(e => Enclosure(Base(e), (string?)e.Attribute("href"), (string?)e.Attribute("type"), (string?)e.Attribute("length")))
                .OfType<ItemEnclosure>()
                .ToList(),
        };
    }

    private Item FromCdf(XElement item)
    {
        var itemBase = Base(item);
        return new Item
        {
            Title = HtmlText.PlainText(Child(item, "TITLE")?.Value),
            Link = XmlBase.Resolve(itemBase, (string?)item.Attribute("HREF")),
            Summary = cleaner.Clean(Child(item, "ABSTRACT")?.Value, itemBase),
            Updated = Date((string?)item.Attribute("LASTMOD")),
        };
    }

    /// <summary>
    /// The feed's own word on how often it changes: RSS <c>ttl</c> (minutes), or the syndication
    /// module's <c>updatePeriod</c> divided by <c>updateFrequency</c>, on the channel (or, in RSS 1.0, beside it).
    /// </summary>
    private static TimeSpan? UpdateInterval(XElement channel, XElement? root)
    {
        if (int.TryParse(Child(channel, "ttl")?.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0)
        {
            return TimeSpan.FromMinutes(minutes);
        }

        var period = (channel.Element(Syndication + "updatePeriod") ?? root?.Element(Syndication + "updatePeriod"))?.Value.Trim().ToLowerInvariant() switch
        {
            "hourly" => TimeSpan.FromHours(1),
            "daily" => TimeSpan.FromDays(1),
            "weekly" => TimeSpan.FromDays(7),
            "monthly" => TimeSpan.FromDays(30),
            "yearly" => TimeSpan.FromDays(365),
            _ => (TimeSpan?)null,
        };
        var frequency = int.TryParse((channel.Element(Syndication + "updateFrequency") ?? root?.Element(Syndication + "updateFrequency"))?.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var times) && times > 0 ? times : 1;
        return period / frequency;
    }

    /// <summary>A date, or null; a date that is there but cannot be read is noted (the first few of them).</summary>
    private DateTimeOffset? Date(string? text)
    {
        var date = FeedDates.Parse(text);
        if (date is null && !string.IsNullOrWhiteSpace(text) && _unreadableDates.Count < 10 && _unreadableSeen.Add(text.Trim()))
        {
            _unreadableDates.Add(text.Trim());
        }

        return date;
    }

    /// <summary>
    /// The base URI in force at an element: the document's URL refined by every <c>xml:base</c> from
    /// the root down (RFC 3986, XML Base). Each element's base is worked out once, from its parent's.
    /// </summary>
    private Uri Base(XElement? element)
    {
        if (element is null)
        {
            return documentUrl;
        }

        if (_bases.TryGetValue(element, out var known))
        {
            return known;
        }

        var inherited = Base(element.Parent);
        var declared = element.Attribute(XNamespace.Xml + "base")?.Value.Trim();

        // A base longer than any real URL is hostile; it is ignored rather than resolved against everything.
        var result = declared is { Length: > 0 and <= 2048 } && Uri.TryCreate(inherited, declared, out var refined) ? refined : inherited;
        _bases[element] = result;
        return result;
    }

    /// <summary>An Atom id as written, except a relative path (which Atom forbids, but publishers write), resolved as feed readers do.</summary>
    private string? AtomId(XElement parent)
    {
        var id = Child(parent, "id");
        var value = HtmlText.Fold(id?.Value);

        // Ids are opaque strings; only an unmistakable path reference ("/2026/11/post") is resolved.
        return value is ['/', not '/', ..] ? XmlBase.Resolve(Base(id), value) ?? value : value;
    }

    /// <summary>The alternate HTML link (a link without rel is alternate), else the first alternate link.</summary>
    private string? AlternateLink(XElement parent, XNamespace? atomNamespace = null)
    {
        var alternates = parent.Elements()
            .Where(e => e.Name.LocalName == "link" && (atomNamespace is null || e.Name.Namespace == atomNamespace))
            .Where(e => ((string?)e.Attribute("rel") ?? "alternate") == "alternate")
            .Select(e => (Type: (string?)e.Attribute("type"), Href: XmlBase.Resolve(Base(e), (string?)e.Attribute("href"))))
            .Where(l => l.Href is not null)
            .ToList();
        return alternates.FirstOrDefault(l => l.Type is null || l.Type.Contains("html", StringComparison.OrdinalIgnoreCase)).Href
            ?? alternates.FirstOrDefault().Href;
    }

    private List<ItemAuthor> AtomAuthors(XElement parent) =>
        parent.Elements().Where(e => e.Name.LocalName == "author" && e.Name.Namespace == parent.Name.Namespace)
            .Select(a => new ItemAuthor(
                HtmlText.Fold(Child(a, "name")?.Value),
                HtmlText.Fold(Child(a, "email")?.Value),
                (Child(a, "uri") ?? Child(a, "url")) is { } uri ? XmlBase.Resolve(Base(uri), uri.Value) : null))
            .Where(a => a.Name is not null || a.Email is not null)
            .ToList();

    /// <summary>RSS <c>author</c> is "email (Name)" by the spec and a bare name in practice; <c>dc:creator</c> is a name.</summary>
    private static List<ItemAuthor> RssAuthors(XElement item)
    {
        var authors = new List<ItemAuthor>();
        foreach (var value in item.Elements().Where(e => e.Name.LocalName == "author" && e.Name.Namespace == item.Name.Namespace).Select(a => HtmlText.Fold(a.Value)).OfType<string>())
        {
            var open = value.IndexOf('(', StringComparison.Ordinal);
            var close = value.LastIndexOf(')');
            var hasEmail = value.Contains('@', StringComparison.Ordinal);
            if (hasEmail && open > 0 && close > open)
            {
                authors.Add(new ItemAuthor(HtmlText.Fold(value[(open + 1)..close]), value[..open].Trim(), null));
            }
            else if (hasEmail && !value.Contains(' ', StringComparison.Ordinal))
            {
                authors.Add(new ItemAuthor(null, value, null));
            }
            else
            {
                authors.Add(new ItemAuthor(value, null, null));
            }
        }

        var named = authors.Select(a => a.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        authors.AddRange(item.Elements(Dc + "creator").Concat(item.Elements().Where(e => IsItunes(e, "author")))
            .Select(c => HtmlText.Fold(c.Value))
            .OfType<string>()
            .Where(named.Add)
            .Select(name => new ItemAuthor(name, null, null)));
        return authors;
    }

    /// <summary>An iTunes element; publishers write its namespace in more than one case ("DTDs/Podcast").</summary>
    private static XElement? Itunes(XElement parent, string localName) => parent.Elements().FirstOrDefault(e => IsItunes(e, localName));

    private static bool IsItunes(XElement element, string localName) =>
        element.Name.LocalName == localName && string.Equals(element.Name.NamespaceName, FeedNamespaces.Itunes.NamespaceName, StringComparison.OrdinalIgnoreCase);

    private static string? MediaTitle(XElement item) =>
        (item.Element(Media + "title") ?? item.Element(Media + "content")?.Element(Media + "title")
            ?? item.Element(Media + "group")?.Element(Media + "title"))?.Value;

    /// <summary>The element's text, or its markup when a publisher put HTML in it without escaping it.</summary>
    private static string? Markup(XElement? element) =>
        element is null ? null : element.HasElements ? AtomText.Inner(element, unwrapDiv: false) : element.Value;

    /// <summary>The child with this local name in the parent's own namespace (so dc:title never passes for title).</summary>
    private static XElement? Child(XElement parent, string localName) =>
        parent.Element(parent.Name.Namespace + localName)
        ?? (parent.Name.Namespace == XNamespace.None ? null : parent.Element(localName));

    private static ItemEnclosure? Enclosure(Uri baseUri, string? url, string? type, string? length) =>
        XmlBase.Resolve(baseUri, url) is { } absolute
            ? new ItemEnclosure(absolute, string.IsNullOrWhiteSpace(type) ? null : type.Trim(), ParseLength(length))
            : null;

    private static List<string> Distinct(IEnumerable<string> values) =>
        values.Select(HtmlText.Fold).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static long? ParseLength(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var length) && length >= 0 ? length : null;
}
