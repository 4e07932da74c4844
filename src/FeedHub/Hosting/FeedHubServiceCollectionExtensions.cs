using System.Net;
using System.Diagnostics.Metrics;
using FeedHub.Admin;
using FeedHub.Admin.Dashboard;
using FeedHub.Articles;
using FeedHub.Publishing;
using Microsoft.AspNetCore.ResponseCompression;
using FeedHub.Parsing;
using FeedHub.Polling;
using FeedHub.Sources;
using FeedHub.Storage;
using FeedHub.WebSub;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
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
            .Validate(o => Enum.IsDefined(o.Provider), "FeedHub:Storage:Provider must be Sqlite or Postgres.")
            .Validate(
                o => o.Provider != StorageProvider.Sqlite || !SqliteDatabase.IsInMemory(o.ConnectionString),
                "FeedHub:Storage:ConnectionString: an in-memory SQLite database would lose every item; give a file.")
            .Validate(
                o => o.Provider != StorageProvider.Postgres || PostgresDatabase.IsValid(o.ConnectionString),
                "FeedHub:Storage:ConnectionString: with the Postgres provider, give an Npgsql connection string naming a Host and a Database (Host=db;Database=feedhub;Username=feedhub;Password=...).")
            .ValidateOnStart();
        builder.Services.AddSingleton<Database>(services =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            var environment = services.GetRequiredService<IHostEnvironment>();
            return options.Provider == StorageProvider.Postgres
                ? new PostgresDatabase(options.ConnectionString)
                : new SqliteDatabase(options.ConnectionString, environment.ContentRootPath);
        });
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton<SourceStore>();
        builder.Services.AddSingleton<ItemStore>();
        builder.Services.AddSingleton<FetchLogStore>();
        builder.Services.AddSingleton<PollStore>();
        builder.Services.AddSingleton<ChannelSequenceStore>();
        builder.Services.AddSingleton<StoreChanges>();
        builder.Services.AddSingleton<ArticleStore>();
        builder.Services.AddSingleton<WebSubStore>();
        builder.Services.AddSingleton<UpstreamSubscriptionStore>();
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
            .Validate(o => o.ClaimLease >= 2 * o.Timeout, "FeedHub:Polling:ClaimLease must be at least twice FeedHub:Polling:Timeout: a claimed poll waits for a slot, then fetches.")
            .ValidateOnStart();

        builder.Services.AddSingleton<HostLimiter>();
        builder.Services.AddSingleton<PollingRandomness>();
        builder.Services.AddSingleton<PollMetrics>();
        builder.Services.AddSingleton<PollWriter>();
        builder.Services.AddSingleton<SourcePoller>();
        builder.Services.AddSingleton<PollDispatcher>();
        builder.Services.AddGuardedHttpClient(FeedFetcher.HttpClientName, UpstreamPolicy).AddTypedClient<FeedFetcher>();

        builder.Services.AddOptions<ClusterOptions>()
            .BindConfiguration(ClusterOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Quartz's store is chosen while services are registered, before options exist: the storage
        // settings are read here, once, and validated with the rest at start.
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var cluster = builder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        builder.Services.AddQuartz(quartz =>
        {
            if (storage.Provider == StorageProvider.Postgres && PostgresDatabase.IsValid(storage.ConnectionString))
            {
                // Every node reads and locks Quartz's triggers in PostgreSQL: each fire (an article's
                // publication) runs on one node, and a node that stops checking in has its triggers
                // taken over. Polls are claimed in the sources table, not here.
                quartz.ConfigureScheduler(scheduler =>
                {
                    scheduler.InstanceName = ClusterOptions.SchedulerName;
                    if (!string.IsNullOrWhiteSpace(cluster.InstanceId))
                    {
                        scheduler.InstanceId = cluster.InstanceId;
                    }
                });
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(storage.ConnectionString);
                    store.UseSystemTextJsonSerializer();

                    // Job data is short text; strings keep the rows readable.
                    store.ConfigureStore(options => options.StoreJobDataAsStrings = true);
                    store.UseClustering(clustering =>
                    {
                        clustering.CheckinInterval = cluster.CheckinInterval;
                        clustering.CheckinMisfireThreshold = cluster.CheckinInterval;
                    });
                });
            }
            else
            {
                quartz.UseInMemoryStore();
            }

            // Quartz runs short jobs only (an article's publication): polls run in the dispatcher's pool.
            quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = 4);
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);

        // After the store is ready (StartupService).
        builder.Services.AddHostedService(services => services.GetRequiredService<PollDispatcher>());
        return builder;
    }

    public static IHostApplicationBuilder AddArticles(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ArticlesOptions>().BindConfiguration(ArticlesOptions.Section);
        builder.Services.AddSingleton<ArticleLibrary>();
        builder.Services.AddSingleton<ArticlePublication>();
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
        builder.Services.AddSingleton<FeedMetrics>();
        // Feeds compress themselves once per document (with their own ETags); this covers the pages.
        builder.Services.AddResponseCompression(compression =>
        {
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
        });
        return builder;
    }

    /// <summary>
    /// The WebSub hub for FeedHub's own channels: its endpoint's rate limit, the verifier of intent,
    /// the watcher that queues a changed channel for its subscribers, and the delivery worker. Its
    /// HTTP client goes through the same network guard as polls, under its own switch.
    /// </summary>
    public static IHostApplicationBuilder AddWebSub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebSubOptions>()
            .BindConfiguration(WebSubOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultLease <= o.MaxLease, "FeedHub:WebSub:DefaultLease must not be longer than FeedHub:WebSub:MaxLease.")
            .Validate(o => o.FirstRetryDelay <= o.RetryBackoffCap, "FeedHub:WebSub:FirstRetryDelay must not be longer than FeedHub:WebSub:RetryBackoffCap.")
            .Validate(
                o => o.ExternalHubs.All(h => h.IsAbsoluteUri && h.Scheme is "http" or "https"),
                "FeedHub:WebSub:ExternalHubs must be absolute http or https URLs.")
            .ValidateOnStart();
        builder.Services.AddSingleton<HubTopics>();
        builder.Services.AddSingleton<WebSubMetrics>();
        builder.Services.AddSingleton<IntentVerifier>();
        builder.Services.AddSingleton<DeliveryWorker>();
        builder.Services.AddSingleton<TopicWatcher>();
        builder.Services.AddHubRateLimit();
        // The hub calls back subscribers' addresses, under its own switch for private networks.
        builder.Services.AddGuardedHttpClient(
            IntentVerifier.HttpClientName,
            services => services.GetRequiredService<IOptions<WebSubOptions>>().Value.AllowPrivateCallbacks ? _ => true : NetworkGuard.IsPublic);

        // FeedHub's requests to upstream hubs: the hub's address came from an upstream's document, so
        // it goes through the guard under the same switch as polls.
        builder.Services.AddSingleton<UpstreamSubscriber>();
        builder.Services.AddGuardedHttpClient(UpstreamSubscriber.HttpClientName, UpstreamPolicy);
        builder.Services.AddHostedService(services => services.GetRequiredService<UpstreamSubscriber>());

        // Each ends at once when the hub is disabled.
        builder.Services.AddHostedService(services => services.GetRequiredService<IntentVerifier>());
        builder.Services.AddHostedService(services => services.GetRequiredService<TopicWatcher>());
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryWorker>());

        return builder;
    }

    /// <summary>
    /// FeedHub's own meter, ASP.NET Core's request durations (labelled by route template, so their
    /// number stays bounded) and the runtime's, exported for Prometheus at <c>/metrics</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        var version = UserAgent.Product().Split('/')[1];
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("FeedHub", serviceVersion: version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FeedHubMeter.Name, "Microsoft.AspNetCore.Hosting", "System.Runtime")

                    // Created with the meter provider, not on first use, so that every instrument is
                    // in the first scrape, before any poll or feed request has run.
                    .AddInstrumentation(services => services.GetRequiredService<PollMetrics>())
                    .AddInstrumentation(services => services.GetRequiredService<FeedMetrics>())
                    .AddInstrumentation(services => services.GetRequiredService<WebSubMetrics>())

                    // The exporter would otherwise answer scrapes within 300 ms with the same text; a
                    // scrape is cheap (the source gauges cache their read of the store), and a fresh
                    // answer every time means a scrape right after a poll shows that poll.
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);

                // Meters are process-wide: a listener sees every host's meter of a name. Those made
                // through another host's IMeterFactory (several FeedHubs in one test process) are
                // that host's to export; process-wide ones (System.Runtime) are everyone's.
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) =>
                {
                    var own = services.GetRequiredService<IMeterFactory>();
                    provider.AddView(instrument => instrument.Meter.Scope is IMeterFactory other && other != own ? MetricStreamConfiguration.Drop : null);
                });
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
        builder.Services.AddSingleton<DashboardPages>();
        builder.Services.AddDashboard();
        builder.Services.AddAdminOpenApi();
        builder.Services.AddHealthChecks()
            .AddCheck<StoreReadiness>("store", tags: ["ready"])
            .AddCheck<SchedulerReadiness>("scheduler", tags: ["ready"]);
        builder.Services.ConfigureHttpJsonOptions(json => AdminJson.Configure(json.SerializerOptions));
        return builder;
    }

    /// <summary>Addresses that came from upstreams (feeds, their hubs) follow <c>FeedHub:Polling:AllowPrivateNetworks</c>.</summary>
    private static Func<IPAddress, bool> UpstreamPolicy(IServiceProvider services) =>
        NetworkGuard.Policy(services.GetRequiredService<IOptions<PollingOptions>>().Value);

    /// <summary>
    /// A client for addresses FeedHub was given rather than chose: FeedHub's user agent, the network
    /// guard with <paramref name="mayConnect"/>, no deadline of its own (each caller sets one over the
    /// whole exchange), and no request logging (an unreachable address is routine; callers log it in one line).
    /// </summary>
    private static IHttpClientBuilder AddGuardedHttpClient(this IServiceCollection services, string name, Func<IServiceProvider, Func<IPAddress, bool>> mayConnect) =>
        services.AddHttpClient(name, (services, client) =>
            {
                var feedHub = services.GetRequiredService<IOptions<FeedHubOptions>>().Value;
                var polling = services.GetRequiredService<IOptions<PollingOptions>>().Value;
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(polling.UserAgent is { Length: > 0 } agent ? agent : UserAgent.Default(feedHub.PublicBaseUrl));
            })
            .ConfigurePrimaryHttpMessageHandler(services =>
                NetworkGuard.Handler(services.GetRequiredService<IOptions<PollingOptions>>().Value, mayConnect(services)))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
}
