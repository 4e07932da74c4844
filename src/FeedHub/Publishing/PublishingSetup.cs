using Microsoft.AspNetCore.ResponseCompression;

namespace FeedHub.Publishing;

internal static class PublishingSetup
{
    /// <summary>The channels (<c>FeedHub:Channels</c>), their reader and the cache of their documents.</summary>
    public static IHostApplicationBuilder AddPublishing(this IHostApplicationBuilder builder)
    {
        builder.AddSettings<ChannelsOptions>(ChannelsOptions.Section)
            .Validate(o => o.Channels.Select(c => c.Id).Distinct().Count() == o.Channels.Count, "FeedHub:Channels: two channels have the same Id.")
            .Validate(o => o.Channels.All(c => c.Articles || c.IncludesItems), "FeedHub:Channels: every channel must include Articles, Sources or Tags.")
            .Validate(
                o => o.Channels.All(c => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(c, new(c), null, validateAllProperties: true)),
                "FeedHub:Channels: each channel needs an Id (lowercase letters, digits, dashes), a Title and a Limit from 1 to 1000.");
        builder.Services.AddSingleton<ChannelReader>();
        builder.Services.AddSingleton<FeedDocumentCache>();
        builder.Services.AddSingleton<FeedMetrics>();

        // Feeds compress themselves once per document (with their own ETags); this covers the pages.
        builder.Services.AddResponseCompression(compression =>
        {
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
        });
        return builder;
    }
}
