using FeedHub.Admin;
using FeedHub.Publishing;

namespace FeedHub.Hosting;

/// <summary>FeedHub's host: every concern's services and endpoints, from the standard host arguments.</summary>
public static class FeedHubApplication
{
    /// <param name="args">Host arguments: <c>--contentRoot DIR</c>, <c>--urls</c>, and any <c>--FeedHub:Key=value</c>.</param>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddFeedHubCore()
            .AddStorage()
            .AddParsing()
            .AddSources()
            .AddPolling()
            .AddArticles()
            .AddPublishing()
            .AddAdmin();

        var app = builder.Build();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAdminAuthentication();
        app.MapHealthChecks("/healthz");
        app.MapFeeds();
        app.MapSitePages();
        app.MapAdminApi();
        return app;
    }
}
