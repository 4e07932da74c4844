using FeedHub.Markup;
using FeedHub.Parsing;
using FeedHub.Testing;

namespace FeedHub.Tests.Parsing;

/// <summary>
/// Whatever bytes an upstream sends, the parser reads a feed or refuses the document with a message:
/// no other exception, no crash, for each feed format's hostile cases.
/// </summary>
public sealed class FeedParserHostileInputTests
{
    private static readonly Uri Url = new("https://up.example/feed");

    public static readonly TheoryData<string> Formats = [.. HostileFeeds.Formats];

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryHostileBody_IsReadOrRefusedWithAMessage(string format)
    {
        var parser = new FeedParser(new HtmlCleaner());
        foreach (var input in HostileFeeds.For(format).Cases(150))
        {
            HostileSurface.Try(input, input =>
            {
                try
                {
                    Assert.NotNull(parser.Parse(input.Body, null, Url).Items);
                }
                catch (FeedParseException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{input}: refused without a message");
                }
            });
        }
    }
}
