using FeedHub.Model;

namespace FeedHub.Parsing;

/// <summary>A feed document as FeedHub's model sees it, whatever its format.</summary>
/// <param name="Title">The feed's own title, plain text.</param>
/// <param name="SiteUrl">The feed's home page, absolute.</param>
public sealed record ParsedFeed(string? Title, string? SiteUrl, IReadOnlyList<Item> Items);
