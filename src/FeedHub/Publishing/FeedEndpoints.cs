using System.Globalization;
using FeedHub.WebSub;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FeedHub.Publishing;

/// <summary>
/// <c>GET /feeds/{channel}.atom|.rss|.json</c>: the published channels, with strong ETags,
/// Last-Modified, 304s, HEAD, and a cache lifetime. Serving a feed never triggers a fetch.
/// </summary>
internal static class FeedEndpoints
{
    private static readonly string ArchiveCacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromDays(30) }.ToString();

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/feeds/{name}", [HttpMethods.Get, HttpMethods.Head], ServeSubscriptionAsync);
        endpoints.MapMethods("/feeds/{channel}/archive/{name}", [HttpMethods.Get, HttpMethods.Head], ServeArchiveAsync);
        return endpoints;
    }

    private static Task<IResult> ServeSubscriptionAsync(
        string name, HttpContext context, FeedDocumentCache documents, FeedMetrics metrics, HubTopics topics, IOptions<ChannelsOptions> channels, CancellationToken cancellationToken)
    {
        var dot = name.LastIndexOf('.');
        return dot > 0
            ? ServeAsync(name[..dot], name[(dot + 1)..], null, context, documents, metrics, topics, channels, cancellationToken)
            : Task.FromResult<IResult>(NoSuchFeed(channels.Value));
    }

    private static Task<IResult> ServeArchiveAsync(
        string channel, string name, HttpContext context, FeedDocumentCache documents, FeedMetrics metrics, HubTopics topics, IOptions<ChannelsOptions> channels, CancellationToken cancellationToken)
    {
        var dot = name.LastIndexOf('.');
        return dot > 0 && int.TryParse(name[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var page)
            ? ServeAsync(channel, name[(dot + 1)..], page, context, documents, metrics, topics, channels, cancellationToken)
            : Task.FromResult<IResult>(NoSuchFeed(channels.Value));
    }

    private static async Task<IResult> ServeAsync(
        string channelId, string extension, int? page, HttpContext context, FeedDocumentCache documents, FeedMetrics metrics, HubTopics topics, IOptions<ChannelsOptions> channels, CancellationToken cancellationToken)
    {
        var channel = channels.Value.Channels.FirstOrDefault(c => c.Id == channelId);
        if (channel is null || !PublishedFormats.TryParse(extension, out var format)
            || await documents.GetAsync(channel, format, page, cancellationToken) is not { } document)
        {
            return NoSuchFeed(channels.Value);
        }

        var coding = ContentCoding(context.Request);
        var (bytes, etag) = document.Encoded(coding);

        // Header values come formatted from the document: a 304 is most of the requests a feed gets,
        // and its cost is this method's.
        var response = context.Response.Headers;
        response.ETag = etag;
        response.LastModified = document.LastModifiedText;

        // Archive pages never change once they exist (RFC 5005 §4), so caches may keep them for long.
        response.CacheControl = page is null ? document.CacheControlText : ArchiveCacheControl;
        response.Vary = HeaderNames.AcceptEncoding;

        // WebSub discovery (§4): the subscription document names its hubs and its topic URL.
        if (page is null && topics.DiscoveryLinks(channel, format) is { } links)
        {
            context.Response.Headers.Link = links;
        }

        var notModified = NotModified(context.Request, etag, document.LastModified);
        metrics.RecordRequest(channel.Id, format, archive: page is not null, notModified);
        if (notModified)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (coding is not null)
        {
            context.Response.Headers.ContentEncoding = coding;
        }

        var contentType = format.MediaType() + (format == PublishedFormat.Json ? string.Empty : "; charset=utf-8");
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = bytes.Length;
            return TypedResults.Empty;
        }

        return TypedResults.Bytes(bytes, contentType);
    }

    /// <summary>The coding to send: brotli, else gzip, when the client accepts it (q above zero); else none.</summary>
    private static string? ContentCoding(HttpRequest request)
    {
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0)
        {
            return null;
        }

        // A client naming one coding alone, as most do, needs no parsing.
        if (header.Count == 1 && header[0] is { } only && only.AsSpan().IndexOfAny(',', ';') < 0)
        {
            var coding = only.Trim();
            return coding.Equals("br", StringComparison.OrdinalIgnoreCase) ? "br"
                : coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) ? "gzip"
                : null;
        }

        var accepted = request.GetTypedHeaders().AcceptEncoding;
        bool Accepts(string coding) => accepted.Any(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);
        return Accepts("br") ? "br" : Accepts("gzip") ? "gzip" : null;
    }

    private static ProblemHttpResult NoSuchFeed(ChannelsOptions channels) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No such feed",
        detail: $"Feeds are /feeds/{{channel}}.atom, .rss or .json, and their archives /feeds/{{channel}}/archive/{{page}}.atom; channels: {string.Join(", ", channels.Channels.Select(c => c.Id))}.");

    /// <summary>If-None-Match decides when present; otherwise If-Modified-Since (to the second, as HTTP dates go).</summary>
    private static bool NotModified(HttpRequest request, string etag, DateTimeOffset lastModified)
    {
        // A client revalidating sends back exactly the ETag it was given: that needs no parsing.
        var raw = request.Headers.IfNoneMatch;
        if (raw.Count == 1 && string.Equals(raw[0], etag, StringComparison.Ordinal))
        {
            return true;
        }

        if (raw.Count == 0 && request.Headers.IfModifiedSince.Count == 0)
        {
            return false;
        }

        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch is { Count: > 0 } tags)
        {
            // If-None-Match compares weakly (RFC 9110 §13.1.2): a W/ prefix from a cache still matches.
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(etag, StringComparison.Ordinal));
        }

        return headers.IfModifiedSince is { } since && lastModified.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
    }
}
