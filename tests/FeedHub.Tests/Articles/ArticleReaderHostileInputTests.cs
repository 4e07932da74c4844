using FeedHub.Articles;
using FeedHub.Testing;

namespace FeedHub.Tests.Articles;

/// <summary>Whatever an article file holds, in its front matter or its Markdown, it is read or refused with its problems: nothing else.</summary>
public sealed class ArticleReaderHostileInputTests
{
    public static readonly TheoryData<string> Parts = ["front matter", "markdown"];

    private static HostileSurface Surface(string part) => part == "front matter"
        ? new(Article("A title", "Body."), value => Article(Quoted(value), "Body."), depth => Article($"t\ntags: {new string('[', depth)}{new string(']', depth)}", "Body."))
        : new(Article("A title", "Body."), value => Article("A title", value), depth => Article("A title", string.Concat(Enumerable.Range(0, depth).Select(level => new string(' ', level % 40) + "- item\n"))));

    [Theory]
    [MemberData(nameof(Parts))]
    public void EveryHostileFile_IsReadOrRefusedWithItsProblems(string part)
    {
        foreach (var input in Surface(part).Cases(150))
        {
            HostileSurface.Try(input, input =>
            {
                try
                {
                    Assert.NotNull(ArticleReader.Read("/articles/hostile.md", input.Text).BodyHtml);
                }
                catch (ArticleException e)
                {
                    Assert.All(e.All, problem => Assert.False(string.IsNullOrWhiteSpace(problem.Message), $"{input}: a problem without a message"));
                }
            });
        }
    }

    private static string Quoted(string value) => $"\"{HostileSurface.JsonText(value)}\"";

    private static string Article(string title, string body) => $"---\ntitle: {title}\npublished: 2026-12-08T09:00:00Z\nauthors: [Ann]\nsources: [{{ title: Story, url: \"https://up.example/s\", publisher: Up }}]\n---\n{body}\n";
}
