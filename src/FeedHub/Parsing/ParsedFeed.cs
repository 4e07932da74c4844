using FeedHub.Model;

namespace FeedHub.Parsing;

/// <summary>A feed document as FeedHub's model sees it, whatever its format.</summary>
public sealed record ParsedFeed
{
    /// <summary>The feed's own title, plain text.</summary>
    public string? Title { get; init; }

    /// <summary>The feed's home page, absolute.</summary>
    public string? SiteUrl { get; init; }

    /// <summary>The feed's description (RSS) or subtitle (Atom), sanitized HTML.</summary>
    public string? Subtitle { get; init; }

    /// <summary>The feed's own id (Atom), absolute where it is a relative reference.</summary>
    public string? Id { get; init; }

    public DateTimeOffset? Updated { get; init; }

    /// <summary>How often the feed says it changes at most (RSS <c>ttl</c>, <c>sy:updatePeriod</c>): a floor for polling it.</summary>
    public TimeSpan? UpdateInterval { get; init; }

    public IReadOnlyList<Item> Items { get; init; } = [];

    /// <summary>The WebSub hubs the document advertises (<c>link rel="hub"</c>, JSON Feed <c>hubs</c>), absolute, in document order.</summary>
    public IReadOnlyList<string> Hubs { get; init; } = [];

    /// <summary>The document's own URL as it states it (<c>link rel="self"</c>, JSON Feed <c>feed_url</c>): the WebSub topic.</summary>
    public string? Self { get; init; }

    /// <summary>Dates the document gives that could not be read; those fields are left empty, never set to "now".</summary>
    public IReadOnlyList<string> UnreadableDates { get; init; } = [];

    /// <summary>
    /// Why the document was ill-formed, when FeedHub had to repair it to read it; null for a
    /// well-formed document.
    /// </summary>
    public string? Recovery { get; init; }
}
