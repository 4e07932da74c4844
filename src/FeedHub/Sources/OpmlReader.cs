using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using FeedHub.Model;

namespace FeedHub.Sources;

/// <summary>
/// Reads subscriptions from OPML 2.0. Standard attributes carry the basics (<c>xmlUrl</c>, <c>title</c>
/// or <c>text</c>, <c>htmlUrl</c>, <c>category</c>); FeedHub's own (<c>id</c>, <c>schedule</c>,
/// <c>license</c>) live in the <see cref="Namespace"/> namespace so other readers ignore them. Folders
/// (outlines without <c>xmlUrl</c>) become tags of the feeds inside them.
/// </summary>
public static class OpmlReader
{
    public static readonly XNamespace Namespace = "urn:feedhub:opml:1";

    /// <summary>
    /// How deep outlines may nest. Folders in real subscription lists are one or two levels deep; a
    /// document nested thousands deep is an attack on whoever walks it, and is refused whole.
    /// </summary>
    public const int MaxDepth = 64;

    private static readonly XmlReaderSettings Settings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    /// <exception cref="FormatException">The document is not OPML, or nests outlines deeper than <see cref="MaxDepth"/>; the message names the line.</exception>
    public static OpmlSubscriptions Read(TextReader reader)
    {
        // The depth is checked as the XML is read, before any tree is built: building a tree grows
        // with the square of its depth (100,000 levels took 17 s to refuse afterwards).
        var text = reader.ReadToEnd();
        XDocument document;
        try
        {
            using (var xml = XmlReader.Create(new StringReader(text), Settings))
            {
                while (xml.Read())
                {
                    // <opml> is depth 0 and <body> 1: its outlines start at 2.
                    if (xml.NodeType == XmlNodeType.Element && xml.Depth > MaxDepth + 1)
                    {
                        throw new FormatException($"line {((IXmlLineInfo)xml).LineNumber}: outlines nest deeper than {MaxDepth} levels; folders in a subscription list are a few levels deep.");
                    }
                }
            }

            using var again = XmlReader.Create(new StringReader(text), Settings);
            document = XDocument.Load(again, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new FormatException($"Not well-formed XML: {e.Message}", e);
        }

        var body = document.Root is { Name.LocalName: "opml" } root ? root.Element("body") : null;
        if (body is null)
        {
            throw new FormatException("Not an OPML document: expected <opml> with a <body>.");
        }

        var outlines = new List<OpmlOutline>();
        var problems = new List<string>();
        Collect(body, [], outlines, problems);
        return new OpmlSubscriptions(outlines, problems);
    }

    private static void Collect(XElement parent, IReadOnlyList<string> folders, List<OpmlOutline> outlines, List<string> problems)
    {
        foreach (var outline in parent.Elements("outline"))
        {
            var line = ((IXmlLineInfo)outline).LineNumber.ToString(CultureInfo.InvariantCulture);
            var text = Attribute(outline, "title") ?? Attribute(outline, "text");
            var xmlUrl = Attribute(outline, "xmlUrl");
            if (xmlUrl is null)
            {
                Collect(outline, text is null ? folders : [.. folders, text], outlines, problems);
                continue;
            }

            if (HttpUrl.Parse(xmlUrl, out var urlError) is null)
            {
                problems.Add($"line {line}: {urlError}");
                continue;
            }

            LicensePolicy? license = null;
            if (Attribute(outline, Namespace + "license") is { } licenseText)
            {
                if (!Enum.TryParse<LicensePolicy>(licenseText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                {
                    problems.Add($"line {line}: license '{licenseText}' is not one of Full, Excerpt, LinkOnly.");
                    continue;
                }

                license = parsed;
            }

            var categories = (Attribute(outline, "category") ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .SelectMany(c => c.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            outlines.Add(new OpmlOutline(
                Line: int.Parse(line, CultureInfo.InvariantCulture),
                Id: Attribute(outline, Namespace + "id"),
                Title: text,
                XmlUrl: xmlUrl,
                HtmlUrl: Attribute(outline, "htmlUrl"),
                Schedule: Attribute(outline, Namespace + "schedule"),
                Tags: folders.Concat(categories).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                License: license));
        }
    }

    private static string? Attribute(XElement element, XName name) =>
        element.Attribute(name)?.Value.Trim() is { Length: > 0 } value ? value : null;
}

public sealed record OpmlSubscriptions(IReadOnlyList<OpmlOutline> Outlines, IReadOnlyList<string> Problems);

/// <summary>One subscription outline; FeedHub's extras are null where the outline has none.</summary>
public sealed record OpmlOutline(
    int Line,
    string? Id,
    string? Title,
    string XmlUrl,
    string? HtmlUrl,
    string? Schedule,
    IReadOnlyList<string> Tags,
    LicensePolicy? License);
