using System.Diagnostics.Metrics;
using FeedHub.Polling;
using FeedHub.Polling.Push;
using FeedHub.Publishing;
using FeedHub.Publishing.Hub;
using FeedHub.Storage;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Quartz;

namespace FeedHub.Hosting;

/// <summary>What the whole host needs besides the concerns' own <c>AddX</c>: settings, the clock, start-up, readiness, the scheduler and telemetry.</summary>
internal static class HostingSetup
{
    public static IHostApplicationBuilder AddFeedHubCore(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<FeedHubOptions>(FeedHubOptions.Section)
            .Validate(o => o.PublicBaseUrl.IsAbsoluteUri && o.PublicBaseUrl.Scheme is "http" or "https", "FeedHub:PublicBaseUrl must be an absolute http or https URL.");
        builder.Services.AddSingleton(TimeProvider.System);

        // Under systemd (Type=notify): ready is told when the host has started, and logs go to the journal; elsewhere nothing changes.
        builder.Services.AddSystemd();
        builder.Services.AddSingleton<StorePreparation>();
        builder.Services.AddHostedService<StartupService>();
        builder.AddSettings<ProxyOptions>(ProxyOptions.Section)
            .Validate(o => o.Networks(out _) is not null, "FeedHub:Proxy:KnownProxies: each entry must be an IP address (10.0.0.5) or a network (172.16.0.0/12).");
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

            // The framework trusts loopback by default; FeedHub trusts only the proxies it is told of.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in proxies.Value.Networks(out _) ?? [])
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblem>();
        builder.Services.AddHealthChecks()
            .AddCheck<StoreReadiness>("store", tags: ["ready"])
            .AddCheck<SchedulerReadiness>("scheduler", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Quartz, which publishes scheduled articles (polls are dispatched from the store, not by Quartz).
    /// With PostgreSQL its triggers live in the store and the nodes form one cluster.
    /// </summary>
    public static IHostApplicationBuilder AddScheduler(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<ClusterOptions>(ClusterOptions.Section);

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

        return builder;
    }

    /// <summary>
    /// FeedHub's own meter, ASP.NET Core's request durations (labelled by route template, so their
    /// number stays bounded) and the runtime's, exported for Prometheus at <c>/metrics</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(Product.Name, serviceVersion: Product.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Product.Name, "Microsoft.AspNetCore.Hosting", "System.Runtime")

                    // Created with the meter provider, not on first use, so that every instrument is
                    // in the first scrape, before any poll or feed request has run.
                    .AddInstrumentation(services => services.GetRequiredService<PollMetrics>())
                    .AddInstrumentation(services => services.GetRequiredService<FeedMetrics>())
                    .AddInstrumentation(services => services.GetRequiredService<HubMetrics>())
                    .AddInstrumentation(services => services.GetRequiredService<PushMetrics>())

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
}
