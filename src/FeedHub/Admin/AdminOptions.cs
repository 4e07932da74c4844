namespace FeedHub.Admin;

public sealed class AdminOptions
{
    public const string Section = "FeedHub:Admin";

    public const int MinimumKeyLength = 16;

    /// <summary>The bearer key of the admin API. Without one, every admin call is refused.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Where the keys that protect dashboard sessions and forms are kept (relative to the content root).
    /// Nodes behind one address must share this folder, or a session signed in on one is refused by the others.
    /// </summary>
    public string KeysPath { get; set; } = "data/keys";
}
