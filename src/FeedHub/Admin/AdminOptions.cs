using System.ComponentModel.DataAnnotations;

namespace FeedHub.Admin;

public sealed class AdminOptions
{
    public const string Section = "FeedHub:Admin";

    public const int MinimumKeyLength = 16;

    /// <summary>The bearer key of the admin API. Without one, every admin call is refused.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Wrong keys one client address may present in a minute, to the API or the dashboard's sign-in,
    /// before it is refused (429) without its key being checked, until the minute is out.
    /// </summary>
    [Range(1, 10_000)]
    public int KeyGuessesPerMinute { get; set; } = 10;
}

