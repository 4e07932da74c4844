using System.Net;
using FeedHub.Admin;
using FeedHub.Articles;
using FeedHub.Publishing;
using Microsoft.AspNetCore.ResponseCompression;
using FeedHub.Parsing;
using FeedHub.Polling;
using FeedHub.Sources;
using FeedHub.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedHub.Hosting;

/// <summary>Each concern's services, added in one place so <c>Program.cs</c> stays a page of wiring.</summary>
internal static class FeedHubServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddFeedHubCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FeedHubOptions>()
            .BindConfiguration(FeedHubOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.PublicBaseUrl.IsAbsoluteUri && o.PublicBaseUrl.Scheme is "http" or "https", "FeedHub:PublicBaseUrl must be an absolute http or https URL.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StorePreparation>();
        builder.Services.AddHostedService<StartupService>();
        return builder;
    }

    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Provider == StorageProvider.Sqlite, "FeedHub:Storage:Provider: only Sqlite is available in this version.")
            .Validate(o => !SqliteDatabase.IsInMemory(o.ConnectionString), "FeedHub:Storage:ConnectionString: an in-memory SQLite database would lose every item; give a file.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Database>(services =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            var environment = services.GetRequiredService<IHostEnvironment>();
            return new SqliteDatabase(options.ConnectionString, environment.ContentRootPath);
        });
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton<SourceStore>();
        builder.Services.AddSingleton<ItemStore>();
        builder.Services.AddSingleton<FetchLogStore>();
        builder.Services.AddSingleton<PollStore>();
        builder.Services.AddSingleton<ChannelSequenceStore>();
        return builder;
    }

    public static IHostApplicationBuilder AddParsing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HtmlCleaner>();
        builder.Services.AddSingleton<FeedParser>();
        return builder;
    }

    public static IHostApplicationBuilder AddSources(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SourcesOptions>()
            .BindConfiguration(SourcesOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SourcesOptions>, SourcesOptionsValidator>();
        return builder;
    }

    public static IHostApplicationBuilder AddPolling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PollingOptions>()
            .BindConfiguration(PollingOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => PollSchedule.TryParse(o.DefaultSchedule, out _, out _), "FeedHub:Polling:DefaultSchedule is neither an interval (30m, 1h30m) nor a cron expression (0 0/15 * * * ?).")
            .ValidateOnStart();

        builder.Services.AddSingleton<HostLimiter>();
        builder.Services.AddSingleton<PollingRandomness>();
        builder.Services.AddSingleton<PollScheduler>();
        builder.Services.AddTransient<SourcePoller>();
        builder.Services.AddHttpClient<FeedFetcher>(FeedFetcher.HttpClientName, (services, client) =>
            {
                var feedHub = services.GetRequiredService<IOptions<FeedHubOptions>>().Value;
                var polling = services.GetRequiredService<IOptions<PollingOptions>>().Value;

                // The fetcher enforces its own deadline over headers and body together.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(polling.UserAgent is { Length: > 0 } agent ? agent : UserAgent.Default(feedHub.PublicBaseUrl));
            })
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var polling = services.GetRequiredService<IOptions<PollingOptions>>().Value;
                return new SocketsHttpHandler
                {
                    AutomaticDecompression = DecompressionMethods.All,
                    // The fetcher follows redirects itself, to see which are permanent.
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    ConnectTimeout = polling.Timeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectCallback = NetworkGuard.ConnectCallback(polling.AllowPrivateNetworks),
                };
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)

            // An unreachable upstream is routine, not an exception trace: the poller logs it in one line.
            .RemoveAllLoggers();

        builder.Services.AddQuartz(quartz =>
        {
            quartz.UseInMemoryStore();
            quartz.UseDefaultThreadPool(_ => { });
        });
        builder.Services.AddOptions<ThreadPoolOptions>()
            .Configure<IOptions<PollingOptions>>((pool, polling) => pool.MaxConcurrency = polling.Value.MaxConcurrency);
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        builder.Services.AddHostedService<ScheduleReconciler>();
        return builder;
    }

    public static IHostApplicationBuilder AddArticles(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ArticlesOptions>().BindConfiguration(ArticlesOptions.Section);
        builder.Services.AddSingleton<ArticleLibrary>();
        return builder;
    }

    public static IHostApplicationBuilder AddPublishing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChannelsOptions>()
            .BindConfiguration(ChannelsOptions.Section)
            .Validate(o => o.Channels.Select(c => c.Id).Distinct().Count() == o.Channels.Count, "FeedHub:Channels: two channels have the same Id.")
            .Validate(o => o.Channels.All(c => c.Articles || c.IncludesItems), "FeedHub:Channels: every channel must include Articles, Sources or Tags.")
            .Validate(
                o => o.Channels.All(c => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(c, new(c), null, validateAllProperties: true)),
                "FeedHub:Channels: each channel needs an Id (lowercase letters, digits, dashes), a Title and a Limit from 1 to 1000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ChannelReader>();
        builder.Services.AddSingleton<FeedDocumentCache>();
        // Feeds compress themselves once per document (with their own ETags); this covers the pages.
        builder.Services.AddResponseCompression(compression =>
        {
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
        });
        return builder;
    }

    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>()
            .BindConfiguration(AdminOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.ApiKey) || o.ApiKey.Length >= AdminOptions.MinimumKeyLength,
                $"FeedHub:Admin:ApiKey must be at least {AdminOptions.MinimumKeyLength} characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SourceCatalog>();
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks()
            .AddCheck<StoreReadiness>("store", tags: ["ready"])
            .AddCheck<SchedulerReadiness>("scheduler", tags: ["ready"]);
        builder.Services.ConfigureHttpJsonOptions(json => AdminJson.Configure(json.SerializerOptions));
        return builder;
    }
}
