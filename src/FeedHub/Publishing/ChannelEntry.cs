using FeedHub.Model;

namespace FeedHub.Publishing;

/// <summary>One entry of a published channel, whatever format it is written in.</summary>
public sealed record ChannelEntry
{
    /// <summary>A tag URI that never changes once the entry is published.</summary>
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Link { get; init; }

    public required DateTimeOffset Published { get; init; }

    public required DateTimeOffset Updated { get; init; }

    public IReadOnlyList<ItemAuthor> Authors { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Sanitized HTML with absolute URLs.</summary>
    public string? SummaryHtml { get; init; }

    /// <summary>Sanitized HTML with absolute URLs, when the rights allow the full text.</summary>
    public string? ContentHtml { get; init; }

    public IReadOnlyList<ItemEnclosure> Enclosures { get; init; } = [];

    /// <summary>The upstream stories an own article draws on (<c>link rel="via"</c>).</summary>
    public IReadOnlyList<ArticleSource> Via { get; init; } = [];

    /// <summary>
    /// Where FeedHub stores an upstream story an article draws on, or the articles that draw on a
    /// stored item: the entry ids on the other side, by the upstream story's URL.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Related { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Where a republished item came from (<c>atom:source</c>, RSS <c>source</c>).</summary>
    public EntrySource? Source { get; init; }

    public string? Rights { get; init; }

    public AiDisclosure? Ai { get; init; }
}

/// <param name="Id">The upstream feed's own id where it has one, else its URL.</param>
/// <param name="SiteUrl">The upstream's home page.</param>
/// <param name="FeedUrl">The upstream feed itself.</param>
public sealed record EntrySource(string Id, string Title, string? SiteUrl, string FeedUrl, DateTimeOffset? Updated, LicensePolicy License);

/// <summary>A channel's document: its entries, newest first, when the newest of them changed, and where it sits in the channel's archives.</summary>
/// <param name="FreshFor">How long a cache may keep the document: about as long as its sources go between polls.</param>
public sealed record PublishedChannel(ChannelOptions Options, IReadOnlyList<ChannelEntry> Entries, DateTimeOffset Updated, ArchivePosition Archive, TimeSpan FreshFor);

/// <param name="Page">The archive page this document is, or null for the subscription document.</param>
/// <param name="FullPages">How many archive pages the channel has.</param>
public sealed record ArchivePosition(int? Page, int FullPages);
