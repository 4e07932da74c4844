namespace FeedHub.Model;

/// <summary>What FeedHub may republish of a source's items.</summary>
public enum LicensePolicy
{
    /// <summary>Full content.</summary>
    Full,

    /// <summary>A short excerpt and the link.</summary>
    Excerpt,

    /// <summary>Title and link only.</summary>
    LinkOnly,
}
