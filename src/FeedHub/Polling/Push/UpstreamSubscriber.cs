using System.Security.Cryptography;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Polling.Push;

/// <summary>
/// FeedHub as a WebSub subscriber of its upstreams. Keeps one subscription per active source whose
/// feed advertises a hub: asks for it (with a callback under <c>FeedHub:PublicBaseUrl</c> and a
/// random secret of its own), renews it when 85 % of the lease has passed, asks again later when a
/// hub denied or failed it, and unsubscribes when the source is paused, retired or deleted or its hub
/// changes. Whenever a subscription becomes live or stops being live, the source's next poll moves
/// to the safety net or back to the time its own policy chose (both <see cref="PollPolicy"/>'s). Runs after each change to the sources and every
/// <see cref="PushOptions.CheckInterval"/>.
/// </summary>
internal sealed partial class UpstreamSubscriber(
    Database database,
    SourceStore sources,
    UpstreamSubscriptionStore subscriptions,
    ContentVersion changes,
    IHttpClientFactory clients,
    PushMetrics metrics,
    TimeProvider time,
    IOptions<PushOptions> options,
    IOptions<FeedHubOptions> feedHub,
    ILogger<UpstreamSubscriber> logger) : BackgroundService
{
    public const string HttpClientName = "WebSubSubscriber";

    /// <summary>Callbacks are <c>{PublicBaseUrl}/websub/callback/{id}</c>, one opaque id per subscription request.</summary>
    public const string CallbackPath = "websub/callback";

    /// <summary>The share of a lease after which it is renewed.</summary>
    private const double RenewAt = 0.85;

    /// <summary>How long an unsubscription waits for its hub's confirmation before the row is dropped anyway.</summary>
    private static readonly TimeSpan UnsubscribeGiveUp = TimeSpan.FromDays(1);

    private readonly WakeUp _wake = new();

    // One pass at a time in this process too: two at once could both find a renewal due and ask twice.
    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>Looks at the subscriptions again now (a source changed, or a hub answered).</summary>
    public void Wake() => _wake.Ring();

    public Uri Callback(string id) => new(feedHub.Value.PublicBaseUrl, $"{CallbackPath}/{id}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.CannotSubscribe(feedHub.Value.PublicBaseUrl) is { } why)
        {
            LogNotSubscribing(why);
            return;
        }

        bool running;
        do
        {
            var changed = changes.NextSourcesChange;
            var woken = _wake.Next;
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(e);
            }

            running = await WakeUp.WaitAsync(Task.WhenAny(changed, woken), options.Value.CheckInterval, time, stoppingToken);
        }
        while (running);
    }

    /// <summary>Brings every source's subscription to what its state and feed call for.</summary>
    internal async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            await ReconcileOnceAsync(cancellationToken);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        // Nodes sharing a store take turns; the later ones find the requests already made.
        await using var turn = await database.LockAsync("feedhub:websub-subscriber", cancellationToken);
        var now = time.GetUtcNow();
        var all = await sources.ListAsync(cancellationToken);
        var rows = await subscriptions.ListAsync(cancellationToken);
        var known = all.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);

        foreach (var row in rows.Where(r => r.State == UpstreamState.Unsubscribing && now - r.RequestedAt > UnsubscribeGiveUp))
        {
            await subscriptions.DeleteAsync(row.Id, cancellationToken);
        }

        foreach (var orphan in rows.Where(r => r.State != UpstreamState.Unsubscribing && !known.Contains(r.SourceId)))
        {
            await UnsubscribeAsync(orphan, "the source was deleted", cancellationToken);
        }

        var standing = rows.Where(r => r.State != UpstreamState.Unsubscribing).ToLookup(r => r.SourceId, StringComparer.Ordinal);
        foreach (var source in all)
        {
            var current = standing[source.Id].MaxBy(r => r.RequestedAt);
            var wanted = source.Status == SourceStatus.Active && source.Hub is not null && source.Topic is not null;
            if (current is not null && (!wanted || current.Hub != source.Hub || current.Topic != source.Topic))
            {
                var why = !wanted
                    ? source.Status == SourceStatus.Active ? "the feed no longer advertises a hub" : $"the source is {source.Status.ToString().ToLowerInvariant()}"
                    : "the feed now advertises another hub or topic";
                await UnsubscribeAsync(current, why, cancellationToken);
                if (current.IsLive(now))
                {
                    await BackToScheduleAsync(source.Id, cancellationToken);
                }

                current = null;
            }

            if (!wanted)
            {
                continue;
            }

            if (current is null)
            {
                await SubscribeNewAsync(source, cancellationToken);
                continue;
            }

            await KeepAsync(source, current, now, cancellationToken);
        }

        metrics.SetUpstreamSubscriptions(await subscriptions.CountByStateAsync(cancellationToken));
    }

    /// <summary>Renews a live subscription in time, notices a lapsed one, and asks again after a refusal.</summary>
    private async Task KeepAsync(Source source, UpstreamSubscription current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var retryDelay = options.Value.SubscribeRetryDelay;
        switch (current.State)
        {
            case UpstreamState.Verified when current.ExpiresAt <= now:
                await subscriptions.SetStateAsync(current.Id, UpstreamState.Expired, "The lease ended before a renewal was verified.", now, cancellationToken);
                LogLapsed(source.Id);
                await BackToScheduleAsync(source.Id, cancellationToken);
                await RequestAsync(current, renewal: false, cancellationToken);
                break;

            case UpstreamState.Verified:
                var lease = TimeSpan.FromSeconds(current.LeaseSeconds ?? 0);
                var renewFrom = current.VerifiedAt!.Value + (lease * RenewAt);

                // One renewal request per lease; if its verification never comes, the lease lapses and polling takes over.
                if (now >= renewFrom && current.RequestedAt < renewFrom)
                {
                    await RequestAsync(current, renewal: true, cancellationToken);
                }

                break;

            case UpstreamState.Requested when now - current.RequestedAt >= retryDelay:
            case UpstreamState.Denied or UpstreamState.Failed or UpstreamState.Expired when now - (current.LastOutcomeAt ?? current.RequestedAt) >= retryDelay:
                await RequestAsync(current, renewal: false, cancellationToken);
                break;
        }
    }

    private async Task SubscribeNewAsync(Source source, CancellationToken cancellationToken)
    {
        var subscription = new UpstreamSubscription
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            SourceId = source.Id,
            Hub = source.Hub!,
            Topic = source.Topic!,
            Secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            State = UpstreamState.Requested,
            RequestedAt = time.GetUtcNow(),
            LastOutcome = "Subscription requested.",
            LastOutcomeAt = time.GetUtcNow(),
        };

        // Stored before the request is sent: the hub may call back before it answers.
        await subscriptions.CreateAsync(subscription, cancellationToken);
        await RequestAsync(subscription, renewal: false, cancellationToken);
    }

    /// <summary>Sends <c>hub.mode=subscribe</c>; the hub's verification of intent arrives at the callback later.</summary>
    private async Task RequestAsync(UpstreamSubscription subscription, bool renewal, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await subscriptions.RequestedAsync(subscription.Id, now, cancellationToken);
        if (!renewal && subscription.State != UpstreamState.Requested)
        {
            await subscriptions.SetStateAsync(subscription.Id, UpstreamState.Requested, "Subscription requested again.", now, cancellationToken);
        }

        var error = await SendAsync(subscription, "subscribe", cancellationToken);
        if (error is null)
        {
            LogRequested(subscription.SourceId, subscription.Hub, renewal);
            return;
        }

        metrics.RecordUpstreamVerification("subscribe", "request_failed", subscription.SourceId);
        LogRequestFailed(subscription.SourceId, subscription.Hub, error);
        await subscriptions.SetStateAsync(subscription.Id, UpstreamState.Failed, $"The hub refused or could not be asked: {error}", time.GetUtcNow(), cancellationToken);
        if (renewal || subscription.IsLive(now))
        {
            await BackToScheduleAsync(subscription.SourceId, cancellationToken);
        }
    }

    /// <summary>Ends a subscription: a never verified one is dropped, a verified one waits for its hub to confirm.</summary>
    private async Task UnsubscribeAsync(UpstreamSubscription subscription, string why, CancellationToken cancellationToken)
    {
        if (subscription.State is UpstreamState.Denied or UpstreamState.Failed or UpstreamState.Expired)
        {
            await subscriptions.DeleteAsync(subscription.Id, cancellationToken);
            return;
        }

        await subscriptions.SetStateAsync(subscription.Id, UpstreamState.Unsubscribing, $"Unsubscribing: {why}.", time.GetUtcNow(), cancellationToken);
        await subscriptions.RequestedAsync(subscription.Id, time.GetUtcNow(), cancellationToken);
        var error = await SendAsync(subscription, "unsubscribe", cancellationToken);
        LogUnsubscribing(subscription.SourceId, subscription.Hub, why, error ?? "requested");
        if (error is not null)
        {
            // A hub that cannot be asked will not confirm; its deliveries to the old callback get 410 Gone.
            await subscriptions.DeleteAsync(subscription.Id, cancellationToken);
        }
    }

    /// <returns>Null when the hub accepted the request (2xx), else why not.</returns>
    private async Task<string?> SendAsync(UpstreamSubscription subscription, string mode, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("hub.mode", mode),
            new("hub.topic", subscription.Topic),
            new("hub.callback", Callback(subscription.Id).AbsoluteUri),
        };
        if (mode == "subscribe")
        {
            fields.Add(new("hub.secret", subscription.Secret));
            fields.Add(new("hub.lease_seconds", ((long)options.Value.RequestedLease.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.Timeout);
        try
        {
            using var client = clients.CreateClient(HttpClientName);
            using var response = await client.PostAsync(new Uri(subscription.Hub), new FormUrlEncodedContent(fields), deadline.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"No answer within {options.Value.Timeout.TotalSeconds:0.#} s.";
        }
        catch (HttpRequestException e)
        {
            return e.InnerException is HttpRequestException inner ? inner.Message : e.Message;
        }
    }

    /// <summary>
    /// The hub's verification of intent (WebSub §5.3) for the callback <paramref name="id"/>: confirmed
    /// (the challenge echoed) only for a request FeedHub made, for the topic it asked about.
    /// </summary>
    public async Task<VerificationAnswer> VerifyAsync(string id, string? mode, string? topic, string? challenge, string? leaseSeconds, string? reason, CancellationToken cancellationToken)
    {
        var subscription = await subscriptions.GetAsync(id, cancellationToken);
        var now = time.GetUtcNow();
        if (subscription is null || topic != subscription.Topic)
        {
            metrics.RecordUpstreamVerification(Label(mode), "not_ours", subscription?.SourceId);
            return VerificationAnswer.NotFound;
        }

        switch (mode)
        {
            case "subscribe" when subscription.State is UpstreamState.Requested or UpstreamState.Verified && !string.IsNullOrEmpty(challenge):
                var lease = int.TryParse(leaseSeconds, System.Globalization.CultureInfo.InvariantCulture, out var granted) && granted > 0
                    ? granted
                    : (int)options.Value.RequestedLease.TotalSeconds;
                var wasLive = subscription.IsLive(now);
                await subscriptions.VerifiedAsync(id, lease, now, cancellationToken);
                metrics.RecordUpstreamVerification("subscribe", "verified", subscription.SourceId);
                LogVerified(subscription.SourceId, subscription.Hub, lease);
                if (!wasLive)
                {
                    await ToSafetyNetAsync(subscription.SourceId, cancellationToken);
                }

                Wake();
                return new VerificationAnswer(StatusCodes.Status200OK, challenge);

            case "unsubscribe" when subscription.State == UpstreamState.Unsubscribing && !string.IsNullOrEmpty(challenge):
                await subscriptions.DeleteAsync(id, cancellationToken);
                metrics.RecordUpstreamVerification("unsubscribe", "verified", subscription.SourceId);
                return new VerificationAnswer(StatusCodes.Status200OK, challenge);

            case "denied":
                if (subscription.State == UpstreamState.Unsubscribing)
                {
                    await subscriptions.DeleteAsync(id, cancellationToken);
                }
                else
                {
                    await subscriptions.SetStateAsync(id, UpstreamState.Denied, $"Denied by the hub: {reason ?? "no reason given"}.", now, cancellationToken);
                    if (subscription.IsLive(now))
                    {
                        await BackToScheduleAsync(subscription.SourceId, cancellationToken);
                    }
                }

                metrics.RecordUpstreamVerification("subscribe", "denied", subscription.SourceId);
                LogDenied(subscription.SourceId, subscription.Hub, reason);
                Wake();
                return new VerificationAnswer(StatusCodes.Status200OK, null);

            default:
                metrics.RecordUpstreamVerification(Label(mode), "not_ours", subscription.SourceId);
                return VerificationAnswer.NotFound;
        }
    }

    /// <summary>The mode as a metric label: anyone can call a callback, so only the specification's modes are kept apart.</summary>
    private static string Label(string? mode) => mode is "subscribe" or "unsubscribe" or "denied" ? mode : "other";

    /// <summary>A live subscription pushes changes: the next poll moves out to the safety net after the last one.</summary>
    private async Task ToSafetyNetAsync(string sourceId, CancellationToken cancellationToken)
    {
        if (await sources.GetAsync(sourceId, cancellationToken) is not { Status: SourceStatus.Active } source)
        {
            return;
        }

        var safetyNet = PollPolicy.SafetyNet(source.State.LastAttemptAt ?? time.GetUtcNow(), options.Value.SafetyNetInterval);
        await sources.DeferAsync(sourceId, safetyNet, cancellationToken);
        LogSafetyNet(sourceId, safetyNet);
    }

    /// <summary>Nothing pushes the source any more: its next poll is the one its own policy chose at its last poll, at once if that has passed.</summary>
    private async Task BackToScheduleAsync(string sourceId, CancellationToken cancellationToken)
    {
        await sources.EndDeferralAsync(sourceId, cancellationToken);
        LogBackToSchedule(sourceId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "FeedHub does not subscribe to upstream WebSub hubs. {Why}")]
    private partial void LogNotSubscribing(string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the upstream WebSub subscriptions failed")]
    private partial void LogFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked {Hub} to push {SourceId} (renewal: {Renewal})")]
    private partial void LogRequested(string sourceId, string hub, bool renewal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing {SourceId} at {Hub} failed: {Error}")]
    private partial void LogRequestFailed(string sourceId, string hub, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsubscribing {SourceId} at {Hub}, because {Why}: {Result}")]
    private partial void LogUnsubscribing(string sourceId, string hub, string why, string result);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Hub} verified the subscription of {SourceId}, lease {LeaseSeconds} s")]
    private partial void LogVerified(string sourceId, string hub, int leaseSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Hub} denied the subscription of {SourceId}: {Reason}")]
    private partial void LogDenied(string sourceId, string hub, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The WebSub lease of {SourceId} ended without a verified renewal")]
    private partial void LogLapsed(string sourceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{SourceId} is pushed: polled as a safety net only, next at {NextPoll:o} at the earliest")]
    private partial void LogSafetyNet(string sourceId, DateTimeOffset nextPoll);

    [LoggerMessage(Level = LogLevel.Information, Message = "{SourceId} is no longer pushed: back on its schedule")]
    private partial void LogBackToSchedule(string sourceId);
}

/// <summary>The answer to a hub's verification GET: the status and, when confirming, the challenge as the body.</summary>
internal sealed record VerificationAnswer(int Status, string? Body)
{
    public static readonly VerificationAnswer NotFound = new(StatusCodes.Status404NotFound, null);
}
