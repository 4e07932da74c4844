using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using FeedHub.Model;
using FeedHub.Polling;

namespace FeedHub.Publishing;

/// <summary>
/// Writes a channel as Atom 1.0 or RSS 2.0 through System.ServiceModel.Syndication, with the
/// attribution that travels with every entry: <c>link rel="via"</c> to the stories an article draws
/// on, <c>atom:source</c> (RSS <c>source</c>) for republished items, authors as <c>dc:creator</c> in RSS.
/// </summary>
internal static class SyndicationWriter
{
    private static readonly XNamespace Dc = FeedNamespaces.Dc;
    private static readonly XNamespace ContentNs = FeedNamespaces.Content;
    private static readonly XNamespace AtomNs = FeedNamespaces.Atom;

    /// <summary>RFC 5005 (Feed Paging and Archiving).</summary>
    private static readonly XNamespace History = "http://purl.org/syndication/history/1.0";

    /// <summary>FeedHub's own extension elements (the AI disclosure) in Atom and RSS.</summary>
    private static readonly XNamespace FeedHubNs = "urn:feedhub:1";

    /// <param name="hubs">The WebSub hubs to advertise (<c>link rel="hub"</c>), none for an archive page.</param>
    public static byte[] Write(PublishedChannel channel, PublishedFormat format, Uri publicBaseUrl, IReadOnlyList<Uri> hubs)
    {
        var options = channel.Options;
        var archive = channel.Archive;
        var self = PublishedFormats.DocumentUrl(publicBaseUrl, options.Id, format, archive.Page);
        var feed = new SyndicationFeed(options.Title, options.Description ?? options.Title, publicBaseUrl)
        {
            Id = new Uri(publicBaseUrl, $"feeds/{options.Id}").AbsoluteUri,
            LastUpdatedTime = channel.Updated,
            Generator = Product.Token,
            Language = "en",
        };
        feed.Links.Clear();
        feed.Links.Add(SyndicationLink.CreateAlternateLink(publicBaseUrl, "text/html"));
        feed.Links.Add(SyndicationLink.CreateSelfLink(self, format.MediaType()));
        if (format == PublishedFormat.Atom)
        {
            foreach (var hub in hubs)
            {
                feed.Links.Add(new SyndicationLink(hub, "hub", null, null, 0));
            }
        }
        foreach (var (relation, page) in HistoryLinks(archive))
        {
            feed.Links.Add(new SyndicationLink(PublishedFormats.DocumentUrl(publicBaseUrl, options.Id, format, page), relation, null, format.MediaType(), 0));
        }

        if (archive.Page is not null)
        {
            // RFC 5005 §4: this document is an archive, complete and unchanging.
            feed.ElementExtensions.Add(Extension("fh", History + "archive"));
        }
        feed.Authors.Add(new SyndicationPerson(null, options.Title, publicBaseUrl.AbsoluteUri));
        if (options.Rights is { } rights)
        {
            feed.Copyright = new TextSyndicationContent(rights);
        }

        if (options.Icon is { } icon)
        {
            feed.ImageUrl = new Uri(publicBaseUrl, icon);
        }

        feed.Items = channel.Entries.Select(e => Item(e, format)).ToList();

        using var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            if (format == PublishedFormat.Atom)
            {
                new Atom10FeedFormatter(feed).WriteTo(writer);
            }
            else
            {
                feed.AttributeExtensions.Add(new XmlQualifiedName("dc", "http://www.w3.org/2000/xmlns/"), Dc.NamespaceName);
                feed.AttributeExtensions.Add(new XmlQualifiedName("content", "http://www.w3.org/2000/xmlns/"), ContentNs.NamespaceName);
                feed.AttributeExtensions.Add(new XmlQualifiedName("atom", "http://www.w3.org/2000/xmlns/"), AtomNs.NamespaceName);

                // RSS has no self link of its own; readers and validators look for atom:link.
                feed.ElementExtensions.Add(Extension(
                    "atom",
                    AtomNs + "link",
                    new XAttribute("href", self.AbsoluteUri),
                    new XAttribute("rel", "self"),
                    new XAttribute("type", format.MediaType())));
                foreach (var hub in hubs)
                {
                    feed.ElementExtensions.Add(Extension("atom", AtomNs + "link", new XAttribute("href", hub.AbsoluteUri), new XAttribute("rel", "hub")));
                }
                new Rss20FeedFormatter(feed, serializeExtensionsAsAtom: false).WriteTo(writer);
            }
        }

