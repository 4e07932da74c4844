using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FeedHub.Publishing;

/// <summary>
/// <c>GET /feeds/{channel}.atom|.rss|.json</c>: the published channels, with strong ETags,
/// Last-Modified, 304s, HEAD, and a cache lifetime. Serving a feed never triggers a fetch.
/// </summary>
internal static class FeedEndpoints
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/feeds/{name}", [HttpMethods.Get, HttpMethods.Head], ServeAsync);
        return endpoints;
    }

    private static async Task<IResult> ServeAsync(
        string name, HttpContext context, FeedDocumentCache documents, IOptions<ChannelsOptions> channels, CancellationToken cancellationToken)
    {
        var dot = name.LastIndexOf('.');
        var channel = dot > 0 ? channels.Value.Channels.FirstOrDefault(c => c.Id == name[..dot]) : null;
        if (channel is null || !PublishedFormats.TryParse(name[(dot + 1)..], out var format))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such feed",
                detail: $"Feeds are /feeds/{{channel}}.atom, .rss or .json; channels: {string.Join(", ", channels.Value.Channels.Select(c => c.Id))}.");
        }

        var document = await documents.GetAsync(channel, format, cancellationToken);
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = new EntityTagHeaderValue(document.ETag);
        headers.LastModified = document.LastModified;
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = MaxAge };
        context.Response.Headers.Vary = HeaderNames.AcceptEncoding;

        if (NotModified(context.Request, document))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var contentType = format.MediaType() + (format == PublishedFormat.Json ? string.Empty : "; charset=utf-8");
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = document.Bytes.Length;
            return TypedResults.Empty;
        }

        return TypedResults.Bytes(document.Bytes, contentType);
    }

    /// <summary>If-None-Match decides when present; otherwise If-Modified-Since (to the second, as HTTP dates go).</summary>
    private static bool NotModified(HttpRequest request, FeedDocument document)
    {
        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch is { Count: > 0 } tags)
        {
            // If-None-Match compares weakly (RFC 9110 §13.1.2): a W/ prefix from a cache still matches.
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(document.ETag, StringComparison.Ordinal));
        }

        return headers.IfModifiedSince is { } since
            && document.LastModified.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
    }
}
