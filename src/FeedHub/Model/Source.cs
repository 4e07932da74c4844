namespace FeedHub.Model;

/// <summary>An upstream feed FeedHub follows: what the operator declared and what the poller keeps.</summary>
public sealed record Source
{
    public required string Id { get; init; }

    /// <summary>The title the operator gave, if any; <see cref="DisplayTitle"/> falls back to the feed's own.</summary>
    public string? Title { get; init; }

    public required string Url { get; init; }

    public required string Schedule { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public LicensePolicy License { get; init; } = LicensePolicy.Full;

    public SourceOrigin Origin { get; init; }

    public SourceStatus Status { get; init; } = SourceStatus.Active;

    /// <summary>Why the source is not active, when it is not.</summary>
    public string? StatusReason { get; init; }

    /// <summary>The feed's own title, learnt from its last successful parse.</summary>
    public string? FeedTitle { get; init; }

    /// <summary>The feed's home page, learnt from its last successful parse.</summary>
    public string? SiteUrl { get; init; }

    /// <summary>The feed's own id (Atom's), learnt from its last successful parse.</summary>
    public string? FeedId { get; init; }

    /// <summary>The WebSub hub the feed advertised when it was last read (Link header, else the document), if any.</summary>
    public string? Hub { get; init; }

    /// <summary>The topic to subscribe to at <see cref="Hub"/>: the feed's self URL, else the URL it was fetched from.</summary>
    public string? Topic { get; init; }

    /// <summary>When the lease of its verified WebSub subscription ends, if it has one: until then its hub pushes its changes.</summary>
    public DateTimeOffset? PushedUntil { get; init; }

    public PollState State { get; init; } = PollState.Never;

    public string DisplayTitle => Title ?? FeedTitle ?? Id;
}

/// <summary>What the poller remembers between polls of one source.</summary>
public sealed record PollState
{
    public static readonly PollState Never = new();

    /// <summary>The validators of the last 200, echoed back as If-None-Match and If-Modified-Since.</summary>
    public string? ETag { get; init; }

    public string? LastModified { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    public DateTimeOffset? LastSuccessAt { get; init; }

    public int? LastHttpStatus { get; init; }

    public string? LastError { get; init; }

    /// <summary>Consecutive failed polls; zero after any success.</summary>
    public int ErrorStreak { get; init; }

    /// <summary>When the next poll is due: the schedule's next fire, or later while backing off, rate limited or pushed.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When its own schedule, backoff and Retry-After make it due: <see cref="NextAttemptAt"/> but for the safety net of a push.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>Where the last poll was permanently redirected; the URL moves there if the next poll is too.</summary>
    public string? PermanentRedirect { get; init; }
}

/// <summary>Where a source was declared, which decides who may change or retire it.</summary>
public enum SourceOrigin
{
    Config,
    Opml,
    Api,
}

public enum SourceStatus
{
    Active,
    Paused,
    Retired,
}
