using System.ComponentModel.DataAnnotations;
using System.Net;
using FeedHub.Network;

namespace FeedHub.Polling.Push;

/// <summary>
/// FeedHub as a subscriber of the hubs upstream feeds advertise (<c>FeedHub:WebSub</c>, the section
/// it shares with the hub's <c>Publishing.Hub.HubOptions</c>; <c>Timeout</c>,
/// <c>AllowPrivateCallbacks</c> and <c>CheckInterval</c> are read by both ends).
/// </summary>
public sealed class PushOptions
{
    public const string Section = "FeedHub:WebSub";

    /// <summary>
    /// Subscribes to the hubs upstream feeds advertise, so that their changes are pushed. Needs a
    /// <c>FeedHub:PublicBaseUrl</c> the hubs can reach: one on a loopback or private address is only
    /// used with <see cref="AllowPrivateCallbacks"/>.
    /// </summary>
    public bool Subscribe { get; set; } = true;

    /// <summary>The lease asked of upstream hubs (a hub may grant another); renewed when 85 % of it has passed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan RequestedLease { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How often a pushed source is still polled, in case a push is lost; a source whose own schedule
    /// is slower keeps it. Polling returns to the source's schedule when the subscription is not live.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan SafetyNetInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait before asking a hub again after it denied, failed or never verified a subscription.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan SubscribeRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The deadline of one subscription request to a hub.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Lets FeedHub subscribe with a callback on a loopback or private address (a hub on the same network).</summary>
    public bool AllowPrivateCallbacks { get; set; }

    /// <summary>How often FeedHub's own upstream subscriptions are checked for renewal and expiry.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Why FeedHub cannot subscribe to upstream hubs, or null when it can.</summary>
    public string? CannotSubscribe(Uri publicBaseUrl)
    {
        if (!Subscribe)
        {
            return "Not subscribed: FeedHub:WebSub:Subscribe is off.";
        }

        var host = publicBaseUrl.IdnHost;
        var local = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && !NetworkGuard.IsPublic(address));
        return local && !AllowPrivateCallbacks
            ? $"Not subscribed: FeedHub:PublicBaseUrl ({publicBaseUrl}) is not an address a hub can call back; set it to FeedHub's public address "
                + "(or FeedHub:WebSub:AllowPrivateCallbacks on a private network)."
            : null;
    }
}
