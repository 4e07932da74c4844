using System.Text;
using FeedHub.Sources;
using FeedHub.Testing;

namespace FeedHub.Tests.Sources;

/// <summary>Whatever an OPML file holds, reading it gives outlines and problems, or one error naming the line: nothing else.</summary>
public sealed class OpmlReaderHostileInputTests
{
    [Fact]
    public void EveryHostileFile_IsReadOrRefusedWithAMessage()
    {
        foreach (var input in HostileDocuments.Opml.Cases(300))
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
}
