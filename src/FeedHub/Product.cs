using System.Reflection;

namespace FeedHub;

/// <summary>FeedHub's name and version: the generator of published feeds, the User-Agent of its requests, and the name of the one meter <c>/metrics</c> exports.</summary>
internal static class Product
{
    public const string Name = "FeedHub";

    /// <summary>"0.1.0": the informational version without the build metadata (+commit) the SDK appends.</summary>
    public static readonly string Version = ReadVersion();

    /// <summary>"FeedHub/0.1.0".</summary>
    public static string Token => $"{Name}/{Version}";

    /// <summary>"FeedHub/0.1.0 (+https://news.example.com)": who is calling, and where publishers can find out more.</summary>
    public static string UserAgent(Uri publicBaseUrl) => $"{Token} (+{publicBaseUrl.AbsoluteUri.TrimEnd('/')})";

    private static string ReadVersion()
    {
        var version = typeof(Product).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
