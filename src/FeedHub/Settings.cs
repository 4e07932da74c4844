using Microsoft.Extensions.Options;

namespace FeedHub;

internal static class Settings
{
    /// <summary>
    /// Options of type <typeparamref name="T"/> bound from <paramref name="section"/> and checked at
    /// start, by their annotations and by each rule added to the returned builder: a bad setting stops
    /// FeedHub before it serves anything, with a message that names the key.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IHostApplicationBuilder builder, string section)
        where T : class =>
        builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
