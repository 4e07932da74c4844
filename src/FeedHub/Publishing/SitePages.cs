using System.Globalization;
using System.Net;
using System.Text;
using FeedHub.Articles;
using FeedHub.Markup;
using FeedHub.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing;

/// <summary>
/// The site's HTML: <c>GET /</c> lists the channels and recent articles, <c>GET /articles/{slug}</c>
/// shows an article with its attribution. Both advertise every feed for autodiscovery. Plain,
/// server-rendered, no scripts.
/// </summary>
internal static class SitePages
{
    public static IEndpointRouteBuilder MapSitePages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", Home);
        endpoints.MapGet("/articles/{slug}", ArticlePage);
        return endpoints;
    }

    private static ContentHttpResult Home(ArticleLibrary articles, IOptions<ChannelsOptions> channels, IOptions<FeedHubOptions> hub)
    {
        var html = Page(hub.Value, channels.Value, "FeedHub", out var body);
        body.Append("<h1>FeedHub</h1>\n<section aria-labelledby=\"channels\"><h2 id=\"channels\">Feeds</h2>\n<ul>\n");
        foreach (var channel in channels.Value.Channels)
        {
            body.Append(CultureInfo.InvariantCulture, $"<li><strong>{E(channel.Title)}</strong>");
            if (channel.Description is { } description)
            {
                body.Append(CultureInfo.InvariantCulture, $" — {E(description)}");
            }

            body.Append("<br>Subscribe:");
            foreach (var format in Enum.GetValues<PublishedFormat>())
            {
                body.Append(CultureInfo.InvariantCulture, $" <a href=\"/feeds/{channel.Id}.{format.Extension()}\">{FormatName(format)}</a>");
            }

            body.Append("</li>\n");
        }

        body.Append("</ul></section>\n<section aria-labelledby=\"articles\"><h2 id=\"articles\">Articles</h2>\n");
        foreach (var article in articles.Current.Articles.Take(20))
        {
            body.Append(CultureInfo.InvariantCulture, $"<article><h3><a href=\"/articles/{article.Slug}\">{E(article.Title)}</a></h3>")
                .Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">{Time(article.Published)}{Byline(article)}</p>");
            if (article.Summary is { } summary)
            {
                body.Append(CultureInfo.InvariantCulture, $"<p>{E(summary)}</p>");
            }

            body.Append("</article>\n");
        }

        body.Append("</section>\n");
        return Finish(html, body);
    }

    private static ContentHttpResult ArticlePage(string slug, ArticleLibrary articles, HtmlCleaner cleaner, IOptions<ChannelsOptions> channels, IOptions<FeedHubOptions> hub)
    {
        var article = articles.Current.Articles.FirstOrDefault(a => a.Slug == slug);
        if (article is null)
        {
            var missing = Page(hub.Value, channels.Value, "Not found", out var notFound);
            notFound.Append(CultureInfo.InvariantCulture, $"<h1>Not found</h1><p>There is no article “{E(slug)}”. <a href=\"/\">All articles</a></p>");
            return Finish(missing, notFound, StatusCodes.Status404NotFound);
        }

        var html = Page(hub.Value, channels.Value, article.Title, out var body);
        body.Append(CultureInfo.InvariantCulture, $"<article>\n<h1>{E(article.Title)}</h1>\n<p class=\"meta\">{Time(article.Published)}{Byline(article)}");
        if (article.Updated > article.Published)
        {
            body.Append(CultureInfo.InvariantCulture, $" · updated {Time(article.Updated)}");
        }

        // The same cleaned HTML the feeds carry: Markdown links can name any scheme, javascript: included.
        var articleUrl = new Uri(hub.Value.PublicBaseUrl, $"articles/{article.Slug}");
        body.Append("</p>\n").Append(ArticleHtml.WithAttribution(article, cleaner, articleUrl)).Append('\n');
        if (article.Tags.Count > 0)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"tags\">Tags: {string.Join(", ", article.Tags.Select(E))}</p>\n");
        }

        if (article.Rights is { } rights)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"rights\">{E(rights)}</p>\n");
        }

        body.Append("</article>\n<p><a href=\"/\">All articles</a></p>\n");
        return Finish(html, body);
    }

    /// <summary>The page's head, with an autodiscovery link for every channel and format.</summary>
    private static StringBuilder Page(FeedHubOptions hub, ChannelsOptions channels, string title, out StringBuilder body)
    {
        var html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>\n");
        foreach (var channel in channels.Channels)
        {
            foreach (var format in Enum.GetValues<PublishedFormat>())
            {
                html.Append(CultureInfo.InvariantCulture, $"<link rel=\"alternate\" type=\"{format.MediaType()}\" title=\"{E(channel.Title)} ({FormatName(format)})\" href=\"{E(new Uri(hub.PublicBaseUrl, $"feeds/{channel.Id}.{format.Extension()}").AbsoluteUri)}\">\n");
            }
        }

        html.Append("<style>body{max-width:42rem;margin:2rem auto;padding:0 1rem;font:1.05rem/1.6 system-ui,sans-serif;color:#222}")
            .Append("a{color:#0645ad}.meta,.tags,.rights{color:#555;font-size:.9rem}.feedhub-source,.feedhub-ai-disclosure{border-left:3px solid #ccc;padding-left:.75rem;color:#444}</style>\n")
            .Append("</head>\n<body>\n<main>\n");
        body = new StringBuilder();
        return html;
    }

    private static ContentHttpResult Finish(StringBuilder html, StringBuilder body, int status = StatusCodes.Status200OK) =>
        TypedResults.Content(html.Append(body).Append("</main>\n</body>\n</html>\n").ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string Byline(Article article) =>
        article.Authors.Count == 0 ? string.Empty : " · " + string.Join(", ", article.Authors.Select(a =>
            a.Uri is null ? E(a.Name) : $"<a href=\"{E(a.Uri)}\" rel=\"author\">{E(a.Name)}</a>"));

    private static string Time(DateTimeOffset time) =>
        $"<time datetime=\"{time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\">{time.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}</time>";

    private static string FormatName(PublishedFormat format) => format switch
    {
        PublishedFormat.Atom => "Atom",
        PublishedFormat.Rss => "RSS",
        _ => "JSON Feed",
    };

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
