using System.Xml.Linq;

namespace FeedHub.Parsing;

/// <summary>Relative references in feeds, resolved as RFC 3986 and XML Base say.</summary>
public static class XmlBase
{
    /// <summary>
    /// The base URI in force at <paramref name="element"/>: the document's URL, refined by every
    /// <c>xml:base</c> from the root down to the element itself.
    /// </summary>
    public static Uri For(XElement? element, Uri documentUrl)
    {
        if (element is null)
        {
            return documentUrl;
        }

        var result = documentUrl;
        foreach (var declared in element.AncestorsAndSelf().Reverse().Select(e => e.Attribute(XNamespace.Xml + "base")?.Value))
        {
            if (declared is not null && Uri.TryCreate(result, declared.Trim(), out var refined))
            {
                result = refined;
            }
        }

        return result;
    }

    /// <summary>An absolute URL for <paramref name="reference"/>, or null when it is empty, malformed or a script.</summary>
    public static string? Resolve(Uri baseUri, string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference) || !Uri.TryCreate(baseUri, reference.Trim(), out var absolute))
        {
            return null;
        }

        if (absolute.Scheme is "javascript" or "vbscript" or "data")
        {
            return null;
        }

        // An absolute URL is kept as the publisher wrote it (Uri would lowercase its host, among other things).
        var trimmed = reference.Trim();
        return Uri.IsWellFormedUriString(trimmed, UriKind.Absolute) && trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : absolute.AbsoluteUri;
    }
}
