using FeedHub.Articles;
using FeedHub.Model;

namespace FeedHub.Tests.Articles;

public sealed class ArticleReaderTests
{
    private const string Valid = """
        ---
        title: A title
        published: 2026-11-20T09:00:00+01:00
        updated: 2026-11-19T00:00:00Z
        tags: [a, A, b]
        sources: [{ title: Story, url: "https://up.example/s", publisher: Up }]
        ---
        Some *Markdown* and <script>alert(1)</script> raw HTML.
        """;

    [Fact]
    public void Read_TakesFrontMatterAndRendersMarkdownWithoutRawHtml()
    {
        var article = ArticleReader.Read("/articles/2026-11-20-a-title.md", Valid);

        Assert.Equal("a-title", article.Slug);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero), article.Published);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero), ArticleReader.Read("/a.md", "---\ntitle: t\npublished: 2026-11-21T09:00:00\n---\n").Published);
        Assert.Equal(article.Published, article.Updated); // an "updated" before "published" is ignored
        Assert.Equal(["a", "b"], article.Tags);
        Assert.Contains("<em>Markdown</em>", article.BodyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", article.BodyHtml, StringComparison.Ordinal);
        Assert.Equal(new ArticleSource("Story", "https://up.example/s", "Up", null), Assert.Single(article.Sources));
    }

    [Theory]
    [InlineData("no front matter", 1, "must start with YAML front matter")]
    [InlineData("---\ntitle: t\n---\nbody", 1, "published is required")]
    [InlineData("---\ntitle: t\npublished: yesterday\n---\n", 3, "yesterday")]
    [InlineData("---\ntitle: t\nauthor: me\npublished: 2026-11-20\n---\n", 3, "'author' is not a front matter field")]
    [InlineData("---\ntitle: t\ntags: [a, b\npublished: 2026-11-20\n---\n", 3, "not well-formed")]
    [InlineData("---\ntitle: t\nslug: Not A Slug\npublished: 2026-11-20\n---\n", 3, "slug 'Not A Slug'")]
    [InlineData("---\ntitle: t\npublished: 2026-11-20\nsources: [{ title: s, url: notaurl, publisher: p }]\n---\n", 4, "not an absolute http or https URL")]
    [InlineData("---\ntitle: t\npublished: 2026-11-20\nsources: [{ title: s, url: \"https://up.example/\", publisher: p, feed: \"ftp://up.example/\" }]\n---\n", 4, "feed 'ftp://up.example/' is not an absolute http or https URL")]
    [InlineData("---\ntitle: t\npublished: 2026-11-20\nauthors: [{ name: a, uri: \"javascript:alert(1)\" }]\n---\n", 4, "uri must be an http or https URL")]
    [InlineData("---\ntitle: t\npublished: 2026-11-20\nauthors: [{ name: a, email: not-an-email }]\n---\n", 4, "is not an e-mail address")]
    [InlineData("---\ntitle: t\npublished: 2026-11-20\nupdated: soon\n---\n", 4, "updated 'soon' is not an ISO 8601 time")]
    [InlineData("---\nslug: s\npublished: 2026-11-20\n---\nbody mentions\ntitle: here\n", 1, "title is required")]
    public void Read_RefusesBrokenFiles_SayingWhereAndWhy(string text, int line, string problem)
    {
        var error = Assert.Throws<ArticleException>(() => ArticleReader.Read("/articles/x.md", text));

        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"/articles/x.md:{line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReportsEveryProblemOfAFile_InTheOrderOfTheFile()
    {
        const string text = "---\ntitle: t\nupdated: soon\nauthors: [{ name: a, uri: \"javascript:alert(1)\" }]\n---\nbody";

        var error = Assert.Throws<ArticleException>(() => ArticleReader.Read("/articles/x.md", text));

        Assert.Equal([1, 3, 4], error.All.Select(e => e.Line));
        Assert.Contains("published is required", error.All[0].Problem, StringComparison.Ordinal);
        Assert.Contains("updated 'soon'", error.All[1].Problem, StringComparison.Ordinal);
        Assert.Contains("uri must be an http or https URL", error.All[2].Problem, StringComparison.Ordinal);
    }
}
