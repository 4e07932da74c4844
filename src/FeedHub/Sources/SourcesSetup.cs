using Microsoft.Extensions.Options;

namespace FeedHub.Sources;

internal static class SourcesSetup
{
    /// <summary>The sources declared in configuration (<c>FeedHub:Sources</c>), each checked at start.</summary>
    public static IHostApplicationBuilder AddSources(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<SourcesOptions>(SourcesOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<SourcesOptions>, SourcesOptionsValidator>();
        return builder;
    }
}
