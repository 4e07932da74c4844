using System.Net;
using System.Net.Http.Headers;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing.Hub;

/// <summary>
/// Delivers queued content to subscribers (WebSub §7): a POST of the topic's document with its
/// Content-Type, the hub and self <c>Link</c>s, and <c>X-Hub-Signature</c> when the subscriber gave a
/// secret. A 2xx is done; 410 ends the subscription; anything else is retried with a doubling wait,
/// up to <see cref="HubOptions.MaxDeliveryAttempts"/>. The queue is in the store, so a restart
/// resumes it.
/// </summary>
internal sealed partial class DeliveryWorker(
    IHttpClientFactory clients,
    WebSubStore store,
    HubTopics topics,
    HubMetrics metrics,
    TimeProvider time,
    IOptions<HubOptions> options,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private const int Batch = 50;
    private const int Parallelism = 4;

    /// <summary>The longest the worker sleeps with nothing due; expired subscriptions are removed as often.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);

    private readonly WakeUp _queued = new();

    /// <summary>Wakes the worker: something was queued.</summary>
    public void Wake() => _queued.Ring();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var lastCleanup = DateTimeOffset.MinValue;
        var wait = TimeSpan.Zero;
        Task next;
        do
        {
            next = _queued.Next;
            try
            {
                var now = time.GetUtcNow();
                if (now - lastCleanup >= Idle)
                {
                    lastCleanup = now;
                    if (await store.RemoveExpiredAsync(now, stoppingToken) is > 0 and var expired)
                    {
                        LogExpired(expired);
                    }
                }

                var due = await store.DueAsync(now, Batch, stoppingToken);
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken }, DeliverAsync);
                if (due.Count == Batch)
                {
                    wait = TimeSpan.Zero;
                    continue;
                }

                var nextDue = await store.NextDueAsync(stoppingToken);
                var untilDue = nextDue is { } at ? at - time.GetUtcNow() : Idle;
                wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue > Idle ? Idle : untilDue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy or briefly unreadable store is tried again shortly; the queue is kept there.
                LogFailed(e);
                wait = TimeSpan.FromSeconds(5);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
        while (await WakeUp.WaitAsync(next, wait, time, stoppingToken));
    }

    private async ValueTask DeliverAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        var timeout = options.Value.Timeout;

        // Held for the attempt: should FeedHub die during it, the delivery is due again after this.
        if (!await store.ClaimAsync(delivery, time.GetUtcNow() + timeout + timeout, cancellationToken))
        {
            return;
        }

        var (status, error) = await PostAsync(delivery, timeout, cancellationToken);
        if (status is >= 200 and < 300)
        {
            await store.DeliveredAsync(delivery, time.GetUtcNow(), cancellationToken);
            metrics.RecordDelivery(delivery.Topic, "delivered");
            LogDelivered(delivery.Topic, delivery.SubscriptionId, status.Value);
            return;
        }

        if (status == (int)HttpStatusCode.Gone)
        {
            await store.DeleteAsync(delivery.SubscriptionId, cancellationToken);
            metrics.RecordDelivery(delivery.Topic, "gone");
            LogGone(delivery.Topic, delivery.SubscriptionId);
            return;
        }

        var attempts = delivery.Attempts + 1;
        var why = error ?? $"HTTP {status}";
        if (attempts >= options.Value.MaxDeliveryAttempts)
        {
            await store.AbandonAsync(delivery, cancellationToken);
            metrics.RecordDelivery(delivery.Topic, "abandoned");
            LogAbandoned(delivery.Topic, delivery.SubscriptionId, attempts, why);
            return;
        }

        var retryAt = time.GetUtcNow() + Backoff(attempts);
        await store.FailedAsync(delivery, retryAt, why, cancellationToken);
        metrics.RecordDelivery(delivery.Topic, "failed");
        LogRetrying(delivery.Topic, delivery.SubscriptionId, why, retryAt);
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failure: the first delay, doubled each time, capped.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var first = options.Value.FirstRetryDelay;
        var cap = options.Value.RetryBackoffCap;
        var delay = first * Math.Pow(2, Math.Min(attempts - 1, 30));
        return delay < cap ? delay : cap;
    }

    /// <returns>The subscriber's status, or why there was none.</returns>
    private async Task<(int? Status, string? Error)> PostAsync(PendingDelivery delivery, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Callback) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(delivery.ContentType);
        request.Headers.TryAddWithoutValidation("Link", topics.LinkHeader(delivery.Topic));
        if (delivery.Secret is { } secret)
        {
            request.Headers.TryAddWithoutValidation("X-Hub-Signature", HubSignature.Header(delivery.SignatureAlgorithm, secret, delivery.Body));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = clients.CreateClient(IntentVerifier.HttpClientName);

            // The answer's body is ignored (§7): only its status is read.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return ((int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, e is OperationCanceledException ? $"No answer within {timeout.TotalSeconds:0} s" : e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered {Topic} to subscription {SubscriptionId} (HTTP {Status})")]
    private partial void LogDelivered(string topic, long subscriptionId, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} to {Topic} ended: its callback answered 410 Gone")]
    private partial void LogGone(string topic, long subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of {Topic} to subscription {SubscriptionId} failed ({Why}); retrying at {RetryAt:o}")]
    private partial void LogRetrying(string topic, long subscriptionId, string why, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of {Topic} to subscription {SubscriptionId} given up after {Attempts} attempts ({Why}); the next change will be sent")]
    private partial void LogAbandoned(string topic, long subscriptionId, int attempts, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} WebSub subscription(s) expired")]
    private partial void LogExpired(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "WebSub deliveries could not be read from the store; trying again shortly")]
    private partial void LogFailed(Exception exception);
}
