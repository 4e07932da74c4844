using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FeedHub.Polling.Push;

/// <summary>What FeedHub as a subscriber of upstream hubs tells an operator through <c>/metrics</c>: pushes, verifications, latency and subscriptions.</summary>
internal sealed class PushMetrics
{
    private readonly Counter<long> _pushes;
    private readonly Counter<long> _upstreamVerifications;
    private readonly Histogram<double> _pushLatency;
    private volatile IReadOnlyDictionary<string, long> _upstreamSubscriptions = new Dictionary<string, long>();

    public PushMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Product.Name);
        _pushes = meter.CreateCounter<long>(
            "feedhub.websub.subscriber.pushes",
            "{push}",
            "Content pushed by upstream hubs, by outcome: accepted (signature valid, stored like a poll), bad_signature, unsigned, "
            + "unknown_subscription (a callback FeedHub no longer uses; answered 410), parse_error (signed, but not a feed), too_large.");
        _upstreamVerifications = meter.CreateCounter<long>(
            "feedhub.websub.subscriber.verifications",
            "{verification}",
            "Upstream hubs' verifications of FeedHub's own subscriptions by mode and outcome: verified, denied (hub.mode=denied), "
            + "not_ours (a topic or callback FeedHub did not ask for; answered 404), request_failed (the hub refused the request or could not be reached).");
        _pushLatency = meter.CreateHistogram(
            "feedhub.websub.subscriber.push_latency",
            "s",
            "For each push that stored new or updated items: the time from the newest item date in the pushed document (its updated, "
            + "else published) to when FeedHub had stored it. Publication to storage, so it includes the publisher's and the hub's delays.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });
        meter.CreateObservableGauge(
            "feedhub.websub.subscriber.subscriptions",
            () => _upstreamSubscriptions.Select(s => new Measurement<long>(s.Value, new KeyValuePair<string, object?>("state", s.Key.ToLowerInvariant()))),
            "{subscription}",
            "FeedHub's own subscriptions at upstream hubs by state (requested, verified, denied, failed, expired, unsubscribing), as last checked.");
    }

    /// <param name="sourceId">The source the callback belongs to; null for a callback FeedHub does not know.</param>
    public void RecordPush(string outcome, string? sourceId)
    {
        var tags = new TagList { { "outcome", outcome } };
        if (sourceId is not null)
        {
            tags.Add("source", sourceId);
        }

        _pushes.Add(1, tags);
    }

    /// <param name="sourceId">The source the callback belongs to; null for a callback FeedHub does not know.</param>
    public void RecordUpstreamVerification(string mode, string outcome, string? sourceId)
    {
        var tags = new TagList { { "mode", mode }, { "outcome", outcome } };
        if (sourceId is not null)
        {
            tags.Add("source", sourceId);
        }

        _upstreamVerifications.Add(1, tags);
    }

    public void RecordPushLatency(TimeSpan latency) => _pushLatency.Record(latency.TotalSeconds);

    public void SetUpstreamSubscriptions(IReadOnlyDictionary<string, long> byState) => _upstreamSubscriptions = byState;
}
