using System.Globalization;
using System.Text;
using FeedHub.Model;

namespace FeedHub.Publishing.Hub;

internal enum HubMode
{
    Subscribe,
    Unsubscribe,
}

/// <summary>A subscriber's request (WebSub §5.1), checked; it takes effect only once the callback confirms it.</summary>
internal sealed record HubRequest(HubMode Mode, HubTopic Topic, string Callback, int LeaseSeconds, string? Secret, string SignatureAlgorithm)
{
    /// <summary>FeedHub's extension: which HMAC the subscriber wants (<c>sha1</c>, <c>sha256</c>, <c>sha384</c>, <c>sha512</c>).</summary>
    public const string AlgorithmParameter = "hub.signature_algorithm";

    private const int MaxCallbackLength = 2048;

    /// <summary>
    /// Reads a request from its form fields. Parameters the hub does not know are ignored, as the
    /// specification requires.
    /// </summary>
    /// <returns>The request, or why it is refused, naming the parameter at fault.</returns>
    public static (HubRequest? Request, string? Error) Parse(IFormCollection form, HubTopics topics, HubOptions options)
    {
        string? Single(string name) => form.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

        var mode = Single("hub.mode");
        if (mode is "publish")
        {
            return (null, "hub.mode: publish is not taken here; this hub publishes FeedHub's own channels as they change.");
        }

        if (mode is not ("subscribe" or "unsubscribe"))
        {
            return (null, "hub.mode: must be subscribe or unsubscribe.");
        }

        var callbackText = Single("hub.callback");
        if (string.IsNullOrEmpty(callbackText))
        {
            return (null, "hub.callback: required.");
        }

        if (callbackText.Length > MaxCallbackLength
            || !Uri.TryCreate(callbackText, UriKind.Absolute, out var callback)
            || callback.Scheme is not ("http" or "https")
            || callback.Fragment.Length > 0)
        {
            return (null, $"hub.callback: must be an absolute http or https URL without a fragment, at most {MaxCallbackLength} characters.");
        }

        var topicText = Single("hub.topic");
        if (string.IsNullOrEmpty(topicText))
        {
            return (null, "hub.topic: required.");
        }

        if (topics.Find(topicText) is not { } topic)
        {
            return (null, $"hub.topic: {topicText} is not a topic of this hub. Topics are FeedHub's own channels: {string.Join(", ", topics.All.Select(t => t.Url))}.");
        }

        var lease = (int)options.DefaultLease.TotalSeconds;
        var leaseText = Single("hub.lease_seconds");
        if (mode == "subscribe" && !string.IsNullOrEmpty(leaseText))
        {
            if (!int.TryParse(leaseText, NumberStyles.None, CultureInfo.InvariantCulture, out lease) || lease < 1)
            {
                return (null, "hub.lease_seconds: must be a positive whole number of seconds.");
            }
        }

        lease = Math.Min(lease, (int)options.MaxLease.TotalSeconds);

        var secret = Single("hub.secret");
        if (string.IsNullOrEmpty(secret))
        {
            secret = null;
        }
        else if (Encoding.UTF8.GetByteCount(secret) >= 200)
        {
            return (null, "hub.secret: must be less than 200 bytes.");
        }

        var algorithm = Single(AlgorithmParameter) is { Length: > 0 } asked ? asked : HubSignature.DefaultAlgorithm;
        if (!HubSignature.Algorithms.Contains(algorithm))
        {
            return (null, $"{AlgorithmParameter}: must be one of {string.Join(", ", HubSignature.Algorithms)}.");
        }

        return (new HubRequest(mode == "subscribe" ? HubMode.Subscribe : HubMode.Unsubscribe, topic, callbackText, lease, secret, algorithm), null);
    }

    /// <summary>Where the callback is, for logs: never its path or query, which may be a capability URL.</summary>
    public string CallbackOrigin => Origin(Callback);

    public static string Origin(string callback) => new Uri(callback).GetLeftPart(UriPartial.Authority);
}
