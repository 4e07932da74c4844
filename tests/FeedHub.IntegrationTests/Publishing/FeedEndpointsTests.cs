using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;
using FeedHub.Articles;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Testing;

namespace FeedHub.IntegrationTests.Publishing;

public sealed class FeedEndpointsTests : IntegrationTest
{
    private const string Article = """
        ---
        title: Chips & "quotes" in a title
        slug: chips-article
        published: 2026-11-20T09:00:00Z
        updated: 2026-11-21T10:00:00Z
        summary: A summary.
        authors:
          - name: Ada Writer
            uri: https://writers.example/ada
        tags: [chips]
        rights: CC BY 4.0
        ai:
          generated: true
          model: Test Model
          statement: Generated for a test.
        sources:
          - title: Upstream story
            url: https://upstream.example/story
            publisher: Upstream News
            feed: https://upstream.example/feed
          - title: Full story
            url: https://upstream.example/1
            publisher: Upstream News
        ---
        Body with **bold**, a [link](https://example.org/x) and one [to our own page](/about).
        """;

    private const string UpstreamAtom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>Upstream News</title><link href="https://upstream.example/"/><id>urn:upstream</id><updated>2026-11-25T00:00:00Z</updated>
          <entry>
            <id>urn:upstream:1</id><title>Full story</title><link href="https://upstream.example/1"/>
            <published>2026-11-25T10:00:00Z</published><updated>2026-11-25T11:00:00Z</updated>
            <author><name>Jo Reporter</name></author>
            <summary>Short version.</summary><content type="html">&lt;p&gt;The &lt;b&gt;whole&lt;/b&gt; story.&lt;/p&gt;</content>
          </entry>
        </feed>
        """;

    private static readonly string[] SourceElements = ["id", "title", "updated"];

    private FeedHubApp _app = null!;

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("full.xml", UpstreamAtom, contentType: "application/atom+xml");
        Upstream.ServeFeed("excerpt.xml", UpstreamAtom.Replace("urn:upstream:1", "urn:upstream:2", StringComparison.Ordinal), contentType: "application/atom+xml");
        Root.Write("feeds/articles/chips.md", Article);
        Root.Write("feeds/articles/broken.md", "---\ntitle: [unclosed\n---\nbody");
        var settings = FeedHubApp.Sources(("full", Upstream.Url("full.xml")), ("excerpt", Upstream.Url("excerpt.xml")));
        settings["FeedHub:Sources:1:License"] = "Excerpt";
        settings["FeedHub:PublicBaseUrl"] = "https://hub.example.org/";
        settings["FeedHub:Channels:0:Id"] = "news";
        settings["FeedHub:Channels:0:Title"] = "Test News";
        settings["FeedHub:Channels:0:Articles"] = "true";
        settings["FeedHub:Channels:1:Id"] = "planet";
        settings["FeedHub:Channels:1:Title"] = "Test Planet";
        settings["FeedHub:Channels:1:Sources:0"] = "*";
        _app = StartApp(Root.Path, settings);
        await _app.WaitForFetchesAsync("full");
        await _app.WaitForFetchesAsync("excerpt");
    }

    private async Task<HttpResponseMessage> GetAsync(string url, Action<HttpRequestHeaders>? headers = null)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        headers?.Invoke(request.Headers);
        return await client.SendAsync(request, Token);
    }

    private const string FeedparserScript = """
        import sys, json, feedparser
        d = feedparser.parse(sys.stdin.buffer.read())
        def person(p): return {"name": p.get("name"), "href": p.get("href")}
        print(json.dumps({
          "bozo": bool(d.bozo), "error": str(d.get("bozo_exception", "")),
          "title": d.feed.get("title"), "link": d.feed.get("link"), "id": d.feed.get("id"),
          "entries": [{
            "id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
            "published": e.get("published_parsed") and list(e.published_parsed)[:6],
            "updated": e.get("updated_parsed") and list(e.updated_parsed)[:6],
            "authors": [person(a) for a in e.get("authors", [])],
            "via": [l.get("href") for l in e.get("links", []) if l.get("rel") == "via"],
            "source": e.get("source") and {"title": e.source.get("title"), "id": e.source.get("id"), "href": e.source.get("href") or e.source.get("link")},
            "content": e.get("content") and e.content[0].value, "summary": e.get("summary"),
          } for e in d.entries]}))
        """;

    [Theory]
    [InlineData("news.atom")]
    [InlineData("news.rss")]
    public async Task News_IsReadByFeedparser_WithAuthorsSourcesAndDisclosure(string feed)
    {
        var response = await GetAsync($"/feeds/{feed}");
        var parsed = await Python.RunAsync(FeedparserScript, await response.Content.ReadAsByteArrayAsync(Token), "feedparser");

        Assert.False(parsed.GetProperty("bozo").GetBoolean(), parsed.GetProperty("error").GetString());
        Assert.Equal("Test News", parsed.GetProperty("title").GetString());
        var entry = Assert.Single(parsed.GetProperty("entries").EnumerateArray());
        Assert.Equal("tag:hub.example.org,2026:/articles/chips-article", entry.GetProperty("id").GetString());
        Assert.Equal("Chips & \"quotes\" in a title", entry.GetProperty("title").GetString());
        Assert.Equal("https://hub.example.org/articles/chips-article", entry.GetProperty("link").GetString());
        Assert.Equal("[2026,11,20,9,0,0]", entry.GetProperty("published").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("Ada Writer", entry.GetProperty("authors")[0].GetProperty("name").GetString());
        var content = entry.GetProperty("content").GetString();
        Assert.Contains("Source: Upstream News", content, StringComparison.Ordinal);
        Assert.Contains("https://upstream.example/story", content, StringComparison.Ordinal);
        Assert.Contains("Generated for a test.", content, StringComparison.Ordinal);
        if (feed.EndsWith(".atom", StringComparison.Ordinal))
        {
            Assert.Equal("[2026,11,21,10,0,0]", entry.GetProperty("updated").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
            Assert.Equal("https://upstream.example/story", entry.GetProperty("via")[0].GetString());
        }
    }

    [Fact]
    public async Task PlanetAtom_NamesTheUpstreamFeedByItsOwnId()
    {
        var response = await GetAsync("/feeds/planet.atom");
        var parsed = await Python.RunAsync(FeedparserScript, await response.Content.ReadAsByteArrayAsync(Token), "feedparser");

        Assert.All(parsed.GetProperty("entries").EnumerateArray(), e => Assert.Equal("urn:upstream", e.GetProperty("source").GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("planet.atom")]
    [InlineData("planet.rss")]
    public async Task Planet_RepublishesItemsWithTheirSource_AsTheLicenceAllows(string feed)
    {
        var response = await GetAsync($"/feeds/{feed}");
        var parsed = await Python.RunAsync(FeedparserScript, await response.Content.ReadAsByteArrayAsync(Token), "feedparser");

        Assert.False(parsed.GetProperty("bozo").GetBoolean(), parsed.GetProperty("error").GetString());
        var entries = parsed.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.Equal("Full story", e.GetProperty("title").GetString());
            Assert.Equal("https://upstream.example/1", e.GetProperty("link").GetString());
            Assert.Equal("Jo Reporter", e.GetProperty("authors")[0].GetProperty("name").GetString());
            Assert.Equal("Upstream News", e.GetProperty("source").GetProperty("title").GetString());
            Assert.Equal("[2026,11,25,10,0,0]", e.GetProperty("published").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        });

        // Full licence: the whole story; Excerpt: only its opening words.
        var full = entries.Single(e => e.GetProperty("content").ValueKind == JsonValueKind.String);
        Assert.Contains("<b>whole</b>", full.GetProperty("content").GetString(), StringComparison.Ordinal);
        var excerpt = entries.Single(e => e.GetProperty("content").ValueKind != JsonValueKind.String);
        Assert.Equal("Short version.", excerpt.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task JsonFeed_ValidatesAgainstTheJsonFeedSchema_AndCarriesAttribution()
    {
        var schema = Path.Combine(TestCorpus.Folder("jsonfeed"), "schema-v1.1.json");
        foreach (var channel in new[] { "news", "planet" })
        {
            var response = await GetAsync($"/feeds/{channel}.json");
            Assert.Equal("application/feed+json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsByteArrayAsync(Token);
            var result = await Python.RunAsync(
                $$"""
                import sys, json, jsonschema
                schema = json.load(open({{JsonSerializer.Serialize(schema)}}))
                validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
                errors = [e.message for e in validator.iter_errors(json.loads(sys.stdin.buffer.read()))]
                print(json.dumps(errors))
                """,
                body,
                "jsonschema");
            Assert.True(result.GetArrayLength() == 0, $"{channel}.json: {result}");
        }

        var news = JsonDocument.Parse(await (await GetAsync("/feeds/news.json")).Content.ReadAsStringAsync(Token)).RootElement;
        var attribution = news.GetProperty("items")[0].GetProperty("_feedhub");
        Assert.Equal("Upstream News", attribution.GetProperty("via")[0].GetProperty("publisher").GetString());
        Assert.Equal("Test Model", attribution.GetProperty("ai").GetProperty("model").GetString());
        var planet = JsonDocument.Parse(await (await GetAsync("/feeds/planet.json")).Content.ReadAsStringAsync(Token)).RootElement;
        Assert.All(planet.GetProperty("items").EnumerateArray(), i => Assert.Equal("Upstream News", i.GetProperty("_feedhub").GetProperty("source").GetProperty("title").GetString()));

        // The article's second source is a story FeedHub stores (from both upstreams): each side names the other.
        var itemIds = planet.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Order().ToList();
        var linked = attribution.GetProperty("via")[1].GetProperty("feedhub_items").EnumerateArray().Select(i => i.GetString()).Order().ToList();
        Assert.Equal(itemIds, linked);
        Assert.Null(attribution.GetProperty("via")[0].TryGetProperty("feedhub_items", out _) ? "linked" : null);
        Assert.All(planet.GetProperty("items").EnumerateArray(), i => Assert.Equal(
            "tag:hub.example.org,2026:/articles/chips-article",
            i.GetProperty("_feedhub").GetProperty("cited_by")[0].GetString()));
    }

    [Fact]
    public async Task ConditionalGet_Answers304_UntilTheChannelChanges()
    {
        var first = await GetAsync("/feeds/planet.atom");
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;

        var byTag = await GetAsync("/feeds/planet.atom", h => h.IfNoneMatch.Add(etag));
        var byDate = await GetAsync("/feeds/planet.atom", h => h.IfModifiedSince = lastModified);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(etag.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, byTag.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, byDate.StatusCode);
        Assert.Equal("public, max-age=3600", first.Headers.CacheControl?.ToString()); // its sources are polled hourly

        // Forms a cache may send back: the tag weakened, or among others; and a tag that does not
        // match decides over a date that would.
        var weak = await GetAsync("/feeds/planet.atom", h => h.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag, isWeak: true)));
        var listed = await GetAsync("/feeds/planet.atom", h =>
        {
            h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
            h.IfNoneMatch.Add(etag);
        });
        var otherTag = await GetAsync("/feeds/planet.atom", h =>
        {
            h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
            h.IfModifiedSince = lastModified;
        });
        Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, listed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
        Assert.Equal(etag, byTag.Headers.ETag);
        Assert.Equal("public, max-age=3600", byTag.Headers.CacheControl?.ToString());

        Upstream.ServeFeed("full.xml", UpstreamAtom.Replace("Full story", "Corrected story", StringComparison.Ordinal).Replace("2026-11-25T11:00:00Z", "2026-11-26T11:00:00Z", StringComparison.Ordinal), etag: "\"v2\"", contentType: "application/atom+xml");
        await _app.Get<SourcePoller>().PollAsync("full", CancellationToken.None);
        var changed = await GetAsync("/feeds/planet.atom", h => h.IfNoneMatch.Add(etag));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("Corrected story", await changed.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);

        // A new item dated long ago still changes the document, for If-Modified-Since as well.
        var since = changed.Content.Headers.LastModified!.Value;
        Upstream.ServeFeed("full.xml", UpstreamAtom.Replace("</feed>", "<entry><id>urn:upstream:old</id><title>Old news</title><link href=\"https://upstream.example/old\"/><updated>2001-01-01T00:00:00Z</updated></entry></feed>", StringComparison.Ordinal), etag: "\"v3\"", contentType: "application/atom+xml");
        await _app.Get<SourcePoller>().PollAsync("full", CancellationToken.None);
        var byDateAfterOldItem = await GetAsync("/feeds/planet.atom", h => h.IfModifiedSince = since);

        Assert.Equal(HttpStatusCode.OK, byDateAfterOldItem.StatusCode);
        Assert.Contains("Old news", await byDateAfterOldItem.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangesWrittenOutsideThisProcess_ShowWithoutARestart()
    {
        var before = await (await GetAsync("/feeds/planet.atom")).Content.ReadAsStringAsync(Token);

        // What the command line does from another process: the store changes, and nothing here is told.
        await _app.Get<FeedHub.Storage.SourceStore>().DeleteAsync("full", Token);

        // The excerpt source carries the same stories; only the deleted one's feed URL identifies its entries.
        var deletedFeed = Upstream.Url("full.xml").AbsoluteUri;
        Assert.Contains(deletedFeed, before, StringComparison.Ordinal);
        await Eventually.TrueAsync(
            async () => !(await (await GetAsync("/feeds/planet.atom")).Content.ReadAsStringAsync(Token)).Contains(deletedFeed, StringComparison.Ordinal),
            "planet.atom to drop the deleted source's items",
            seconds: 10);
    }

    /// <summary>
    /// The W3C Feed Validation Service cannot be reached from here; these are the rules of its that
    /// apply to what FeedHub writes (MissingSelf, DuplicateIds, MissingSourceElement, ContainsRelRef,
    /// MissingAuthor, invalid dates), checked on every Atom document.
    /// </summary>
    [Theory]
    [InlineData("news")]
    [InlineData("planet")]
    public async Task AtomDocuments_FollowTheValidatorsRules(string channel)
    {
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var feed = XDocument.Parse(await (await GetAsync($"/feeds/{channel}.atom")).Content.ReadAsStringAsync(Token)).Root!;
        var entries = feed.Elements(atom + "entry").ToList();

        Assert.Equal($"https://hub.example.org/feeds/{channel}.atom", feed.Elements(atom + "link").Single(l => (string?)l.Attribute("rel") == "self").Attribute("href")!.Value);
        Assert.NotEmpty(entries);
        Assert.Equal(entries.Count, entries.Select(e => e.Element(atom + "id")!.Value).Distinct().Count());
        Assert.False(string.IsNullOrWhiteSpace(feed.Element(atom + "author")?.Element(atom + "name")?.Value));
        Assert.All(feed.Descendants(atom + "updated").Concat(feed.Descendants(atom + "published")), d => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", d.Value));
        foreach (var entry in entries)
        {
            Assert.All(entry.Elements(atom + "author"), a => Assert.False(string.IsNullOrWhiteSpace(a.Element(atom + "name")?.Value), "an author without a name"));
            Assert.NotEmpty(entry.Elements(atom + "author"));
            Assert.NotNull(entry.Element(atom + "updated"));
            if (entry.Element(atom + "source") is { } source)
            {
                Assert.All(SourceElements, name => Assert.False(string.IsNullOrWhiteSpace(source.Element(atom + name)?.Value), $"atom:source lacks {name}"));
            }

            foreach (var html in entry.Elements().Where(e => e.Name == atom + "content" || e.Name == atom + "summary").Select(e => e.Value))
            {
                Assert.DoesNotMatch(@"(href|src)=""(?!https?://|mailto:)", html);
            }
        }
    }

    [Fact]
    public async Task Rss_HasASelfLink_GmtDates_AndNoRelativeReferences()
    {
        var rss = await (await GetAsync("/feeds/news.rss")).Content.ReadAsStringAsync(Token);

        Assert.Contains("<atom:link href=\"https://hub.example.org/feeds/news.rss\" rel=\"self\" type=\"application/rss+xml\"", rss, StringComparison.Ordinal);
        Assert.Contains("Fri, 20 Nov 2026 09:00:00 GMT</pubDate>", rss, StringComparison.Ordinal);
        Assert.DoesNotContain(" Z</", rss, StringComparison.Ordinal);
        Assert.Contains("href=\"https://hub.example.org/about\"", rss, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/about\"", rss, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Feeds_AreCompressed_WhenAsked_EachCodingWithItsOwnETag(string encoding)
    {
        var plain = await GetAsync("/feeds/news.atom");
        var response = await GetAsync("/feeds/news.atom", h => h.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding)));
        var again = await GetAsync("/feeds/news.atom", h =>
        {
            h.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
            h.IfNoneMatch.Add(response.Headers.ETag!);
        });

        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.NotEqual(plain.Headers.ETag, response.Headers.ETag);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);

        using var compressed = await response.Content.ReadAsStreamAsync(Token);
        using Stream decompressed = encoding == "br" ? new System.IO.Compression.BrotliStream(compressed, System.IO.Compression.CompressionMode.Decompress) : new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionMode.Decompress);
        using var text = new StreamReader(decompressed);
        Assert.Equal(await plain.Content.ReadAsStringAsync(Token), await text.ReadToEndAsync(Token));
    }

    [Fact]
    public async Task Head_GivesTheHeadersWithoutTheBody()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri("/feeds/news.rss", UriKind.Relative));

        var response = await client.SendAsync(request, Token);
        var get = await GetAsync("/feeds/news.rss");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/rss+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(get.Headers.ETag, response.Headers.ETag);
        Assert.Equal((await get.Content.ReadAsByteArrayAsync(Token)).Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Theory]
    [InlineData("/feeds/nope.atom")]
    [InlineData("/feeds/news.xml")]
    [InlineData("/feeds/news")]
    public async Task UnknownChannelOrFormat_Is404WithTheChoices(string url)
    {
        var response = await GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("channels: news, planet", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenArticle_IsReportedWithItsLine_AndTheOthersArePublished()
    {
        var current = _app.Get<ArticleLibrary>().Current;

        Assert.Equal("chips-article", Assert.Single(current.Articles).Slug);
        var error = Assert.Single(current.Errors);
        Assert.EndsWith("broken.md", error.FilePath, StringComparison.Ordinal);
        Assert.StartsWith(error.FilePath + ":2:", error.Message, StringComparison.Ordinal);
    }
}
