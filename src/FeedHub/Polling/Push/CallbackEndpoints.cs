using System.Security.Cryptography;
using System.Text;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling.Push;

/// <summary>
/// <c>/websub/callback/{id}</c>: where upstream hubs verify FeedHub's subscriptions (GET) and push
/// content (POST). A push is stored only when its <c>X-Hub-Signature</c> matches the secret FeedHub
/// gave for that subscription, and then through the same parse, sanitize and store path as a poll.
/// </summary>
internal static class CallbackEndpoints
{
    public static IEndpointRouteBuilder MapPushCallbacks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/" + UpstreamSubscriber.CallbackPath + "/{id}", VerifyAsync).ExcludeFromDescription();
        endpoints.MapPost("/" + UpstreamSubscriber.CallbackPath + "/{id}", ReceiveAsync).DisableAntiforgery().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> VerifyAsync(string id, HttpRequest request, UpstreamSubscriber subscriber, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var answer = await subscriber.VerifyAsync(
            id, query["hub.mode"], query["hub.topic"], query["hub.challenge"], query["hub.lease_seconds"], query["hub.reason"], cancellationToken);
        return answer.Body is null
            ? Results.StatusCode(answer.Status)
            : Results.Text(answer.Body, "text/plain; charset=utf-8", statusCode: answer.Status);
    }

    /// <remarks>
    /// A refused push (unsigned, wrongly signed, not a feed) is still answered 202, as WebSub §7.1
    /// allows: a forger learns nothing of whether a signature matched, and a hub does not retry
    /// content that no retry can make acceptable. The refusal is in the source's fetch log and in
    /// <c>feedhub_websub_subscriber_pushes_total</c>. Only a callback FeedHub no longer uses gets
    /// 410 Gone, which tells the hub to end the subscription.
    /// </remarks>
    private static async Task<IResult> ReceiveAsync(
        string id,
        HttpRequest request,
        UpstreamSubscriptionStore subscriptions,
        SourcePoller poller,
        PushMetrics metrics,
        TimeProvider time,
        IOptions<PollingOptions> polling,
        CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var subscription = await subscriptions.GetAsync(id, cancellationToken);
        if (subscription is null || subscription.State == UpstreamState.Unsubscribing)
        {
            metrics.RecordPush("unknown_subscription", null);
            return Results.StatusCode(StatusCodes.Status410Gone);
        }

        var cap = polling.Value.MaxBodyBytes;
        var body = await ReadCappedAsync(request, cap, cancellationToken);
        if (body is null)
        {
            metrics.RecordPush("too_large", subscription.SourceId);
            await poller.RefusePushAsync(subscription.SourceId, $"Push refused: the body is larger than the {cap:N0}-byte cap.", cap, cancellationToken);
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var signature = request.Headers["X-Hub-Signature"].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            metrics.RecordPush("unsigned", subscription.SourceId);
            await poller.RefusePushAsync(subscription.SourceId, "Push refused: it carries no X-Hub-Signature, and FeedHub subscribed with a secret.", body.Length, cancellationToken);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }

        if (!Matches(signature, subscription.Secret, body))
        {
            metrics.RecordPush("bad_signature", subscription.SourceId);
            await poller.RefusePushAsync(subscription.SourceId, "Push refused: its X-Hub-Signature does not match the subscription's secret.", body.Length, cancellationToken);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }

        var outcome = await poller.IngestPushAsync(subscription.SourceId, body, request.ContentType, new Uri(subscription.Topic), cancellationToken);
        if (outcome is null)
        {
            metrics.RecordPush("unknown_subscription", null);
            return Results.StatusCode(StatusCodes.Status410Gone);
        }

        await subscriptions.PushedAsync(id, receivedAt, cancellationToken);
        if (outcome.Fetch.Outcome != Model.FetchOutcome.Pushed)
        {
            metrics.RecordPush("parse_error", subscription.SourceId);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }

        metrics.RecordPush("accepted", subscription.SourceId);
        if (outcome.Fetch.ItemsNew + outcome.Fetch.ItemsUpdated > 0 && outcome.NewestItemDate is { } newest)
        {
            var latency = time.GetUtcNow() - newest;
            metrics.RecordPushLatency(latency > TimeSpan.Zero ? latency : TimeSpan.Zero);
        }

        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>Whether <c>method=hex</c> is the HMAC of the body with the secret, in one of WebSub's algorithms; compared in constant time.</summary>
    internal static bool Matches(string header, string secret, byte[] body)
    {
        var equals = header.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }

        var algorithm = header[..equals].Trim().ToLowerInvariant();
        if (!HubSignature.Algorithms.Contains(algorithm))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(HubSignature.Header(algorithm, secret, body));
        var given = Encoding.ASCII.GetBytes(algorithm + "=" + header[(equals + 1)..].Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>
    /// The body, or null when it passes <paramref name="cap"/> bytes: the same cap as a polled document.
    /// The server's own body limit is set to the cap, so that a chunked body is held to it as well, and
    /// a cap above the server's default (30 MB in Kestrel) is not cut short by that default.
    /// </summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpRequest request, long cap, CancellationToken cancellationToken)
    {
        if (request.ContentLength > cap)
        {
            return null;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = cap;
        }

        using var body = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > cap)
                {
                    return null;
                }

                body.Write(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return body.ToArray();
    }
}
