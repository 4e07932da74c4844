namespace FeedHub.Polling;

/// <summary>How one HTTP fetch of a feed ended.</summary>
internal abstract record FetchResult(int? HttpStatus);

/// <summary>A 2xx with its body (decompressed, within the cap) and the validators to send next time.</summary>
/// <param name="DocumentUrl">The document's base URI: its Content-Location, else its URL after redirects.</param>
internal sealed record FetchedDocument(int? HttpStatus, byte[] Body, string? ContentType, Uri DocumentUrl, string? ETag, string? LastModified)
    : FetchResult(HttpStatus);

/// <summary>A 304: nothing changed since the validators were issued.</summary>
internal sealed record NotModified() : FetchResult(304);

/// <summary>No document: the reason in words, and the status when the server answered at all.</summary>
internal sealed record FetchFailed(int? HttpStatus, string Error, long Bytes = 0) : FetchResult(HttpStatus);
