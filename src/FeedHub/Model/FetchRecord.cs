namespace FeedHub.Model;

/// <summary>One poll attempt of one source, as the fetch log keeps it.</summary>
public sealed record FetchRecord
{
    public long Id { get; init; }

    public required string SourceId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required TimeSpan Duration { get; init; }

    public required FetchOutcome Outcome { get; init; }

    public int? HttpStatus { get; init; }

    /// <summary>Bytes of the body after decompression.</summary>
    public long Bytes { get; init; }

    public int ItemsSeen { get; init; }

    public int ItemsNew { get; init; }

    public int ItemsUpdated { get; init; }

    /// <summary>What went wrong, in words an operator can act on.</summary>
    public string? Error { get; init; }

    /// <summary>What FeedHub had to repair, or could not read, in a document it did read (ill-formed markup, unreadable dates).</summary>
    public string? Notes { get; init; }
}

public enum FetchOutcome
{
    /// <summary>A 200 whose document parsed.</summary>
    Fetched,

    /// <summary>A 304: the validators still match.</summary>
    NotModified,

    /// <summary>Anything that did not end in items: network, HTTP status, size, parse.</summary>
    Failed,

    /// <summary>A 429 or 503 with Retry-After: the source waits as asked. Not a failure.</summary>
    RateLimited,

    /// <summary>Content a WebSub hub pushed, signed with the source's secret, and read like a poll's document.</summary>
    Pushed,

    /// <summary>A push that was not stored: unsigned, wrongly signed, too large, or not a feed (the error says which).</summary>
    PushRefused,
}
