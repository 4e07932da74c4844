using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using FeedHub.Model;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling;

/// <summary>
/// One conditional GET of a feed: validators echoed exactly, a deadline on the whole exchange,
/// and the body read to a cap counted after decompression. Never throws for what a server does;
/// every way it can go wrong ends as a <see cref="FetchFailed"/> that says why.
/// </summary>
internal sealed class FeedFetcher(HttpClient client, HostLimiter hosts, IOptions<PollingOptions> options)
{
    public const string HttpClientName = "upstream";

    private const string Accept =
        "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, "
        + "application/xml;q=0.9, text/xml;q=0.9, application/rdf+xml;q=0.8, */*;q=0.5";

    public async Task<FetchResult> FetchAsync(Uri url, PollState state, CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // Waiting for a turn at a busy host is not the host's slowness: the deadline starts after.
        using var slot = await hosts.EnterAsync(url.IdnHost, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);

        try
        {
            // Redirects are followed here, not by the handler, to tell a permanent move (301, 308)
            // from a temporary one and to catch loops. Every hop goes through the network guard.
            var current = url;
            var visited = new HashSet<Uri> { url };
            var permanent = true;
            for (var hop = 0; ; hop++)
            {
                using var request = Request(current, state);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    if (hop >= settings.MaxRedirects)
                    {
                        return new FetchFailed(FetchErrorKind.Redirect, status, $"More than {settings.MaxRedirects} redirects, the last to {location}.");
                    }

                    var next = new Uri(current, location);
                    if (next.Scheme is not ("http" or "https"))
                    {
                        return new FetchFailed(FetchErrorKind.Redirect, status, $"A redirect to a {next.Scheme}: URL ({Shown(next)}) is refused: only http and https are followed.");
                    }

                    if (!visited.Add(next))
                    {
                        return new FetchFailed(FetchErrorKind.Redirect, status, $"A redirect loop: {current} leads back to {next}.");
                    }

                    permanent &= status is 301 or 308;
                    current = next;
                    continue;
                }

                var movedTo = hop > 0 && permanent ? current : null;
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    return new NotModified(movedTo);
                }

                if (status is 429 or 503 && RetryAfter(response) is { } retryAfter)
                {
                    return new RateLimited(status, retryAfter);
                }

                if (!response.IsSuccessStatusCode)
                {
                    return new FetchFailed(
                        status switch { 410 => FetchErrorKind.Gone, >= 500 => FetchErrorKind.Http5xx, _ => FetchErrorKind.Http4xx },
                        status,
                        $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
                }

                var body = await ReadCappedAsync(response.Content, settings.MaxBodyBytes, deadline.Token);
                if (body is null)
                {
                    return new FetchFailed(FetchErrorKind.TooLarge, status, $"The body is larger than the {settings.MaxBodyBytes:N0}-byte cap.", settings.MaxBodyBytes);
                }

                return new FetchedDocument(
                    status,
                    body,
                    response.Content.Headers.ContentType?.ToString(),
                    response.Content.Headers.ContentLocation is { } contentLocation && Uri.TryCreate(current, contentLocation, out var based) ? based : current,
                    Header(response.Headers, "ETag"),
                    Header(response.Content.Headers, "Last-Modified"))
                {
                    MovedTo = movedTo,
                    FreshFor = FreshFor(response),
                    LinkHubs = response.Headers.TryGetValues("Link", out var hubLinks) ? LinkHeader.Targets(hubLinks, current, "hub") : [],
                    LinkSelf = response.Headers.TryGetValues("Link", out var selfLinks) && LinkHeader.Targets(selfLinks, current, "self") is [var self, ..] ? self : null,
                };
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FetchFailed(FetchErrorKind.Timeout, null, $"Timed out after {settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e)
        {
            return new FetchFailed(FetchErrorKind.Network, (int?)e.StatusCode, Describe(e));
        }
        catch (IOException e)
        {
            return new FetchFailed(FetchErrorKind.Network, null, $"The connection broke while reading: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            return new FetchFailed(FetchErrorKind.Parse, null, $"The body could not be decompressed: {e.Message}");
        }
    }

    private static HttpRequestMessage Request(Uri url, PollState state)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", Accept);
        if (state.ETag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", state.ETag);
        }

        if (state.LastModified is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", state.LastModified);
        }

        return request;
    }

    /// <summary>Cache-Control max-age, else Expires less Date: how long the document stays fresh, per its server.</summary>
    private static TimeSpan? FreshFor(HttpResponseMessage response) =>
        response.Headers.CacheControl?.MaxAge
        ?? (response.Content.Headers.Expires is { } expires && response.Headers.Date is { } date && expires > date ? expires - date : null);

    /// <summary>Retry-After as a delay or a date (RFC 9110 §10.2.3), or null when absent or unreadable.</summary>
    private static RetryAfter? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => new RetryAfter(delta, null),
        { Date: { } date } => new RetryAfter(null, date),
        _ => null,
    };

    /// <summary>The body, or null when it would pass <paramref name="cap"/> bytes.</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, long cap, CancellationToken cancellationToken)
    {
        // Content-Length counts encoded bytes: a cheap early refusal, not the real check.
        if (content.Headers.ContentLength > cap && content.Headers.ContentEncoding.Count == 0)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > cap)
                {
                    return null;
                }

                body.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return body.ToArray();
    }

    /// <summary>A URL from a hostile server, cut short for the fetch log.</summary>
    private static string Shown(Uri url) => url.OriginalString.Length <= 200 ? url.OriginalString : $"{url.OriginalString[..200]}…";

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Describe(HttpRequestException e)
    {
        var root = e.InnerException;
        return root switch
        {
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } =>
                $"The host name could not be resolved ({root.Message}).",
            SocketException socket => $"Could not connect: {socket.Message} ({socket.SocketErrorCode}).",
            HttpRequestException inner => Describe(inner),
            null => e.Message,
            _ => $"{e.Message} {root.Message}",
        };
    }
}
