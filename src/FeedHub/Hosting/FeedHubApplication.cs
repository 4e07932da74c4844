using FeedHub.Admin;
using FeedHub.Admin.Dashboard;
using FeedHub.Articles;
using FeedHub.Markup;
using FeedHub.Parsing;
using FeedHub.Polling;
using FeedHub.Polling.Push;
using FeedHub.Publishing;
using FeedHub.Publishing.Hub;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

/// <summary>FeedHub's host: every concern's services and endpoints, from the standard host arguments.</summary>
public static class FeedHubApplication
{
    /// <summary>The web server: feeds, pages, the admin API, and the poll schedule.</summary>
    /// <param name="args">Host arguments: <c>--contentRoot DIR</c>, <c>--urls</c>, and any <c>--FeedHub:Key=value</c>.</param>
    public static WebApplication Build(string[] args)
    {
        var app = CreateBuilder(args).Build();

        // First, so that everything after sees the client's own address and scheme; only when a proxy is configured.
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        // Reading a feed is most of the requests FeedHub serves, at tens of thousands a second: its
        // documents come compressed from their cache, it answers every failure with a problem body, and
        // it needs no user, no form token and no rate limit, so it skips the middleware that does these.
        app.UseWhen(context => !IsFeedRead(context.Request), rest => rest.UseResponseCompression());
        app.UseExceptionHandler();
        app.UseWhen(context => !IsFeedRead(context.Request), rest =>
        {
            rest.UseSecurityHeaders();
            rest.UseReadableCharsets();
            rest.UseStatusCodePages();
            rest.UseAdminAuthentication();
            rest.UseDashboard();

            // The host puts authentication, authorization and antiforgery in front of every request
            // unless the application uses them itself, which it learns from the application's properties;
            // a branch sets them on its own copy. Without this, feed reads were authenticated, and every
            // other request twice.
            foreach (var (key, value) in rest.Properties)
            {
                ((IApplicationBuilder)app).Properties.TryAdd(key, value);
            }
        });

        // Liveness answers while the process does; readiness asks the store and the scheduler.
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFeeds();
        app.MapHub();
        app.MapPushCallbacks();
        app.MapSitePages();
        app.MapAdminApi();
        app.MapOpenApi(AdminOpenApi.DocumentPath);
        app.MapDashboard();
        return app;
    }

    /// <summary>A GET or HEAD of a feed document or archive page (<see cref="FeedEndpoints"/>).</summary>
    private static bool IsFeedRead(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.StartsWithSegments("/feeds");

    /// <summary>
    /// The same services, configuration and content root as the server, for one command: the settings
    /// are validated and the store is readied (migrated, declared sources merged), but the host is never
    /// started, so nothing listens and nothing polls in the background (no hosted service runs).
    /// Logs go to standard error, warnings and worse, so standard output is the command's alone.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is not valid (see <see cref="StartupProblem"/>).</exception>
    internal static async Task<WebApplication> StartCommandHostAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = CreateBuilder(args);
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(category: null, LogLevel.Warning);

        // A command reports its poll itself.
        builder.Logging.AddFilter<ConsoleLoggerProvider>(typeof(Polling.SourcePoller).FullName, LogLevel.Error);
        var app = builder.Build();
        try
        {
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            await app.Services.GetRequiredService<StorePreparation>().PrepareAsync(retireUndeclared: false, cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddFeedHubCore()
            .AddScheduler()
            .AddStorage()
            .AddMarkup()
            .AddParsing()
            .AddSources()
            .AddPolling()
            .AddPush()
            .AddArticles()
            .AddPublishing()
            .AddHub()
            .AddAdmin()
            .AddTelemetry();
        return builder;
    }
}
