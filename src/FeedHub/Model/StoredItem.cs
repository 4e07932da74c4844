namespace FeedHub.Model;

/// <summary>An item as the store keeps it: the upstream's item plus FeedHub's bookkeeping.</summary>
public sealed record StoredItem
{
    public required long Id { get; init; }

    public required string SourceId { get; init; }

    public required Item Item { get; init; }

    public required DateTimeOffset FirstSeenAt { get; init; }
}
