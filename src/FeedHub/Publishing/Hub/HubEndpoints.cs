using System.Threading.RateLimiting;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

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
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? string.Empty,
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<HubOptions>>().Value.RequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                }));
        });

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

        // WebSub §5.1: a subscription request is a URL-encoded form; a multipart one (and its files) is not.
        if (!IsUrlEncodedForm(context.Request))
        {
            return Text(StatusCodes.Status415UnsupportedMediaType, "Send hub.mode, hub.topic and hub.callback as application/x-www-form-urlencoded.");
        }

        if (context.Request.ContentLength > MaxRequestBytes)
        {
            return TooLarge();
        }

        // Content-Length is not the only framing: the server stops a chunked body at the cap too.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxRequestBytes;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(FormLimits, cancellationToken);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (InvalidDataException exception) when (exception.InnerException is InvalidOperationException)
        {
            // The decoder refuses what it will not put in a string (a percent-encoded NUL): a malformed form, not a large one.
            return Text(StatusCodes.Status400BadRequest, $"The form cannot be read: {exception.Message}");
        }
        catch (InvalidDataException exception)
        {
            // The form reader's own limits (a key, a value, the number of fields), named in its message.
            return TooLarge(exception.Message);
        }

        var (request, error) = HubRequest.Parse(form, topics, options.Value);
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

    /// <summary>The form reader's own limits, none past the cap, whatever a server's body limit is.</summary>
    private static readonly FormOptions FormLimits = new()
    {
        BufferBodyLengthLimit = MaxRequestBytes,
        KeyLengthLimit = (int)MaxRequestBytes,
        ValueLengthLimit = (int)MaxRequestBytes,
        ValueCountLimit = 64,
        MultipartBodyLengthLimit = MaxRequestBytes,
        MultipartHeadersLengthLimit = (int)MaxRequestBytes,
    };

    private static bool IsUrlEncodedForm(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private static ContentHttpResult TooLarge(string? detail = null) =>
        Text(StatusCodes.Status413PayloadTooLarge, $"A subscription request is at most {MaxRequestBytes} bytes and {FormLimits.ValueCountLimit} fields." + (detail is null ? "" : " " + detail));

    private static ContentHttpResult Text(int status, string message) => TypedResults.Text(message, "text/plain; charset=utf-8", statusCode: status);
}
