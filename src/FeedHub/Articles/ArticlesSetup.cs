namespace FeedHub.Articles;

internal static class ArticlesSetup
{
    /// <summary>The site's own articles: files in <c>FeedHub:ArticlesPath</c> and those written through the admin API, and their scheduled publication.</summary>
    public static IHostApplicationBuilder AddArticles(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<ArticlesOptions>(ArticlesOptions.Section);
        builder.Services.AddSingleton<ArticleLibrary>();
        builder.Services.AddSingleton<ArticlePublication>();
        return builder;
    }
}
