namespace FeedHub.Admin;

public sealed class AdminOptions
{
    public const string Section = "FeedHub:Admin";

    public const int MinimumKeyLength = 16;

    /// <summary>The bearer key of the admin API. Without one, every admin call is refused.</summary>
    public string? ApiKey { get; set; }
}
