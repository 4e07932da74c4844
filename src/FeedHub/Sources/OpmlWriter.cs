using System.Globalization;
using System.Xml.Linq;
using FeedHub.Model;

namespace FeedHub.Sources;

/// <summary>Writes sources as OPML 2.0 that any reader imports, with FeedHub's extras in its own namespace (as <see cref="OpmlReader"/> reads them).</summary>
public static class OpmlWriter
{
    public static XDocument Write(IEnumerable<Source> sources, DateTimeOffset now)
    {
        var ns = OpmlReader.Namespace;
        return new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                "opml",
                new XAttribute("version", "2.0"),
                new XAttribute(XNamespace.Xmlns + "feedhub", ns.NamespaceName),
                new XElement(
                    "head",
                    new XElement("title", "FeedHub sources"),
                    new XElement("dateCreated", now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture))),
                new XElement(
                    "body",
                    sources.Where(s => s.Status != SourceStatus.Retired).OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => new XElement(
                        "outline",
                        new XAttribute("type", "rss"),
                        new XAttribute("text", s.DisplayTitle),
                        s.Title is null ? null : new XAttribute("title", s.Title),
                        new XAttribute("xmlUrl", s.Url),
                        s.SiteUrl is null ? null : new XAttribute("htmlUrl", s.SiteUrl),
                        s.Tags.Count == 0 ? null : new XAttribute("category", string.Join(',', s.Tags)),
                        new XAttribute(ns + "id", s.Id),
                        new XAttribute(ns + "schedule", s.Schedule),
                        new XAttribute(ns + "license", s.License.ToString()))))));
    }
}
