using System.ComponentModel.DataAnnotations;

namespace FeedHub;

/// <summary>Settings every part of FeedHub shares.</summary>
public sealed class FeedHubOptions
{
    public const string Section = "FeedHub";

    /// <summary>The absolute base of every link FeedHub gives out, and the contact URL in its User-Agent.</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5080");
}
