namespace FeedHub.Publishing;

/// <summary>The formats a channel is published in, by the extension of its URL.</summary>
public enum PublishedFormat
{
    Atom,
    Rss,
    Json,
}

internal static class PublishedFormats
{
    public static bool TryParse(ReadOnlySpan<char> extension, out PublishedFormat format)
    {
        (var known, format) = extension switch
        {
            "atom" => (true, PublishedFormat.Atom),
            "rss" => (true, PublishedFormat.Rss),
            "json" => (true, PublishedFormat.Json),
            _ => (false, default),
        };
        return known;
    }

    public static string Extension(this PublishedFormat format) => format switch
    {
        PublishedFormat.Atom => "atom",
        PublishedFormat.Rss => "rss",
        _ => "json",
    };

    /// <summary>Where a channel's document is: the subscription document, or an RFC 5005 archive page.</summary>
    public static Uri DocumentUrl(Uri publicBaseUrl, string channel, PublishedFormat format, int? archivePage) =>
        new(publicBaseUrl, archivePage is { } page ? $"feeds/{channel}/archive/{page}.{format.Extension()}" : $"feeds/{channel}.{format.Extension()}");

    public static string MediaType(this PublishedFormat format) => format switch
    {
        PublishedFormat.Atom => "application/atom+xml",
        PublishedFormat.Rss => "application/rss+xml",
        _ => "application/feed+json",
    };

    /// <summary>The Content-Type a document is served with: the XML formats name their charset, JSON is UTF-8 by definition (RFC 8259).</summary>
    public static string ContentType(this PublishedFormat format) => format switch
    {
        PublishedFormat.Atom => "application/atom+xml; charset=utf-8",
        PublishedFormat.Rss => "application/rss+xml; charset=utf-8",
        _ => "application/feed+json",
    };
}
