using FeedHub.Network;

namespace FeedHub.Polling.Push;

internal static class PushSetup
{
    /// <summary>
    /// FeedHub as a WebSub subscriber: it subscribes to the hubs upstream feeds advertise and takes
    /// their pushes at its callbacks (<see cref="CallbackEndpoints"/>). Its requests go to addresses
    /// that came from upstream documents, so they go through the guard under the same switch as polls.
    /// </summary>
    public static IHostApplicationBuilder AddPush(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<PushOptions>(PushOptions.Section);
        builder.Services.AddSingleton<PushMetrics>();
        builder.Services.AddSingleton<UpstreamSubscriber>();
        builder.Services.AddGuardedHttpClient(UpstreamSubscriber.HttpClientName, PollingSetup.UpstreamClient);
        builder.Services.AddHostedService(services => services.GetRequiredService<UpstreamSubscriber>());
        return builder;
    }
}
