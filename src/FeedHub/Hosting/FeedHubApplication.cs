using FeedHub.Admin;
using FeedHub.Admin.Dashboard;
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
            .AddAdmin()
            .AddTelemetry();

        var app = builder.Build();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAdminAuthentication();
        app.UseDashboard();
        // Liveness answers while the process does; readiness asks the store and the scheduler.
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFeeds();
        app.MapSitePages();
        app.MapAdminApi();
        app.MapOpenApi(AdminOpenApi.DocumentPath);
        app.MapDashboard();
        return app;
    }
}
