using FeedHub.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Publishing.Hub;

/// <summary>
/// Notices when a channel changes and queues its new document for every subscriber. The documents'
/// ETags are compared with those recorded in the store right after a poll stored new or updated items
/// or the articles were read again (<see cref="ContentVersion"/>), and every
/// <see cref="HubOptions.CheckInterval"/> for what another process changed. Rendering a document
/// that has not changed costs one reading of the channel: <see cref="FeedDocumentCache"/> keeps the bytes.
/// Comparisons are at least <see cref="HubOptions.Settle"/> apart, so a poll cycle's many changes are compared together.
/// A change is also announced to the external hubs (<c>hub.mode=publish</c>).
/// A topic nobody listens to (no subscriber, no external hub) is not compared at all: reading and
/// rendering every channel after every poll was the largest cost of a poll cycle, for nobody. Its
/// recorded version may then be old, so <see cref="IntentVerifier"/> compares a topic before a
/// subscription to it starts, and the subscriber is sent what changes from then on.
/// </summary>
internal sealed partial class TopicWatcher(
    ContentVersion changes,
    HubTopics topics,
    FeedDocumentCache documents,
    WebSubStore store,
    DeliveryWorker deliveries,
    IHttpClientFactory clients,
    TimeProvider time,
    IOptions<HubOptions> options,
    ILogger<TopicWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        Task next;
        long checkedAt;
        do
        {
            next = changes.Next;
            checkedAt = time.GetTimestamp();
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
        while (await WakeUp.WaitAsync(next, options.Value.CheckInterval, time, stoppingToken) && await SettleAsync(checkedAt, stoppingToken));
    }

    /// <summary>
    /// Waits until <see cref="HubOptions.Settle"/> has passed since the last comparison began, so
    /// that the changes of a busy spell gather; a change after a quiet spell goes through at once.
    /// </summary>
    /// <returns>False when stopping.</returns>
    private async Task<bool> SettleAsync(long checkedAt, CancellationToken stoppingToken)
    {
        var wait = options.Value.Settle - time.GetElapsedTime(checkedAt);
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        try
        {
            await Task.Delay(wait, time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Compares every topic someone listens to with what was last recorded, queuing deliveries for those that changed.</summary>
    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        var subscribed = options.Value.ExternalHubs.Count > 0 ? null : await store.SubscribedTopicsAsync(time.GetUtcNow(), cancellationToken);
        foreach (var topic in topics.All.Where(t => subscribed?.Contains(t.Url) ?? true))
        {
            await CompareAsync(topic, cancellationToken);
        }
    }

    /// <summary>Compares one topic with what was last recorded; when it changed, queues it for the subscribers and tells the external hubs.</summary>
    internal async Task CompareAsync(HubTopic topic, CancellationToken cancellationToken)
    {
        if (await documents.GetAsync(topic.Channel, topic.Format, archivePage: null, cancellationToken) is not { } document)
        {
            return;
        }

        var (changed, queued) = await store.RecordVersionAsync(topic.Url, document.ETag, topic.ContentType, document.Bytes, time.GetUtcNow(), cancellationToken);
        if (!changed)
        {
            return;
        }

        LogChanged(topic.Url, queued);
        if (queued > 0)
        {
            deliveries.Wake();
        }

        foreach (var hub in options.Value.ExternalHubs)
        {
            await PingAsync(hub, topic.Url, cancellationToken);
        }
    }

    /// <summary>Tells an external hub that a topic changed, the way public hubs take it; a failure is logged, the next change tells it again.</summary>
    private async Task PingAsync(Uri hub, string topic, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.Timeout);
        try
        {
            using var client = clients.CreateClient(IntentVerifier.HttpClientName);
            using var content = new FormUrlEncodedContent([new("hub.mode", "publish"), new("hub.url", topic), new("hub.topic", topic)]);
            using var response = await client.PostAsync(hub, content, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogPingRefused(hub, topic, (int)response.StatusCode);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogPingFailed(hub, topic, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Topic} changed; {Queued} delivery(ies) queued")]
    private partial void LogChanged(string topic, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub {Hub} refused the publish ping for {Topic} (HTTP {Status})")]
    private partial void LogPingRefused(Uri hub, string topic, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub {Hub} could not be told of {Topic}: {Why}")]
    private partial void LogPingFailed(Uri hub, string topic, string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "The channels could not be compared with what WebSub subscribers were last sent; trying again at the next change")]
    private partial void LogFailed(Exception exception);
}
