using System.ComponentModel.DataAnnotations;

namespace FeedHub.Polling;

public sealed class PollingOptions
{
    public const string Section = "FeedHub:Polling";

    /// <summary>The schedule of sources that declare none: an interval or a cron expression.</summary>
    [Required]
    public string DefaultSchedule { get; set; } = "30m";

    /// <summary>The whole fetch, connect to last byte; a slow-drip server cannot hold a poll longer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest body accepted, counted after decompression.</summary>
    [Range(1024, 1L << 30)]
    public long MaxBodyBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Polls running at once, all sources together.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Polls running at once against one host.</summary>
    [Range(1, 64)]
    public int MaxConcurrencyPerHost { get; set; } = 2;

    /// <summary>Empty for <c>FeedHub/{version} (+{PublicBaseUrl})</c>.</summary>
    public string? UserAgent { get; set; }

    /// <summary>Lets sources reach loopback, private and link-local addresses. Off: FeedHub is not a proxy into its own network.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The longest a failing source waits between attempts; it keeps retrying at this pace.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromHours(6);

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// How long a node's claim on a due source lasts: the wait for a free slot and the fetch must fit in
    /// it (a poll that would not is given back). A node that dies holds its sources this long at most.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);
}
