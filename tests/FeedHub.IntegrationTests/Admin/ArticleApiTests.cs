using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using FeedHub.Articles;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.IntegrationTests.Admin;

/// <summary>
/// Own articles through the admin API, on a <see cref="FakeTimeProvider"/>: every time is exact, and
/// Quartz (on the same clock) publishes a scheduled article only when the test moves the clock.
/// </summary>
public sealed class ArticleApiTests : IntegrationTest
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>The same article as <see cref="TwinFile"/>, for the API.</summary>
    private const string Twin = """
        {"title": "Twins & \"quotes\"", "slug": "api-twin", "summary": "One of two.",
         "body": "A body with **bold**, a [link](https://example.org/x), one [to our own page](/about) and <b>raw HTML</b>.",
         "authors": [{"name": "Ada Writer", "uri": "https://writers.example/ada"}], "tags": ["twins"], "rights": "CC BY 4.0",
         "ai": {"generated": true, "model": "Test Model", "statement": "Drafted for a test."},
         "sources": [{"title": "Upstream story", "url": "https://upstream.example/story", "publisher": "Upstream News", "feed": "https://upstream.example/feed"}]}
        """;

    private const string TwinFile = """
        ---
        title: Twins & "quotes"
        slug: file-twin
        published: 2026-11-27T12:00:00Z
        summary: One of two.
        authors: [{ name: Ada Writer, uri: "https://writers.example/ada" }]
        tags: [twins]
        rights: CC BY 4.0
        ai: { generated: true, model: Test Model, statement: Drafted for a test. }
        sources: [{ title: Upstream story, url: "https://upstream.example/story", publisher: Upstream News, feed: "https://upstream.example/feed" }]
        ---
        A body with **bold**, a [link](https://example.org/x), one [to our own page](/about) and <b>raw HTML</b>.
        """;

    private FakeTimeProvider _time = new(Start);
    private FeedHubApp _app = null!;

    protected override ValueTask SetUpAsync()
    {
        Root.Write("feeds/articles/twin.md", TwinFile);
        Root.Write("feeds/articles/later.md", "---\ntitle: Later\npublished: 2026-11-27T15:00:00Z\n---\nNot yet.\n");
        _app = StartNews(_time);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// FeedHub publishing own articles on <paramref name="time"/>. A restart's is stopped after the test
    /// like the first; the first, which the test stopped already, is not stopped twice (the factory knows).
    /// </summary>
    private FeedHubApp StartNews(FakeTimeProvider time) =>
        StartApp(Root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:PublicBaseUrl"] = "https://hub.example.org/",
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "News",
            ["FeedHub:Channels:0:Articles"] = "true",
        }, services => services.AddSingleton<TimeProvider>(time));

    private static string With(string json, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? json = null)
    {
        using var client = _app.Admin();
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request, Token);
    }

    private async Task<JsonElement> CreateAsync(string json)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/articles", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Token);
    }

    private async Task<(HttpStatusCode Status, string Body)> GetPublicAsync(string url)
    {
        using var client = _app.CreateClient();
        var response = await client.GetAsync(new Uri(url, UriKind.Relative), Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Token));
    }

    private async Task<IReadOnlyList<string>> PublishedSlugsAsync()
    {
        var (_, atom) = await GetPublicAsync("/feeds/news.atom");
        return XDocument.Parse(atom).Root!.Elements(Atom + "entry").Select(e => e.Element(Atom + "id")!.Value.Split('/')[^1]).ToList();
    }

    private static string Entry(XDocument feed, XName entry, XName id, string slug) =>
        feed.Descendants(entry).Single(e => e.Element(id)!.Value.EndsWith("/articles/" + slug, StringComparison.Ordinal)).ToString();

    [Fact]
    public async Task Create_PublishesTheArticle_ExactlyLikeTheSameArticleInAFile()
    {
        var created = await SendAsync(HttpMethod.Post, "/api/articles", Twin);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/articles/api-twin", created.Headers.Location?.OriginalString);
        var (_, atom) = await GetPublicAsync("/feeds/news.atom");
        var (_, rss) = await GetPublicAsync("/feeds/news.rss");
        var (_, json) = await GetPublicAsync("/feeds/news.json");
        Assert.Equal(
            Entry(XDocument.Parse(atom), Atom + "entry", Atom + "id", "file-twin").Replace("file-twin", "api-twin", StringComparison.Ordinal),
            Entry(XDocument.Parse(atom), Atom + "entry", Atom + "id", "api-twin"));
        Assert.Equal(
            Entry(XDocument.Parse(rss), "item", "guid", "file-twin").Replace("file-twin", "api-twin", StringComparison.Ordinal),
            Entry(XDocument.Parse(rss), "item", "guid", "api-twin"));
        var items = JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!.Split('/')[^1], i => i.GetRawText());
        Assert.Equal(items["file-twin"].Replace("file-twin", "api-twin", StringComparison.Ordinal), items["api-twin"]);
        Assert.Contains("<strong>bold</strong>", JsonDocument.Parse(items["api-twin"]).RootElement.GetProperty("content_html").GetString(), StringComparison.Ordinal);

        var (fileStatus, filePage) = await GetPublicAsync("/articles/file-twin");
        var (apiStatus, apiPage) = await GetPublicAsync("/articles/api-twin");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (fileStatus, apiStatus));
        Assert.Equal(filePage.Replace("file-twin", "api-twin", StringComparison.Ordinal), apiPage);
        Assert.Contains("<a href=\"/articles/api-twin\">", (await GetPublicAsync("/")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsFileAndApiArticles_WithWhereTheyAreWrittenAndWhetherTheyAreOut()
    {
        var created = await CreateAsync(Twin);
        Root.Write("feeds/articles/broken.md", "---\ntitle: [unclosed\n---\n");
        await _app.Get<ArticleLibrary>().ReloadAsync(Token);

        var list = await _app.GetJsonAsync("/api/articles");

        var articles = list.GetProperty("articles").EnumerateArray().ToList();
        Assert.Equal(["later", "api-twin", "file-twin"], articles.Select(a => a.GetProperty("slug").GetString()));
        Assert.Equal(
            [("scheduled", "file", null, "2026-11-27T15:00:00Z"), ("published", "api", "2026-11-27T12:00:00Z", null), ("published", "file", "2026-11-27T12:00:00Z", null)],
            articles.Select(a => (a.GetProperty("state").GetString(), a.GetProperty("origin").GetString(), a.GetProperty("published").GetString(), a.GetProperty("publishAt").GetString())));
        Assert.Equal("twin.md", articles[2].GetProperty("file").GetString());
        Assert.Equal(JsonValueKind.Null, articles[1].GetProperty("file").ValueKind);
        var error = Assert.Single(list.GetProperty("errors").EnumerateArray());
        Assert.Equal(("broken.md", 2), (error.GetProperty("file").GetString(), error.GetProperty("line").GetInt32()));

        var one = await _app.GetJsonAsync("/api/articles/api-twin");
        Assert.Equal(created.GetRawText(), one.GetRawText());
        Assert.Equal("https://hub.example.org/articles/api-twin", one.GetProperty("url").GetString());
        Assert.StartsWith("A body with **bold**", one.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal("Ada Writer", one.GetProperty("authors")[0].GetProperty("name").GetString());
        Assert.Equal("Upstream News", one.GetProperty("sources")[0].GetProperty("publisher").GetString());
        Assert.Equal("Test Model", one.GetProperty("ai").GetProperty("model").GetString());
    }

    [Fact]
    public async Task Update_MovesUpdated_KeepsPublished_AndChangesTheFeed()
    {
        await CreateAsync(Twin);
        var (_, before) = await GetPublicAsync("/feeds/news.atom");
        using var client = _app.CreateClient();
        var etag = (await client.GetAsync(new Uri("/feeds/news.atom", UriKind.Relative), Token)).Headers.ETag;
        _time.Advance(TimeSpan.FromHours(1));

        var response = await SendAsync(HttpMethod.Put, "/api/articles/api-twin", With(Twin, o => { o["title"] = "Twins, corrected"; o["body"] = "A *corrected* body."; }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal(("2026-11-27T12:00:00Z", "2026-11-27T13:00:00Z"), (updated.GetProperty("published").GetString(), updated.GetProperty("updated").GetString()));
        var after = await client.GetAsync(new Uri("/feeds/news.atom", UriKind.Relative), Token);
        Assert.NotEqual(etag, after.Headers.ETag);
        var entry = XDocument.Parse(await after.Content.ReadAsStringAsync(Token)).Root!.Elements(Atom + "entry").Single(e => e.Element(Atom + "id")!.Value.EndsWith("/api-twin", StringComparison.Ordinal));
        Assert.Equal(("Twins, corrected", "2026-11-27T13:00:00Z"), (entry.Element(Atom + "title")!.Value, entry.Element(Atom + "updated")!.Value));
        Assert.StartsWith("<p>A <em>corrected</em> body.</p>", entry.Element(Atom + "content")!.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("Twins, corrected", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesTheArticleFromTheFeedsAndTheSite()
    {
        await CreateAsync(Twin);

        var response = await SendAsync(HttpMethod.Delete, "/api/articles/api-twin");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(["file-twin"], await PublishedSlugsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await GetPublicAsync("/articles/api-twin")).Status);
        Assert.DoesNotContain("api-twin", (await GetPublicAsync("/")).Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/articles/api-twin")).StatusCode);
    }

    [Theory]
    [InlineData("""{"body": "No title."}""", "title")]
    [InlineData("""{"title": "T", "slug": "Not A Slug"}""", "slug")]
    [InlineData("""{"title": "日本語"}""", "slug")]
    [InlineData("""{"title": "T", "authors": [{"name": "A", "uri": "javascript:alert(1)"}]}""", "authors[0].uri")]
    [InlineData("""{"title": "T", "authors": [{"name": "A"}, {"name": "B", "email": "not-an-email"}]}""", "authors[1].email")]
    [InlineData("""{"title": "T", "authors": [{"email": "a@example.org"}]}""", "authors[0].name")]
    [InlineData("""{"title": "T", "sources": [{"title": "S", "publisher": "P", "url": "/relative"}]}""", "sources[0].url")]
    [InlineData("""{"title": "T", "sources": [{"title": "S", "url": "https://up.example/"}]}""", "sources[0].publisher")]
    [InlineData("""{"title": "T", "published": "last week"}""", "published")]
    [InlineData("""{"title": "T", "publishAt": "2026-11-27T11:00:00Z"}""", "publishAt")]
    public async Task Create_RefusesABadArticle_NamingTheField(string json, string field)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/articles", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, (await _app.GetJsonAsync("/api/articles")).GetProperty("articles").GetArrayLength());
    }

    [Fact]
    public async Task Create_RefusesABodyNestedThousandsDeep_NamingTheBody()
    {
        var body = string.Join('\n', Enumerable.Range(0, 3000).Select(i => new string(' ', 2 * i) + "- item"));
        var response = await SendAsync(HttpMethod.Post, "/api/articles", System.Text.Json.JsonSerializer.Serialize(new { title = "Deep", body }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors");
        Assert.Equal(["body"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, (await _app.GetJsonAsync("/api/articles")).GetProperty("articles").GetArrayLength());
    }

    [Fact]
    public async Task Create_RefusesABodyThatIsNotJson()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/articles", "{\"title\": ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("detail").GetString();
        Assert.Contains("JSON", detail, StringComparison.Ordinal);
        Assert.Contains("BytePositionInLine", detail, StringComparison.Ordinal);
        Assert.Equal(2, (await _app.GetJsonAsync("/api/articles")).GetProperty("articles").GetArrayLength());
    }

    [Theory]
    [InlineData("file-twin")]
    [InlineData("later")]
    [InlineData("api-twin")]
    public async Task Create_RefusesATakenSlug(string slug)
    {
        await CreateAsync(Twin);

        var response = await SendAsync(HttpMethod.Post, "/api/articles", With(Twin, o => o["slug"] = slug));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains($"'{slug}'", (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await _app.GetJsonAsync("/api/articles")).GetProperty("articles").GetArrayLength());
    }

    [Fact]
    public async Task FileArticles_AreChangedInTheirFiles_NotThroughTheApi()
    {
        var put = await SendAsync(HttpMethod.Put, "/api/articles/file-twin", With(Twin, o => o.Remove("slug")));
        var delete = await SendAsync(HttpMethod.Delete, "/api/articles/later");

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (put.StatusCode, delete.StatusCode));
        Assert.Contains("twin.md", (await put.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("change the file", (await delete.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["file-twin"], await PublishedSlugsAsync());
    }

    [Fact]
    public async Task FileAddedLater_WithAnApiArticlesSlug_IsTheOneReported()
    {
        await CreateAsync(Twin);
        Root.Write("feeds/articles/copy.md", TwinFile.Replace("slug: file-twin", "slug: api-twin", StringComparison.Ordinal));

        var current = await _app.Get<ArticleLibrary>().ReloadAsync(Token);

        var error = Assert.Single(current.Errors);
        Assert.EndsWith("copy.md", error.FilePath, StringComparison.Ordinal);
        Assert.Contains("already used by an article written through the admin API", error.Problem, StringComparison.Ordinal);
        Assert.Equal(ArticleOrigin.Api, current.Find("api-twin")!.Origin);
    }

    [Fact]
    public async Task UnknownArticles_Are404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/articles/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, "/api/articles/nope", Twin)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "/api/articles/nope")).StatusCode);
    }

    [Fact]
    public async Task WithoutTheKey_ArticlesCannotBeReadOrWritten()
    {
        using var anonymous = _app.CreateClient();

        var list = await anonymous.GetAsync(new Uri("/api/articles", UriKind.Relative), Token);
        var create = await anonymous.PostAsync(new Uri("/api/articles", UriKind.Relative), new StringContent(Twin, System.Text.Encoding.UTF8, "application/json"), Token);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (list.StatusCode, create.StatusCode));
        Assert.Equal(["file-twin"], await PublishedSlugsAsync());
    }

    [Fact]
    public async Task Scheduled_StaysOutOfSight_UntilQuartzPublishesItAtItsTime()
    {
        var created = await CreateAsync(With(Twin, o => o["publishAt"] = "2026-11-27T14:00:00Z"));

        Assert.Equal(("scheduled", "2026-11-27T14:00:00Z", JsonValueKind.Null), (created.GetProperty("state").GetString(), created.GetProperty("publishAt").GetString(), created.GetProperty("published").ValueKind));
        Assert.Equal(Start.AddHours(2), await _app.Get<ArticlePublication>().NextFireAsync("api-twin", Token));
        await AssertOutOfSightAsync("api-twin");

        _time.Advance(TimeSpan.FromHours(2));

        await Eventually.TrueAsync(() => Task.FromResult(_app.Get<ArticleLibrary>().Current.Articles.Any(a => a.Slug == "api-twin")), "the scheduled article to be published");
        Assert.Equal(["api-twin", "file-twin"], await PublishedSlugsAsync());
        Assert.Equal(HttpStatusCode.OK, (await GetPublicAsync("/articles/api-twin")).Status);
        var published = await _app.GetJsonAsync("/api/articles/api-twin");
        Assert.Equal(("published", "2026-11-27T14:00:00Z", "2026-11-27T14:00:00Z"), (published.GetProperty("state").GetString(), published.GetProperty("published").GetString(), published.GetProperty("updated").GetString()));
        Assert.Null(await _app.Get<ArticlePublication>().NextFireAsync("api-twin", Token));
    }

    [Fact]
    public async Task FileDatedInTheFuture_IsScheduledTheSameWay()
    {
        await AssertOutOfSightAsync("later");
        Assert.Equal(Start.AddHours(3), await _app.Get<ArticlePublication>().NextFireAsync("later", Token));

        _time.Advance(TimeSpan.FromHours(3));

        await Eventually.TrueAsync(async () => (await PublishedSlugsAsync()).Contains("later"), "the file dated in the future to be published");
        Assert.Equal(HttpStatusCode.OK, (await GetPublicAsync("/articles/later")).Status);
    }

    [Fact]
    public async Task Rescheduling_MovesTheTrigger_AndDeletingRemovesIt()
    {
        await CreateAsync(With(Twin, o => o["publishAt"] = "2026-11-27T14:00:00Z"));
        await CreateAsync(With(Twin, o => { o["slug"] = "doomed"; o["publishAt"] = "2026-11-27T14:00:00Z"; }));

        var moved = await SendAsync(HttpMethod.Put, "/api/articles/api-twin", With(Twin, o => o["publishAt"] = "2026-11-27T18:00:00Z"));
        var deleted = await SendAsync(HttpMethod.Delete, "/api/articles/doomed");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NoContent), (moved.StatusCode, deleted.StatusCode));
        Assert.Equal(Start.AddHours(6), await _app.Get<ArticlePublication>().NextFireAsync("api-twin", Token));
        Assert.Null(await _app.Get<ArticlePublication>().NextFireAsync("doomed", Token));

        // Past the old time and past the file dated 15:00: once that file is out, Quartz has been through 14:00 too.
        _time.Advance(TimeSpan.FromHours(3));
        await Eventually.TrueAsync(async () => (await PublishedSlugsAsync()).Contains("later"), "the file dated 15:00 to be published");
        Assert.Equal(["later", "file-twin"], await PublishedSlugsAsync());

        // Leaving publishAt out publishes a scheduled article now.
        var now = await SendAsync(HttpMethod.Put, "/api/articles/api-twin", Twin);
        var published = await now.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal(("published", "2026-11-27T15:00:00Z"), (published.GetProperty("state").GetString(), published.GetProperty("published").GetString()));
        Assert.Null(await _app.Get<ArticlePublication>().NextFireAsync("api-twin", Token));
        Assert.Equal(["api-twin", "later", "file-twin"], await PublishedSlugsAsync());
    }

    [Fact]
    public async Task PendingSchedule_SurvivesARestart()
    {
        await CreateAsync(With(Twin, o => o["publishAt"] = "2026-11-27T14:00:00Z"));
        await _app.DisposeAsync();
        _time = new FakeTimeProvider(Start.AddHours(1));

        _app = StartNews(_time);

        Assert.Equal("scheduled", (await _app.GetJsonAsync("/api/articles/api-twin")).GetProperty("state").GetString());
        Assert.Equal(Start.AddHours(2), await _app.Get<ArticlePublication>().NextFireAsync("api-twin", Token));
        _time.Advance(TimeSpan.FromHours(1));
        await Eventually.TrueAsync(async () => (await PublishedSlugsAsync()).Contains("api-twin"), "the article scheduled before the restart to be published");
    }

    [Fact]
    public async Task ScheduleThatPassedWhileDown_IsPublishedAtStart_WithItsScheduledDate()
    {
        await CreateAsync(With(Twin, o => o["publishAt"] = "2026-11-27T14:00:00Z"));
        await _app.DisposeAsync();
        _time = new FakeTimeProvider(Start.AddDays(1));

        _app = StartNews(_time);

        await Eventually.TrueAsync(async () => (await PublishedSlugsAsync()).Contains("api-twin"), "the overdue article to be published");
        Assert.Equal("2026-11-27T14:00:00Z", (await _app.GetJsonAsync("/api/articles/api-twin")).GetProperty("published").GetString());
    }

    private async Task AssertOutOfSightAsync(string slug)
    {
        Assert.DoesNotContain(slug, await PublishedSlugsAsync());
        Assert.DoesNotContain($"/articles/{slug}", (await GetPublicAsync("/feeds/news.rss")).Body, StringComparison.Ordinal);
        Assert.DoesNotContain($"/articles/{slug}", (await GetPublicAsync("/feeds/news.json")).Body, StringComparison.Ordinal);
        Assert.DoesNotContain($"/articles/{slug}", (await GetPublicAsync("/")).Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetPublicAsync($"/articles/{slug}")).Status);
    }
}
