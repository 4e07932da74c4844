using System.Text.Json;
using FeedHub.Admin;
using FeedHub.Articles;
using FeedHub.Model;

namespace FeedHub.Tests.Articles;

public sealed class ArticleRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Full = """
        {"title": " A title ", "slug": "a-title", "published": "2026-11-20T09:00:00+01:00", "summary": "S.",
         "authors": [{"name": "Ann", "email": "ann@example.org", "uri": "https://example.org/ann"}], "tags": ["a", "A", " b "],
         "rights": "CC BY 4.0", "ai": {"generated": true, "model": "M", "statement": "Drafted by M."},
         "sources": [{"title": "Story", "url": "https://up.example/s", "publisher": "Up", "feed": "https://up.example/feed"}]}
        """;

    [Fact]
    public void Build_NamesEveryFieldAtFault_AtOnce()
    {
        var problems = new List<ArticleProblem>();
        var fields = new ArticleFields
        {
            Slug = "Bad Slug",
            Published = "yesterday",
            Updated = "later",
            Authors = [new() { Name = "Ann", Uri = "ftp://example.org/", Email = "ann" }, new() { Email = "b@example.org" }],
            Sources = [new() { Title = "Story", Url = "/relative" }, new() { Title = "T", Publisher = "P", Url = "https://up.example/", Feed = "javascript:x" }],
        };

        Assert.Null(ArticleRules.Build(fields, "", fallbackSlug: null, defaultPublished: Now, problems));

        Assert.Equal(
            ["title", "slug", "published", "updated", "authors[0].uri", "authors[0].email", "authors[1].name", "sources[0].publisher", "sources[0].url", "sources[1].feed"],
            problems.Select(p => p.Field));
        Assert.All(problems, p => Assert.EndsWith(".", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_MakesTheSlugFromTheTitle_AndDatesItWhenAllowed()
    {
        var problems = new List<ArticleProblem>();

        var article = ArticleRules.Build(new ArticleFields { Title = "Robot Hands Get a Grip!" }, "*Hi*", fallbackSlug: null, defaultPublished: Now, problems);

        Assert.Empty(problems);
        Assert.Equal("robot-hands-get-a-grip", article!.Slug);
        Assert.Equal((Now, Now), (article.Published, article.Updated));
        Assert.Equal("<p><em>Hi</em></p>", article.BodyHtml);
        Assert.Equal("*Hi*", article.Markdown);
    }

    public static TheoryData<string, int> DeepBodies => new()
    {
        // A list nested by indentation, the way Markdown nests lists (500 levels: 3,000 would be refused for its length first).
        { string.Join('\n', Enumerable.Range(0, 500).Select(i => new string(' ', 2 * i) + "- item")), 65 },
        // Lists opened on one line.
        { string.Concat(Enumerable.Repeat("- ", 3000)) + "x", 1 },
        // Numbered lists opened on one line.
        { string.Concat(Enumerable.Repeat("1. ", 3000)) + "x", 1 },
        // Quotes.
        { "Intro\n\n" + new string('>', 3000) + " x", 3 },
    };

    [Theory]
    [MemberData(nameof(DeepBodies))]
    public void Build_RefusesABodyNestedThousandsDeep_BeforeMarkdownParsesIt(string body, int line)
    {
        var problems = new List<ArticleProblem>();

        var article = ArticleRules.Build(new ArticleFields { Title = "Deep" }, body, fallbackSlug: null, defaultPublished: Now, problems);

        Assert.Null(article);
        var problem = Assert.Single(problems);
        Assert.Equal(("body", $"body: line {line} nests lists or quotes deeper than {ArticleMarkdown.MaxNesting} levels."), (problem.Field, problem.Message));
    }

    public static TheoryData<string, ArticleFields, string> Oversized => new()
    {
        { "title", new ArticleFields { Title = new string('t', 301) }, "x" },
        { "summary", new ArticleFields { Title = "T", Summary = new string('s', 2_001) }, "x" },
        { "body", new ArticleFields { Title = "T" }, new string('b', 500_001) },
        { "tags", new ArticleFields { Title = "T", Tags = [.. Enumerable.Range(0, 51).Select(i => $"t{i}")] }, "x" },
        { "tags[1]", new ArticleFields { Title = "T", Tags = ["fine", new string('t', 301)] }, "x" },
        { "authors[0].name", new ArticleFields { Title = "T", Authors = [new AuthorFields { Name = new string('a', 301) }] }, "x" },
    };

    [Theory]
    [MemberData(nameof(Oversized))]
    public void Build_RefusesAnOversizedField_NamingIt(string field, ArticleFields fields, string body)
    {
        var problems = new List<ArticleProblem>();

        Assert.Null(ArticleRules.Build(fields, body, fallbackSlug: null, defaultPublished: Now, problems));

        Assert.Equal([field], problems.Select(p => p.Field));
    }

    [Fact]
    public void Build_RendersNestingAsDeepAsAllowed()
    {
        var problems = new List<ArticleProblem>();
        var body = string.Join('\n', Enumerable.Range(0, ArticleMarkdown.MaxNesting).Select(i => new string(' ', 2 * i) + "- item"));

        var article = ArticleRules.Build(new ArticleFields { Title = "Nested" }, body, fallbackSlug: null, defaultPublished: Now, problems);

        Assert.Empty(problems);
        Assert.Equal(ArticleMarkdown.MaxNesting, article!.BodyHtml.Split("<ul>").Length - 1);
    }

    [Theory]
    [InlineData("日本語", null, "slug", "no slug can be made from the title")]
    [InlineData("T", null, "published", "published is required")]
    public void Build_RefusesWhatItCannotFillIn(string title, string? published, string field, string message)
    {
        var problems = new List<ArticleProblem>();

        Assert.Null(ArticleRules.Build(new ArticleFields { Title = title, Published = published }, "", fallbackSlug: null, defaultPublished: field == "published" ? null : Now, problems));

        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    /// <summary>The same article, as a file (JSON is YAML, so the front matter can be the very same text) and as an API request.</summary>
    [Theory]
    [InlineData(Full, null)]
    [InlineData("""{"slug": "s", "published": "2026-11-20"}""", "title is required.")]
    [InlineData("""{"title": "t", "slug": "Not A Slug", "published": "2026-11-20"}""", "slug 'Not A Slug' must be lowercase letters, digits and dashes.")]
    [InlineData("""{"title": "t", "slug": "s", "published": "last week"}""", "published 'last week' is not an ISO 8601 time, e.g. 2026-11-27T09:00:00Z.")]
    [InlineData("""{"title": "t", "slug": "s", "published": "2026-11-20", "authors": [{"email": "a@example.org"}]}""", "every author needs a name.")]
    [InlineData("""{"title": "t", "slug": "s", "published": "2026-11-20", "authors": [{"name": "A", "uri": "javascript:alert(1)"}]}""", "author 'A': uri must be an http or https URL.")]
    [InlineData("""{"title": "t", "slug": "s", "published": "2026-11-20", "authors": [{"name": "A", "email": "nobody"}]}""", "author 'A': 'nobody' is not an e-mail address.")]
    [InlineData("""{"title": "t", "slug": "s", "published": "2026-11-20", "sources": [{"title": "S", "url": "https://up.example/"}]}""", "every source needs a title and a publisher.")]
    [InlineData("""{"title": "t", "slug": "s", "published": "2026-11-20", "sources": [{"title": "S", "publisher": "P", "url": "notaurl"}]}""", "source 'S': 'notaurl' is not an absolute http or https URL.")]
    [InlineData("""{"title": "t", "slug": "s", "published": "2026-11-20", "sources": [{"title": "S", "publisher": "P", "url": "https://up.example/", "feed": "file:///etc/passwd"}]}""", "source 'S': feed 'file:///etc/passwd' is not an absolute http or https URL.")]
    public void FileAndApi_AcceptAndRefuseTheSameArticles(string json, string? refusal)
    {
        const string Body = "Some *Markdown* and <script>alert(1)</script>.";
        Article? fromFile = null;
        string? fileRefusal = null;
        try
        {
            fromFile = ArticleReader.Read("/articles/x.md", $"---\n{json}\n---\n{Body}");
        }
        catch (ArticleException e)
        {
            fileRefusal = e.Problem;
        }

        var problems = new List<ArticleProblem>();
        var fromApi = (JsonSerializer.Deserialize<ArticleRequest>(json, Json)! with { Body = Body }).Validate(Now, current: null, problems);

        Assert.Equal(refusal, fileRefusal);
        Assert.Equal(refusal, problems.FirstOrDefault()?.Message);
        if (refusal is null)
        {
            var stored = fromApi!.ToArticle();
            Assert.Equal(
                (fromFile!.Slug, fromFile.Title, fromFile.Summary, fromFile.Published, fromFile.Rights, fromFile.Ai, fromFile.BodyHtml),
                (stored.Slug, stored.Title, stored.Summary, stored.Published, stored.Rights, stored.Ai, stored.BodyHtml));
            Assert.Equal(fromFile.Authors, stored.Authors);
            Assert.Equal(fromFile.Tags, stored.Tags);
            Assert.Equal(fromFile.Sources, stored.Sources);
            Assert.Equal(["a", "b"], stored.Tags);
            Assert.DoesNotContain("<script>", stored.BodyHtml, StringComparison.Ordinal);
        }
    }
}
