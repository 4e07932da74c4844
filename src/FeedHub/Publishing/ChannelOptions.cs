using System.ComponentModel.DataAnnotations;

namespace FeedHub.Publishing;

/// <summary>The channels FeedHub publishes (<c>FeedHub:Channels</c>).</summary>
public sealed class ChannelsOptions
{
    public const string Section = "FeedHub";

    public List<ChannelOptions> Channels { get; set; } = [];
}

/// <summary>
/// One published channel: the site's own articles, aggregated items of chosen sources or tags
/// (optionally only those mentioning a keyword), or both, newest first.
/// </summary>
public sealed class ChannelOptions
{
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,63}$")]
    public string Id { get; set; } = "";

    [Required]
    public string Title { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Include the site's own articles.</summary>
    public bool Articles { get; set; }

    /// <summary>Include items of these source ids; "*" for every source.</summary>
    public List<string> Sources { get; set; } = [];

    /// <summary>Include items of sources with any of these tags.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>When set, only items mentioning one of these words (title, summary or content).</summary>
    public List<string> Keywords { get; set; } = [];

    [Range(1, 1000)]
    public int Limit { get; set; } = 50;

    /// <summary>A statement of rights for the channel as a whole.</summary>
    public string? Rights { get; set; }

    /// <summary>An icon for the channel, absolute or relative to <c>FeedHub:PublicBaseUrl</c>.</summary>
    public string? Icon { get; set; }

    public bool IncludesItems => Sources.Count > 0 || Tags.Count > 0;
}
