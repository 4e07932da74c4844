using System.Reflection;

namespace FeedHub.Polling;

/// <summary>The User-Agent FeedHub polls with: its name, version and a URL where publishers can find who is polling.</summary>
internal static class UserAgent
{
    public static string Default(Uri publicBaseUrl) => $"{Product()} (+{publicBaseUrl.AbsoluteUri.TrimEnd('/')})";

    /// <summary>"FeedHub/0.1.0": the product and its version, also the generator of published feeds.</summary>
    public static string Product()
    {
        var version = typeof(UserAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

        // Drop the build metadata (+commit) the SDK appends.
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return $"FeedHub/{(plus < 0 ? version : version[..plus])}";
    }
}
