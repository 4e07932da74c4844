using FeedHub.Model;
using FeedHub.Network;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling;

internal static class PollingSetup
{
    /// <summary>The dispatcher that claims due sources, the poller, its writer, and the fetcher's guarded HTTP client.</summary>
    public static IHostApplicationBuilder AddPolling(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<PollingOptions>(PollingOptions.Section)
            .Validate(o => PollSchedule.TryParse(o.DefaultSchedule, out _, out _), "FeedHub:Polling:DefaultSchedule is neither an interval (30m, 1h30m) nor a cron expression (0 0/15 * * * ?).")
            .Validate(o => o.ClaimLease >= 2 * o.Timeout, "FeedHub:Polling:ClaimLease must be at least twice FeedHub:Polling:Timeout: a claimed poll waits for a slot, then fetches.");

        builder.Services.AddSingleton<HostLimiter>();
        builder.Services.AddSingleton<PollingRandomness>();
        builder.Services.AddSingleton<PollMetrics>();
        builder.Services.AddSingleton<PollWriter>();
        builder.Services.AddSingleton<SourcePoller>();
        builder.Services.AddSingleton<PollDispatcher>();
        builder.Services.AddGuardedHttpClient(FeedFetcher.HttpClientName, UpstreamClient).AddTypedClient<FeedFetcher>();

        // After the store is ready (StartupService).
        builder.Services.AddHostedService(services => services.GetRequiredService<PollDispatcher>());
        return builder;
    }

    /// <summary>
    /// Addresses that came from upstreams (feeds, and the hubs they name): FeedHub's User-Agent unless
    /// <c>FeedHub:Polling:UserAgent</c> names another, and private networks only with <c>FeedHub:Polling:AllowPrivateNetworks</c>.
    /// </summary>
    public static GuardedClientSettings UpstreamClient(IServiceProvider services)
    {
        var polling = services.GetRequiredService<IOptions<PollingOptions>>().Value;
        var feedHub = services.GetRequiredService<IOptions<FeedHubOptions>>().Value;
        return new(polling.UserAgent is { Length: > 0 } agent ? agent : Product.UserAgent(feedHub.PublicBaseUrl), polling.Timeout, polling.AllowPrivateNetworks,
            $"{PollingOptions.Section}:{nameof(PollingOptions.AllowPrivateNetworks)}");
    }
}
