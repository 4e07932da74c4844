namespace FeedHub.Parsing;

internal static class ParsingSetup
{
    public static IHostApplicationBuilder AddParsing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FeedParser>();
        return builder;
    }
}
