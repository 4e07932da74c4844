namespace FeedHub.Hosting;

/// <summary>
/// What a browser is told about every page and API answer (feed reads skip it; they are not pages):
/// no sniffing of content types, no referrer beyond FeedHub itself, no framing, and a content
/// security policy that allows no script anywhere.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>The site: its one inline stylesheet, and the images and media that articles and items show, from wherever they are.</summary>
    private const string SitePolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; media-src *; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The dashboard: its own stylesheet and forms, nothing from elsewhere.</summary>
    private const string DashboardPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/admin") ? DashboardPolicy : SitePolicy;
            return next(context);
        });
}
