using System.Security;
using System.Text;
using FeedHub.Sources;
using FeedHub.Testing;

namespace FeedHub.Tests.Sources;

/// <summary>Whatever an OPML file holds, reading it gives outlines and problems, or one error naming the line: nothing else.</summary>
public sealed class OpmlReaderHostileInputTests
{
    private static readonly HostileSurface Surface = new(
        Opml("Tech"),
        value => Opml(SecurityElement.Escape(value)),
        depth => $"<opml version=\"2.0\"><body>{Nest(depth)}</body></opml>");

    [Fact]
    public void EveryHostileFile_IsReadOrRefusedWithAMessage()
    {
        foreach (var input in Surface.Cases(300))
        {
            HostileSurface.Try(input, input =>
            {
                try
                {
                    var result = OpmlReader.Read(new StreamReader(new MemoryStream(input.Body), Encoding.UTF8));
                    Assert.All(result.Problems, problem => Assert.False(string.IsNullOrWhiteSpace(problem), $"{input}: an empty problem"));
                }
                catch (FormatException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{input}: refused without a message");
                }
            });
        }
    }

    private static string Opml(string title) =>
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><opml version=\"2.0\"><head><title>Sources</title></head><body><outline text=\"{title}\" title=\"{title}\" type=\"rss\" xmlUrl=\"https://up.example/feed.xml\" category=\"tech\"/></body></opml>";

    private static string Nest(int depth) =>
        string.Concat(Enumerable.Repeat("<outline text=\"folder\">", depth)) + "<outline type=\"rss\" xmlUrl=\"https://up.example/deep.xml\"/>" + string.Concat(Enumerable.Repeat("</outline>", depth));
}
