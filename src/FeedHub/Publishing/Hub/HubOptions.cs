using System.ComponentModel.DataAnnotations;

namespace FeedHub.Publishing.Hub;

/// <summary>
/// The WebSub hub for FeedHub's own channels (<c>FeedHub:WebSub</c>). The section also holds the
/// subscriber's settings (<c>Polling.Push.PushOptions</c>); <c>Timeout</c>,
/// <c>AllowPrivateCallbacks</c> and <c>CheckInterval</c> are read by both ends.
/// </summary>
public sealed class HubOptions
{
    public const string Section = "FeedHub:WebSub";

    /// <summary>The hub's path under <c>FeedHub:PublicBaseUrl</c>.</summary>
    public const string HubPath = "websub";

    /// <summary>Off: no hub, no <c>rel="hub"</c> links, no deliveries.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The lease granted when a subscriber asks for none (the specification suggests ten days).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan DefaultLease { get; set; } = TimeSpan.FromDays(10);

    /// <summary>The longest lease granted, whatever is asked: leases always expire.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan MaxLease { get; set; } = TimeSpan.FromDays(30);

    [Range(1, 100_000)]
    public int MaxSubscriptionsPerTopic { get; set; } = 1000;

    /// <summary>Subscription requests accepted from one client address per minute.</summary>
    [Range(1, 10_000)]
    public int RequestsPerMinute { get; set; } = 30;

    /// <summary>Other hubs advertised beside FeedHub's own and told of every change (<c>hub.mode=publish</c>).</summary>
    public List<Uri> ExternalHubs { get; set; } = [];

    /// <summary>Attempts at one delivery before it is given up (the subscription stays, and gets the next change).</summary>
    [Range(1, 100)]
    public int MaxDeliveryAttempts { get; set; } = 10;

    /// <summary>The wait after a first failed delivery; it doubles after each further failure, up to <see cref="RetryBackoffCap"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:00.100", "7.00:00:00")]
    public TimeSpan RetryBackoffCap { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The deadline of one verification, delivery or ping, connect to last byte.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Lets callbacks (and external hubs) be on loopback, private and link-local addresses. Off: a
    /// subscriber on the internet cannot make FeedHub call into its own network.
    /// </summary>
    public bool AllowPrivateCallbacks { get; set; }

    /// <summary>
    /// How often the channels are compared with what subscribers were last sent, besides right after
    /// a poll or an article changes them: this catches changes made by another process (a command).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The least time between two comparisons of the channels. A change is compared at once when the
    /// last comparison is older than this; changes that follow within it (a poll cycle storing
    /// thousands of polls) wait for its end and are compared together, not once per poll. Keep it
    /// well under a second so that subscribers still get each change within one. Zero compares after every change.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan Settle { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Every hub a channel advertises: FeedHub's own first, then the external ones.</summary>
    public IReadOnlyList<Uri> Hubs(Uri publicBaseUrl) =>
        Enabled ? [new Uri(publicBaseUrl, HubPath), .. ExternalHubs] : [];
}
