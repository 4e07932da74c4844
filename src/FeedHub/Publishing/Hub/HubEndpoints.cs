using System.Threading.RateLimiting;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing.Hub;

/// <summary>
/// <c>POST /websub</c>: the hub's public endpoint (WebSub §5.1), rate limited per client address.
/// A request that passes the checks is answered 202 and verified afterwards with the callback;
/// errors are 4xx with the reason as plain text, as the specification asks.
/// </summary>
internal static class HubEndpoints
{
    public const string RateLimit = "websub";

    /// <summary>A subscription request is a few hundred bytes; a large body is not one.</summary>
    private const long MaxRequestBytes = 16 * 1024;

    public static IServiceCollection AddHubRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter => limiter.AddPolicy(RateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? string.Empty,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = context.RequestServices.GetRequiredService<IOptions<HubOptions>>().Value.RequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
            })));

    public static IEndpointRouteBuilder MapHub(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/" + HubOptions.HubPath, HandleAsync)
            .RequireRateLimiting(RateLimit)
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<ContentHttpResult> HandleAsync(
        HttpContext context, HubTopics topics, IntentVerifier verifier, WebSubStore store, TimeProvider time, IOptions<HubOptions> options, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Text(StatusCodes.Status404NotFound, "This FeedHub runs no WebSub hub (FeedHub:WebSub:Enabled is false).");
        }

        if (context.Request.ContentLength > MaxRequestBytes)
        {
            return Text(StatusCodes.Status413PayloadTooLarge, $"A subscription request is at most {MaxRequestBytes} bytes.");
        }

        if (!context.Request.HasFormContentType)
        {
            return Text(StatusCodes.Status415UnsupportedMediaType, "Send hub.mode, hub.topic and hub.callback as application/x-www-form-urlencoded.");
        }

        var (request, error) = HubRequest.Parse(await context.Request.ReadFormAsync(cancellationToken), topics, options.Value);
        if (request is null)
        {
            return Text(StatusCodes.Status400BadRequest, error!);
        }

        var max = options.Value.MaxSubscriptionsPerTopic;
        if (request.Mode == HubMode.Subscribe
            && await store.CountOthersAsync(request.Topic.Url, request.Callback, time.GetUtcNow(), cancellationToken) >= max)
        {
            return Text(StatusCodes.Status403Forbidden, $"hub.topic: {request.Topic.Url} has {max} subscribers, as many as this hub takes.");
        }

        if (!verifier.TryQueue(request))
        {
            context.Response.Headers.RetryAfter = "60";
            return Text(StatusCodes.Status503ServiceUnavailable, "The hub has too many requests to verify; try again in a minute.");
        }

        return Text(StatusCodes.Status202Accepted, $"Accepted: the callback will be asked to confirm the {request.Mode.ToString().ToLowerInvariant()} (hub.challenge).");
    }

    private static ContentHttpResult Text(int status, string message) => TypedResults.Text(message, "text/plain; charset=utf-8", statusCode: status);
}
