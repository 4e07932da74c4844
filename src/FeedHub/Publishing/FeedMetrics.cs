using System.Diagnostics.Metrics;

namespace FeedHub.Publishing;

/// <summary>
/// Who reads the published feeds, through <c>/metrics</c>: requests per channel, format and kind of
/// document, and how many of them a conditional GET answered with 304.
/// </summary>
internal sealed class FeedMetrics
{
    private readonly Counter<long> _requests;

    public FeedMetrics(IMeterFactory meters) =>
        _requests = meters.Create(Product.Name).CreateCounter<long>(
            "feedhub.feed.requests",
            "{request}",
            "Feed documents served, by channel, format (atom, rss, json), document (current, archive) and status (200, or 304 for a conditional GET that matched).");

    /// <summary>Counts a request for a document that exists; unknown channels are not counted, so a client cannot make up labels.</summary>
    public void RecordRequest(string channel, PublishedFormat format, bool archive, bool notModified) =>
        _requests.Add(
            1,
            new KeyValuePair<string, object?>("channel", channel),
            new KeyValuePair<string, object?>("format", format.Extension()),
            new KeyValuePair<string, object?>("document", archive ? "archive" : "current"),
            new KeyValuePair<string, object?>("status", notModified ? "304" : "200"));
}