        return format == PublishedFormat.Rss ? GmtDates(output.ToArray()) : output.ToArray();
    }

    /// <summary>
    /// RFC 5005 links: the subscription document points to the newest archive page; an archive page
    /// points to the subscription document (current) and its neighbours (prev-archive is older).
    /// A null page is the subscription document.
    /// </summary>
    internal static IEnumerable<(string Relation, int? Page)> HistoryLinks(ArchivePosition archive)
    {
        if (archive.Page is not { } page)
        {
            if (archive.FullPages > 0)
            {
                yield return ("prev-archive", archive.FullPages);
            }

            yield break;
        }

        yield return ("current", null);
        if (page > 1)
        {
            yield return ("prev-archive", page - 1);
        }

        if (page < archive.FullPages)
        {
            yield return ("next-archive", page + 1);
        }
    }

    /// <summary>An extension element written with its conventional prefix (atom:, dc:, content:) rather than a default namespace.</summary>
    private static XmlReader Extension(string prefix, XName name, params object?[] content) =>
        new XElement(name, [new XAttribute(XNamespace.Xmlns + prefix, name.NamespaceName), .. content]).CreateReader();

    /// <summary>
    /// The formatter writes UTC as the military zone "Z"; RFC 822 readers and the W3C validator
    /// expect "GMT". Only the closing "Z" of a date element is replaced.
    /// </summary>
    private static byte[] GmtDates(byte[] rss) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(rss)
            .Replace(" Z</pubDate>", " GMT</pubDate>", StringComparison.Ordinal)
            .Replace(" Z</lastBuildDate>", " GMT</lastBuildDate>", StringComparison.Ordinal));

    private static SyndicationItem Item(ChannelEntry entry, PublishedFormat format)
    {
        var item = new SyndicationItem
        {
            Id = entry.Id,
            Title = new TextSyndicationContent(entry.Title),
            PublishDate = entry.Published,
            LastUpdatedTime = entry.Updated,
        };
        item.Links.Add(SyndicationLink.CreateAlternateLink(new Uri(entry.Link), "text/html"));
        foreach (var via in entry.Via)
        {
            item.Links.Add(new SyndicationLink(new Uri(via.Url), "via", $"{via.Title} ({via.Publisher})", "text/html", 0));
        }

        // RSS requires an enclosure's length; one FeedHub does not know is left to Atom and JSON Feed.
        foreach (var enclosure in entry.Enclosures.Where(e => format == PublishedFormat.Atom || e.Length > 0))
        {
            item.Links.Add(SyndicationLink.CreateMediaEnclosureLink(new Uri(enclosure.Url), enclosure.Type ?? "application/octet-stream", enclosure.Length ?? 0));
        }

        foreach (var category in entry.Categories)
        {
            item.Categories.Add(new SyndicationCategory(category));
        }

        if (entry.SummaryHtml is { } summary)
        {
            item.Summary = new TextSyndicationContent(summary, TextSyndicationContentKind.Html);
        }

        if (entry.ContentHtml is { } content)
        {
            if (format == PublishedFormat.Atom)
            {
                item.Content = new TextSyndicationContent(content, TextSyndicationContentKind.Html);
            }
            else
            {
                // RSS's description holds the summary; the full text goes in content:encoded.
                item.ElementExtensions.Add(Extension("content", ContentNs + "encoded", content));
                item.Summary ??= new TextSyndicationContent(content, TextSyndicationContentKind.Html);
            }
        }

        if (entry.Rights is { } rights)
        {
            item.Copyright = new TextSyndicationContent(rights);
        }

        if (format == PublishedFormat.Atom)
        {
            foreach (var author in entry.Authors)
            {
                // Atom requires a name; an upstream author known only by e-mail or URL is named by it.
                item.Authors.Add(new SyndicationPerson(author.Email, author.Name ?? author.Email ?? author.Uri ?? entry.Source?.Title, author.Uri));
            }
        }
        else
        {
            // RSS's own <author> must be an e-mail address; names travel as dc:creator.
            foreach (var name in entry.Authors.Select(a => a.Name ?? a.Email ?? a.Uri).OfType<string>())
            {
                item.ElementExtensions.Add(Extension("dc", Dc + "creator", name));
            }
        }

        if (entry.Source is { } source)
        {
            var origin = new SyndicationFeed { Id = source.Id, Title = new TextSyndicationContent(source.Title) };
            origin.Links.Add(SyndicationLink.CreateSelfLink(new Uri(source.FeedUrl)));
            if (source.SiteUrl is { } site)
            {
                origin.Links.Add(SyndicationLink.CreateAlternateLink(new Uri(site), "text/html"));
            }

            if (source.Updated is { } updated)
            {
                origin.LastUpdatedTime = updated;
            }

            item.SourceFeed = origin;
        }

        if (entry.Ai is { } ai)
        {
            item.ElementExtensions.Add(Extension(
                "feedhub",
                FeedHubNs + "ai",
                new XAttribute("generated", ai.Generated ? "true" : "false"),
                ai.Model is null ? null : new XAttribute("model", ai.Model),
                ai.Statement));
        }

        return item;
    }
}
