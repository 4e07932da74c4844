namespace FeedHub.Network;

/// <param name="UserAgent">Who is calling (<see cref="Product.UserAgent"/>, unless the operator set another).</param>
/// <param name="ConnectTimeout">The longest a connection may take to open; each caller sets its own deadline over the whole exchange.</param>
/// <param name="AllowPrivateNetworks">Whether the client may connect to loopback, private and link-local addresses.</param>
/// <param name="AllowSwitch">The setting behind <paramref name="AllowPrivateNetworks"/>, which a refused connection names.</param>
internal sealed record GuardedClientSettings(string UserAgent, TimeSpan ConnectTimeout, bool AllowPrivateNetworks, string AllowSwitch);

/// <summary>The HTTP clients FeedHub uses for addresses it was given rather than chose: feeds, their hubs, and subscribers' callbacks.</summary>
internal static class GuardedHttpClient
{
    /// <summary>
    /// A named client with FeedHub's User-Agent and the <see cref="NetworkGuard"/>, no deadline of its
    /// own, and no request logging (an unreachable address is routine; callers log it in one line).
    /// </summary>
    public static IHttpClientBuilder AddGuardedHttpClient(this IServiceCollection services, string name, Func<IServiceProvider, GuardedClientSettings> settings) =>
        services.AddHttpClient(name, (services, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(settings(services).UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var guarded = settings(services);
                return NetworkGuard.Handler(guarded.ConnectTimeout, NetworkGuard.Policy(guarded.AllowPrivateNetworks), guarded.AllowSwitch);
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
}
