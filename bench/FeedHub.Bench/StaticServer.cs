namespace FeedHub.Bench;

/// <summary>
/// The baseline of B1 and B2: FeedHub's own bytes for <c>/feeds/planet.atom</c>, read once from files and
/// served from memory by a bare Kestrel endpoint, with the same validators, 304 and gzip.
/// </summary>
internal static class StaticServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var folder = options.Require("dir");
        var body = await File.ReadAllBytesAsync(Path.Combine(folder, "body"));
        var gzip = await File.ReadAllBytesAsync(Path.Combine(folder, "body.gz"));
        var etag = (await File.ReadAllTextAsync(Path.Combine(folder, "etag"))).Trim();
        var gzipEtag = etag[..^1] + "-gzip\"";

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Require("port")}");
        var app = builder.Build();
        app.MapGet("/feeds/planet.atom", (HttpContext context) =>
        {
            var gzipped = context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.Ordinal);
            var tag = gzipped ? gzipEtag : etag;
            context.Response.Headers.ETag = tag;
            context.Response.Headers.CacheControl = "public, max-age=3600";
            context.Response.Headers.Vary = "Accept-Encoding";
            if (context.Request.Headers.IfNoneMatch == tag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            if (gzipped)
            {
                context.Response.Headers.ContentEncoding = "gzip";
            }

            return Results.Bytes(gzipped ? gzip : body, "application/atom+xml; charset=utf-8");
        });
        await app.RunAsync();
        return 0;
    }
}
