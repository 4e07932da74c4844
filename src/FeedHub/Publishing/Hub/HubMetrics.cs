using System.Diagnostics.Metrics;

namespace FeedHub.Publishing.Hub;

/// <summary>What the WebSub hub tells an operator through <c>/metrics</c>: deliveries and verifications, by outcome.</summary>
internal sealed class HubMetrics
{
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _verifications;

    public HubMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Product.Name);
        _deliveries = meter.CreateCounter<long>(
            "feedhub.websub.deliveries",
            "{delivery}",
            "Content distribution attempts by topic and outcome: delivered (2xx), failed (to be retried), gone (410, the subscription ended), abandoned (retries used up).");
        _verifications = meter.CreateCounter<long>(
            "feedhub.websub.verifications",
            "{verification}",
            "Verifications of intent by mode (subscribe, unsubscribe) and outcome: confirmed, declined (not the challenge, or not 2xx), "
            + "unreachable (no answer, or an address the network guard refuses), denied (the topic has as many subscribers as the hub takes).");
    }

    public void RecordDelivery(string topic, string outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordVerification(string mode, string outcome) =>
        _verifications.Add(1, new KeyValuePair<string, object?>("mode", mode), new KeyValuePair<string, object?>("outcome", outcome));
}
