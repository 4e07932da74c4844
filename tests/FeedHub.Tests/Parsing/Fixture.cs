using FeedHub.Markup;
using FeedHub.Parsing;

namespace FeedHub.Tests.Parsing;

/// <summary>Parses this project's own fixtures as if fetched from a URL.</summary>
internal static class Fixture
{
    public static readonly FeedParser Parser = new(new HtmlCleaner());

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Parsing", "Fixtures", name));

    public static ParsedFeed Parse(string name, string url = "https://feeds.example.com/feed.xml", string? contentType = null) =>
        Parser.Parse(Bytes(name), contentType, new Uri(url));
}
