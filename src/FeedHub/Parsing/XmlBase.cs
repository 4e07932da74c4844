namespace FeedHub.Parsing;

/// <summary>Relative references in feeds, resolved as RFC 3986 and XML Base say.</summary>
public static class XmlBase
{
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
