using System.Globalization;
using FeedHub.Publishing.Hub;
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
        // Reading a feed is most of what FeedHub serves: the handlers are plain request delegates over
        // singletons, with no parameter binding, no request scope and no result object on the way. The
        // singletons are taken at the first read, after start-up has validated the settings they need.
        var services = endpoints.ServiceProvider;
        var feeds = new Lazy<FeedReads>(() => new FeedReads(
            services.GetRequiredService<FeedDocumentCache>(),
            services.GetRequiredService<FeedMetrics>(),
            services.GetRequiredService<HubTopics>(),
            services.GetRequiredService<IOptions<ChannelsOptions>>().Value));
        endpoints.MapMethods("/feeds/{name}", [HttpMethods.Get, HttpMethods.Head], context => feeds.Value.ServeSubscriptionAsync(context));
        endpoints.MapMethods("/feeds/{channel}/archive/{name}", [HttpMethods.Get, HttpMethods.Head], context => feeds.Value.ServeArchiveAsync(context));
        return endpoints;
    }

    private sealed class FeedReads(FeedDocumentCache documents, FeedMetrics metrics, HubTopics topics, ChannelsOptions channels)
    {
        // Looked up by the parts of the requested name, without cutting it into new strings.
        private readonly Dictionary<string, ChannelOptions>.AlternateLookup<ReadOnlySpan<char>> _channels =
            channels.Channels.ToDictionary(c => c.Id, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

        public Task ServeSubscriptionAsync(HttpContext context)
        {
            var name = ((string)context.Request.RouteValues["name"]!).AsSpan();
            var dot = name.LastIndexOf('.');
            return dot > 0 ? ServeAsync(context, name[..dot], name[(dot + 1)..], null) : NoSuchFeedAsync(context);
        }

        public Task ServeArchiveAsync(HttpContext context)
        {
            var name = ((string)context.Request.RouteValues["name"]!).AsSpan();
            var dot = name.LastIndexOf('.');
            return dot > 0 && int.TryParse(name[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var page)
                ? ServeAsync(context, (string)context.Request.RouteValues["channel"]!, name[(dot + 1)..], page)
                : NoSuchFeedAsync(context);
        }

        private Task ServeAsync(HttpContext context, ReadOnlySpan<char> channelId, ReadOnlySpan<char> extension, int? page) =>
            _channels.TryGetValue(channelId, out var channel) && PublishedFormats.TryParse(extension, out var format)
                ? ServeAsync(context, channel, format, page)
                : NoSuchFeedAsync(context);

        private async Task ServeAsync(HttpContext context, ChannelOptions channel, PublishedFormat format, int? page)
        {
            if (await documents.GetAsync(channel, format, page, context.RequestAborted) is not { } document)
            {
                await NoSuchFeedAsync(context);
                return;
            }

            var coding = ContentCoding(context.Request);
            var (bytes, etag) = document.Encoded(coding);

            // Header values come formatted from the document: a 304 is most of the requests a feed gets,
            // and its cost is this method's.
            var response = context.Response;
            response.Headers.ETag = etag;
            response.Headers.LastModified = document.LastModifiedText;

            // Archive pages never change once they exist (RFC 5005 §4), so caches may keep them for long.
            response.Headers.CacheControl = page is null ? document.CacheControlText : ArchiveCacheControl;
            response.Headers.Vary = HeaderNames.AcceptEncoding;

            // WebSub discovery (§4): the subscription document names its hubs and its topic URL.
            if (page is null && topics.DiscoveryLinks(channel, format) is { } links)
            {
                response.Headers.Link = links;
            }

            var notModified = NotModified(context.Request, etag, document.LastModified);
            metrics.RecordRequest(channel.Id, format, archive: page is not null, notModified);
            if (notModified)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            if (coding is not null)
            {
                response.Headers.ContentEncoding = coding;
            }

            response.ContentType = format.ContentType();
            response.ContentLength = bytes.Length;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await response.Body.WriteAsync(bytes, context.RequestAborted);
            }
        }

        private Task NoSuchFeedAsync(HttpContext context) => TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "No such feed",
            detail: $"Feeds are /feeds/{{channel}}.atom, .rss or .json, and their archives /feeds/{{channel}}/archive/{{page}}.atom; channels: {string.Join(", ", channels.Channels.Select(c => c.Id))}.")
            .ExecuteAsync(context);
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
