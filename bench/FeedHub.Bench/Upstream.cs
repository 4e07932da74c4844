using System.Collections.Concurrent;
using System.Globalization;

namespace FeedHub.Bench;

/// <summary>
/// The upstream process: <c>/f/{n}.xml</c>, generated feeds of 20 items, where one in five changes on
/// every request (a new item, a new ETag) and the others answer 304 to their ETag; <c>/planet.xml</c>,
/// 50 items with full content; <c>/fresh.xml</c>, which gains an item on <c>POST /fresh?title=</c>.
/// </summary>
internal static class Upstream
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Require("port")}");
        var app = builder.Build();

        var requests = new ConcurrentDictionary<int, int>();
        var planet = FeedGenerator.Rss("Planet source", "http://planet.example", 50, 50, paragraphs: 6);
        var fresh = new ConcurrentQueue<string>();

        app.MapGet("/f/{name}", (string name, HttpContext context) =>
        {
            if (!name.EndsWith(".xml", StringComparison.Ordinal) || !int.TryParse(name[..^4], CultureInfo.InvariantCulture, out var n))
            {
                return Results.NotFound();
            }

            var seen = requests.AddOrUpdate(n, 0, (_, count) => count + 1);
            var version = n % 5 == 0 ? seen : 0;
            var etag = $"\"{n}-{version}\"";
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                context.Response.Headers.ETag = etag;
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            context.Response.Headers.ETag = etag;
            return Results.Bytes(FeedGenerator.Rss($"Feed {n}", $"http://site{n}.example", 20 + version, 20, paragraphs: 0), "application/rss+xml");
        });
        app.MapGet("/planet.xml", (HttpContext context) =>
        {
            context.Response.Headers.ETag = "\"planet\"";
            return context.Request.Headers.IfNoneMatch == "\"planet\""
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(planet, "application/rss+xml");
        });
        app.MapGet("/fresh.xml", (HttpContext context) =>
        {
            var titles = fresh.ToArray();
            var etag = $"\"fresh-{titles.Length}\"";
            context.Response.Headers.ETag = etag;
            return context.Request.Headers.IfNoneMatch == etag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(FeedGenerator.Rss("Fresh", "http://fresh.example", 3, 3, 0, titles.Reverse()), "application/rss+xml");
        });
        app.MapPost("/fresh", (string title) =>
        {
            fresh.Enqueue(title);
            return Results.NoContent();
        });
        app.MapGet("/ready", () => "ready");

        await app.RunAsync();
        return 0;
    }
}
