namespace FeedHub;

/// <summary>The name of the one meter every part of FeedHub records on; <c>/metrics</c> exports it.</summary>
internal static class FeedHubMeter
{
    public const string Name = "FeedHub";
}
