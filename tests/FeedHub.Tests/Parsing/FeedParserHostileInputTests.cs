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

    public static readonly TheoryData<string> Formats = [.. HostileDocuments.FeedFormats];

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryHostileBody_IsReadOrRefusedWithAMessage(string format)
    {
        var parser = new FeedParser(new HtmlCleaner());
        foreach (var input in HostileDocuments.Feed(format).Cases(150))
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
