namespace FeedHub.Polling;

/// <summary>How one HTTP fetch of a feed ended.</summary>
internal abstract record FetchResult(int? HttpStatus);

/// <summary>A 2xx with its body (decompressed, within the cap) and the validators to send next time.</summary>
/// <param name="DocumentUrl">The document's base URI: its Content-Location, else its URL after redirects.</param>
internal sealed record FetchedDocument(int? HttpStatus, byte[] Body, string? ContentType, Uri DocumentUrl, string? ETag, string? LastModified)
    : FetchResult(HttpStatus)
{
    /// <summary>Where the feed now lives, when every redirect on the way was permanent (301, 308).</summary>
    public Uri? MovedTo { get; init; }

    /// <summary>How long the server says the document stays fresh (Cache-Control max-age, or Expires).</summary>
    public TimeSpan? FreshFor { get; init; }

    /// <summary>The WebSub hubs the response's <c>Link</c> headers advertise; they win over the document's.</summary>
    public IReadOnlyList<string> LinkHubs { get; init; } = [];

    /// <summary>The response's <c>Link rel="self"</c>, if any.</summary>
    public string? LinkSelf { get; init; }
}

/// <summary>A 304: nothing changed since the validators were issued.</summary>
/// <param name="MovedTo">Where the feed now lives, when every redirect on the way was permanent.</param>
internal sealed record NotModified(Uri? MovedTo = null) : FetchResult(304);

/// <summary>A 429 or 503 with Retry-After: the server asks to be left alone for a while. Not a failure.</summary>
internal sealed record RateLimited(int? HttpStatus, RetryAfter RetryAfter) : FetchResult(HttpStatus);

/// <summary>A Retry-After header: a delay, or a date.</summary>
internal sealed record RetryAfter(TimeSpan? Delay, DateTimeOffset? Date)
{
    public DateTimeOffset From(DateTimeOffset now) => Date ?? now + (Delay ?? TimeSpan.Zero);
}

/// <summary>No document: what kind of failure, the reason in words, and the status when the server answered at all.</summary>
internal sealed record FetchFailed(FetchErrorKind Kind, int? HttpStatus, string Error, long Bytes = 0) : FetchResult(HttpStatus);

/// <summary>
/// A small fixed set of ways a fetch fails, for metrics and alerts; the words in
/// <see cref="FetchFailed.Error"/> say the rest.
/// </summary>
internal enum FetchErrorKind
{
    /// <summary>No answer: the name did not resolve, the connection was refused or broke, or the address is not allowed.</summary>
    Network,

    /// <summary>The whole exchange took longer than the polling timeout.</summary>
    Timeout,

    /// <summary>A 4xx other than 410 (and a 429 without Retry-After).</summary>
    Http4xx,

    /// <summary>A 5xx (and a 503 without Retry-After).</summary>
    Http5xx,

    /// <summary>410 Gone: the source is retired.</summary>
    Gone,

    /// <summary>Too many redirects, or a loop.</summary>
    Redirect,

    /// <summary>The body passed the size cap.</summary>
    TooLarge,

    /// <summary>A body that is not a feed FeedHub can read, or could not be decompressed.</summary>
    Parse,

    /// <summary>Anything nobody foresaw (a bug, or the store failing to commit the poll): still a recorded failure with backoff.</summary>
    Unexpected,
}
