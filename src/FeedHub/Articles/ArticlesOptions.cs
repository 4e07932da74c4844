namespace FeedHub.Articles;

public sealed class ArticlesOptions
{
    public const string Section = "FeedHub";

    /// <summary>The folder of own articles (<c>*.md</c>), relative to the content root.</summary>
    public string ArticlesPath { get; set; } = "feeds/articles";
}
