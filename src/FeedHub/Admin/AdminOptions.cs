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

/// <summary>
/// Where the keys that protect dashboard sessions and forms are kept (<c>FeedHub:Admin:KeysPath</c>,
/// relative to the content root). Bound apart from <see cref="AdminOptions"/>: the key ring is read
/// while the host is built, before a bad API key is reported the usual way at start.
/// </summary>
public sealed class DashboardKeysOptions
{
    /// <summary>Nodes behind one address must share this folder, or a session signed in on one is refused by the others.</summary>
    public string KeysPath { get; set; } = "data/keys";
}
