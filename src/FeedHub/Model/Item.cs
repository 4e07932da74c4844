namespace FeedHub.Model;

/// <summary>
/// One upstream story as FeedHub understands it, whatever format it arrived in.
/// URLs are absolute, dates are UTC, HTML is sanitized.
/// </summary>
public sealed record Item
{
    /// <summary>The upstream's own id (RSS guid, Atom id, JSON Feed id), if it gave one.</summary>
    public string? Guid { get; init; }

    /// <summary>Plain text: markup stripped, entities decoded.</summary>
    public string? Title { get; init; }

    public string? Link { get; init; }

    public string? Summary { get; init; }

    public string? ContentHtml { get; init; }

    public IReadOnlyList<ItemAuthor> Authors { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public DateTimeOffset? Published { get; init; }

    public DateTimeOffset? Updated { get; init; }

    public IReadOnlyList<ItemEnclosure> Enclosures { get; init; } = [];
}

public sealed record ItemAuthor(string? Name, string? Email, string? Uri);

public sealed record ItemEnclosure(string Url, string? Type, long? Length);
