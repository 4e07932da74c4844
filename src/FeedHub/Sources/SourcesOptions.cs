using FeedHub.Model;

namespace FeedHub.Sources;

/// <summary>The sources declared in configuration (<c>FeedHub:Sources</c>) and the OPML file merged with them.</summary>
public sealed class SourcesOptions
{
    public const string Section = "FeedHub";

    public List<SourceOptions> Sources { get; set; } = [];

    /// <summary>An OPML 2.0 file, relative to the content root; empty for none.</summary>
    public string? SourcesOpml { get; set; } = "feeds/sources.opml";
}

public sealed class SourceOptions
{
    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Url { get; set; }

    /// <summary>Empty for <c>FeedHub:Polling:DefaultSchedule</c>.</summary>
    public string? Schedule { get; set; }

    public List<string> Tags { get; set; } = [];

    public LicensePolicy License { get; set; } = LicensePolicy.Full;
}
