using System.Buffers.Text;
using System.Security.Cryptography;
using System.Threading.Channels;
using FeedHub.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing.Hub;

/// <summary>
/// Verifies subscribers' intent (WebSub §5.3) after their request was answered: a GET to the callback
/// with <c>hub.challenge</c>, which must come back as the body of a 2xx. Only then does a subscription
/// start, renew or end; anything else (404, another status, a wrong echo, no answer, an address the
/// network guard refuses) leaves the subscription as it was.
/// </summary>
internal sealed partial class IntentVerifier(
    IHttpClientFactory clients,
    WebSubStore store,
    TopicWatcher watcher,
    HubMetrics metrics,
    TimeProvider time,
    IOptions<HubOptions> options,
    ILogger<IntentVerifier> logger) : BackgroundService
{
    public const string HttpClientName = "WebSub";

    private const string Confirmed = "confirmed";
    private const string Declined = "declined";
    private const string Unreachable = "unreachable";

    /// <summary>Verifications running at once: a slow callback must not hold up the others.</summary>
    private const int Parallelism = 4;

    /// <summary>The longest answer read from a callback: a challenge is a few dozen characters.</summary>
    private const int MaxAnswerBytes = 1024;

    // Requests waiting for verification live in memory: one lost to a restart is one the subscriber
    // was never told had succeeded, and subscribers retry (or renew) on their own.
    private readonly Channel<HubRequest> _pending = Channel.CreateBounded<HubRequest>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.Wait });

    /// <returns>False when too many requests are waiting already.</returns>
    public bool TryQueue(HubRequest request) => _pending.Writer.TryWrite(request);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        try
        {
            await Parallel.ForEachAsync(
                _pending.Reader.ReadAllAsync(stoppingToken),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
                async (request, cancellationToken) =>
                {
                    try
                    {
                        await VerifyAsync(request, cancellationToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogFailed(e, request.Topic.Url, request.CallbackOrigin);
                    }
                });
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    internal async Task VerifyAsync(HubRequest request, CancellationToken cancellationToken)
    {
        var mode = request.Mode == HubMode.Subscribe ? "subscribe" : "unsubscribe";
        if (request.Mode == HubMode.Subscribe
            && await store.CountOthersAsync(request.Topic.Url, request.Callback, time.GetUtcNow(), cancellationToken) >= options.Value.MaxSubscriptionsPerTopic)
        {
            // Others subscribed while this one waited: the hub denies it (§5.2).
            await DenyAsync(request, "The topic has as many subscribers as this hub takes.", cancellationToken);
            metrics.RecordVerification(mode, "denied");
            return;
        }

        var challenge = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        var query = new Dictionary<string, string?>
        {
            ["hub.mode"] = mode,
            ["hub.topic"] = request.Topic.Url,
            ["hub.challenge"] = challenge,
        };
        if (request.Mode == HubMode.Subscribe)
        {
            query["hub.lease_seconds"] = request.LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // The lease runs from when the verification request is made (§5.3).
        var askedAt = time.GetUtcNow();
        var (outcome, why) = await AskAsync(QueryHelpers.AddQueryString(request.Callback, query), challenge, cancellationToken);
        if (outcome != Confirmed)
        {
            metrics.RecordVerification(mode, outcome);
            LogNotConfirmed(mode, request.Topic.Url, request.CallbackOrigin, why);
            return;
        }

        if (request.Mode == HubMode.Subscribe)
        {
            // The watcher compares only topics someone listens to, so what it last recorded of this one
            // may be old: recorded now, before the subscription starts, it is the subscriber's baseline,
            // and what changes from here on is sent.
            await watcher.CompareAsync(request.Topic, cancellationToken);
            await store.SubscribeAsync(request.Topic.Url, request.Callback, request.Secret, request.SignatureAlgorithm, request.LeaseSeconds, askedAt, cancellationToken);
        }
        else
        {
            await store.UnsubscribeAsync(request.Topic.Url, request.Callback, cancellationToken);
        }

        metrics.RecordVerification(mode, Confirmed);
        LogConfirmed(mode, request.Topic.Url, request.CallbackOrigin, request.LeaseSeconds);
    }

    /// <returns>
    /// <see cref="Confirmed"/> when the callback echoed the challenge; else <see cref="Declined"/> (it
    /// answered otherwise) or <see cref="Unreachable"/> (no answer), and why.
    /// </returns>
    private async Task<(string Outcome, string Why)> AskAsync(string url, string challenge, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.Timeout);
        try
        {
            using var client = clients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                return (Declined, $"HTTP {(int)response.StatusCode}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            var buffer = new byte[MaxAnswerBytes];
            var read = 0;
            int count;
            while (read < buffer.Length && (count = await body.ReadAsync(buffer.AsMemory(read), deadline.Token)) > 0)
            {
                read += count;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, read) == challenge
                ? (Confirmed, "")
                : (Declined, "the answer was not the challenge");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (Unreachable, e is OperationCanceledException ? $"No answer within {options.Value.Timeout.TotalSeconds:0} s" : e.Message);
        }
    }

    /// <summary>Tells the subscriber its subscription was denied (§5.2); whether it hears is its own business.</summary>
    private async Task DenyAsync(HubRequest request, string reason, CancellationToken cancellationToken)
    {
        var url = QueryHelpers.AddQueryString(request.Callback, new Dictionary<string, string?>
        {
            ["hub.mode"] = "denied",
            ["hub.topic"] = request.Topic.Url,
            ["hub.reason"] = reason,
        });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.Timeout);
        try
        {
            using var client = clients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Denied either way.
        }

        LogDenied(request.Topic.Url, request.CallbackOrigin, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub {Mode} to {Topic} confirmed by {Callback} (lease {LeaseSeconds} s)")]
    private partial void LogConfirmed(string mode, string topic, string callback, int leaseSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub {Mode} to {Topic} not confirmed by {Callback}: {Why}")]
    private partial void LogNotConfirmed(string mode, string topic, string callback, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub subscription to {Topic} from {Callback} denied: {Reason}")]
    private partial void LogDenied(string topic, string callback, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "WebSub verification for {Topic} with {Callback} failed")]
    private partial void LogFailed(Exception exception, string topic, string callback);
}
