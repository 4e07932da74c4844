namespace FeedHub.Markup;

internal static class MarkupSetup
{
    /// <summary>The one sanitizer, shared by what FeedHub reads (feeds) and what it writes (articles).</summary>
    public static IHostApplicationBuilder AddMarkup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HtmlCleaner>();
        return builder;
    }
}
