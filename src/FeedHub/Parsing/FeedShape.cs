using System.Xml.Linq;
using FeedHub.Model;

namespace FeedHub.Parsing;

/// <summary>Which format a document is in, its feed-level element and its item elements.</summary>
internal sealed record FeedShape(FeedFormat Format, XElement Feed, IReadOnlyList<XElement> Items)
{
    /// <summary>Recognises RSS (any version, any namespace or prefix), RSS 1.0/RDF, Atom 1.0 and 0.3, and CDF.</summary>
    public static FeedShape? Of(XElement root)
    {
        var name = root.Name.LocalName;
        if (name == "feed")
        {
            return new FeedShape(root.Name.Namespace == FeedNamespaces.Atom ? FeedFormat.Atom : FeedFormat.Atom03, root, Children(root, "entry"));
        }

        if (name is "rss" or "RDF")
        {
            var channel = Children(root, "channel").FirstOrDefault() ?? root;

            // Items live in the channel (RSS 2.0) or beside it (RSS 0.90, 1.0); broken feeds mix both.
            var items = channel == root ? Children(root, "item") : [.. Children(channel, "item"), .. Children(root, "item")];
            return new FeedShape(name == "rss" ? FeedFormat.Rss : FeedFormat.Rdf, channel, items);
        }

        if (name.Equals("channel", StringComparison.OrdinalIgnoreCase))
        {
            // CDF writes its element names in capitals and links in HREF attributes.
            return name == "CHANNEL"
                ? new FeedShape(FeedFormat.Cdf, root, root.Descendants().Where(e => e.Name.LocalName == "ITEM").ToList())
                : new FeedShape(FeedFormat.Rss, root, Children(root, "item"));
        }

        return null;
    }

    private static List<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(e => e.Name.LocalName == localName).ToList();
}

internal enum FeedFormat
{
    Rss,
    Rdf,
    Atom,
    Atom03,
    Cdf,
}
