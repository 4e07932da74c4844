using FeedHub.Network;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing.Hub;

internal static class HubSetup
{
    /// <summary>
    /// The WebSub hub for FeedHub's own channels: its endpoint's rate limit, the verifier of intent,
    /// the watcher that queues a changed channel for its subscribers, and the delivery worker. Its
    /// HTTP client calls subscribers' addresses through the network guard, under its own switch.
    /// </summary>
    public static IHostApplicationBuilder AddHub(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<HubOptions>(HubOptions.Section)
            .Validate(o => o.DefaultLease <= o.MaxLease, "FeedHub:WebSub:DefaultLease must not be longer than FeedHub:WebSub:MaxLease.")
            .Validate(o => o.FirstRetryDelay <= o.RetryBackoffCap, "FeedHub:WebSub:FirstRetryDelay must not be longer than FeedHub:WebSub:RetryBackoffCap.")
            .Validate(
                o => o.ExternalHubs.All(h => h.IsAbsoluteUri && h.Scheme is "http" or "https"),
                "FeedHub:WebSub:ExternalHubs must be absolute http or https URLs.");
        builder.Services.AddSingleton<HubTopics>();
        builder.Services.AddSingleton<HubMetrics>();
        builder.Services.AddSingleton<IntentVerifier>();
        builder.Services.AddSingleton<DeliveryWorker>();
        builder.Services.AddSingleton<TopicWatcher>();
        builder.Services.AddHubRateLimit();
        builder.Services.AddGuardedHttpClient(IntentVerifier.HttpClientName, services =>
        {
            var hub = services.GetRequiredService<IOptions<HubOptions>>().Value;
            var feedHub = services.GetRequiredService<IOptions<FeedHubOptions>>().Value;
            return new(Product.UserAgent(feedHub.PublicBaseUrl), hub.Timeout, hub.AllowPrivateCallbacks,
                $"{HubOptions.Section}:{nameof(HubOptions.AllowPrivateCallbacks)}");
        });

        // Each ends at once when the hub is disabled.
        builder.Services.AddHostedService(services => services.GetRequiredService<IntentVerifier>());
        builder.Services.AddHostedService(services => services.GetRequiredService<TopicWatcher>());
        builder.Services.AddHostedService(services => services.GetRequiredService<DeliveryWorker>());
        return builder;
    }
}
