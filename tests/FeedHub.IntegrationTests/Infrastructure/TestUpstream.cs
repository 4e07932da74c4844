using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, in the test process) standing in for upstream publishers.
/// Each path answers with whatever its handler says; every request is logged with its headers.
/// </summary>
public sealed class TestUpstream : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RequestDelegate> _routes = new(StringComparer.Ordinal);
    private WebApplication _app = null!;

    private TestUpstream()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<UpstreamRequest> Requests { get; } = new();

    public static async Task<TestUpstream> StartAsync()
    {
        var upstream = new TestUpstream();
        (upstream._app, upstream.BaseUrl) = await Loopback.StartServerAsync(app => app.Run(upstream.HandleAsync));
        return upstream;
    }

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public void Map(string path, RequestDelegate handler) => _routes["/" + path.TrimStart('/')] = handler;

    /// <summary>Serves a document with validators, answering 304 when the client echoes them.</summary>
    public void ServeFeed(string path, string body, string contentType = "application/rss+xml; charset=utf-8", string? etag = "\"v1\"", string? lastModified = "Wed, 25 Nov 2026 10:00:00 GMT") =>
        Map(path, async context =>
        {
            if (etag is not null)
            {
                context.Response.Headers.ETag = etag;
            }

            if (lastModified is not null)
            {
                context.Response.Headers.LastModified = lastModified;
            }

            var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
            var ifModifiedSince = context.Request.Headers.IfModifiedSince.ToString();
            if ((etag is not null && ifNoneMatch == etag) || (etag is null && lastModified is not null && ifModifiedSince == lastModified))
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        });

    public IReadOnlyList<UpstreamRequest> RequestsTo(string path) =>
        Requests.Where(r => r.Path == "/" + path.TrimStart('/')).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        Requests.Enqueue(new UpstreamRequest(
            context.Request.Path.Value ?? "/",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            DateTimeOffset.UtcNow));

        if (_routes.TryGetValue(context.Request.Path.Value ?? "/", out var handler))
        {
            await handler(context);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <param name="ArrivedAt">When the upstream received it, by the machine's clock: the upstream's own log.</param>
public sealed record UpstreamRequest(string Path, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ArrivedAt)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
