using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Storage;

namespace FeedHub.IntegrationTests.Admin;

public sealed class AdminApiTests : IntegrationTest
{
    private FeedHubApp _app = null!;

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("a.xml", """
            <?xml version="1.0"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>Feed A</title><link href="https://a.example/"/><id>urn:a</id><updated>2026-11-25T00:00:00Z</updated>
              <entry>
                <id>urn:a:1</id><title>Newest</title><link href="https://a.example/1"/>
                <published>2026-11-25T10:00:00+01:00</published><updated>2026-11-25T11:00:00+01:00</updated>
                <author><name>Ann</name><email>ann@a.example</email><uri>https://a.example/ann</uri></author>
                <category term="x"/><summary>Short</summary><content type="html">&lt;p&gt;Full&lt;/p&gt;</content>
                <link rel="enclosure" href="https://a.example/1.mp3" type="audio/mpeg" length="42"/>
              </entry>
              <entry><id>urn:a:0</id><title>Older</title><link href="https://a.example/0"/><published>2026-11-20T10:00:00Z</published><updated>2026-11-20T10:00:00Z</updated></entry>
            </feed>
            """, contentType: "application/atom+xml");
        Upstream.ServeFeed("b.xml", Feeds.Numbered(3));
        _app = StartApp(settings: FeedHubApp.Sources(("a", Upstream.Url("a.xml")), ("b", Upstream.Url("b.xml"))));
        await _app.WaitForFetchesAsync("a");
        await _app.WaitForFetchesAsync("b");
    }

    [Theory]
    [InlineData("/api/items")]
    [InlineData("/api/sources")]
    [InlineData("/api/sources/a")]
    [InlineData("/api/sources/a/fetches")]
    [InlineData("/api/no-such-endpoint")]
    public async Task WithoutAKey_EveryCallIsRefused(string url)
    {
        using var anonymous = _app.CreateClient();
        using var wrong = _app.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key-at-all-0000");

        var none = await anonymous.GetAsync(new Uri(url, UriKind.Relative), Token);
        var bad = await wrong.GetAsync(new Uri(url, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Fact]
    public async Task WithNoKeyConfigured_TheAdminApiIsClosed()
    {
        await using var app = new FeedHubApp(settings: new Dictionary<string, string?> { ["FeedHub:Admin:ApiKey"] = null });
        using var client = app.Admin();

        var response = await client.GetAsync(new Uri("/api/items", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Contains("FeedHub:Admin:ApiKey", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooShortAKey_StopsStart()
    {
        var error = await FeedHubApp.StartFailureAsync(new Dictionary<string, string?> { ["FeedHub:Admin:ApiKey"] = "short" });

        Assert.Contains("FeedHub:Admin:ApiKey must be at least 16 characters", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Items_AreNewestFirst_InTheContractShape()
    {
        var items = (await _app.GetJsonAsync("/api/items?source=a")).GetProperty("items");

        Assert.Equal(2, items.GetArrayLength());
        var item = items[0];
        Assert.Equal("a", item.GetProperty("sourceId").GetString());
        Assert.Equal("urn:a:1", item.GetProperty("guid").GetString());
        Assert.Equal("Newest", item.GetProperty("title").GetString());
        Assert.Equal("https://a.example/1", item.GetProperty("link").GetString());
        Assert.Equal("Short", item.GetProperty("summary").GetString());
        Assert.Equal("<p>Full</p>", item.GetProperty("contentHtml").GetString());
        Assert.Equal("2026-11-25T09:00:00Z", item.GetProperty("published").GetString());
        Assert.Equal("2026-11-25T10:00:00Z", item.GetProperty("updated").GetString());
        var author = item.GetProperty("authors")[0];
        Assert.Equal(("Ann", "ann@a.example", "https://a.example/ann"), (author.GetProperty("name").GetString(), author.GetProperty("email").GetString(), author.GetProperty("uri").GetString()));
        Assert.Equal("x", item.GetProperty("categories")[0].GetString());
        var enclosure = item.GetProperty("enclosures")[0];
        Assert.Equal(("https://a.example/1.mp3", "audio/mpeg", 42), (enclosure.GetProperty("url").GetString(), enclosure.GetProperty("type").GetString(), enclosure.GetProperty("length").GetInt32()));
        Assert.True(item.GetProperty("id").GetInt64() > 0);
        Assert.Equal("Older", items[1].GetProperty("title").GetString());
    }

    [Fact]
    public async Task Items_FilterByWhenTheyWereStored_AndLimit()
    {
        var all = (await _app.GetJsonAsync("/api/items")).GetProperty("items");
        var limited = (await _app.GetJsonAsync("/api/items?limit=2")).GetProperty("items");
        var firstSeen = all.EnumerateArray().Min(i => i.GetProperty("firstSeenAt").GetDateTimeOffset());

        // "since" is about when FeedHub stored an item, not the date it carries: a client that asks
        // for what arrived since its last check gets items dated years ago too.
        var sinceFirstPoll = (await _app.GetJsonAsync($"/api/items?since={firstSeen.UtcDateTime:O}")).GetProperty("items");
        var sinceLater = (await _app.GetJsonAsync($"/api/items?since={firstSeen.AddHours(1).UtcDateTime:O}")).GetProperty("items");

        Assert.Equal(5, all.GetArrayLength());
        Assert.Equal(2, limited.GetArrayLength());
        Assert.Equal(all[0].GetProperty("id").GetInt64(), limited[0].GetProperty("id").GetInt64());
        Assert.Equal(5, sinceFirstPoll.GetArrayLength());
        Assert.Equal(0, sinceLater.GetArrayLength());
    }

    [Fact]
    public async Task Items_PageByCursor_WithoutGapsOrRepeats()
    {
        var all = (await _app.GetJsonAsync("/api/items")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        var paged = new List<long>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await _app.GetJsonAsync("/api/items?limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            paged.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(5, all.Count);
        Assert.Equal(all, paged);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("newest", new[] { "Newest" })]
    [InlineData("full", new[] { "Newest" })]
    [InlineData("story", new[] { "Story 3", "Story 2", "Story 1" })]
    [InlineData("stor*", new[] { "Story 3", "Story 2", "Story 1" })]
    [InlineData("body 2", new[] { "Story 2" })]
    [InlineData("\"unbalanced OR NOT", new string[0])]
    public async Task Items_AreSearchedByTheirWords(string q, string[] titles)
    {
        var items = (await _app.GetJsonAsync($"/api/items?q={Uri.EscapeDataString(q)}")).GetProperty("items");

        Assert.Equal(titles, items.EnumerateArray().Select(i => i.GetProperty("title").GetString()).ToArray());
    }

    [Theory]
    [InlineData("/api/items?limit=0", "limit")]
    [InlineData("/api/items?limit=lots", "limit")]
    [InlineData("/api/items?since=last-tuesday", "since")]
    [InlineData("/api/items?source=nope", "source")]
    [InlineData("/api/items?cursor=not-a-cursor!", "cursor")]
    [InlineData("/api/items?cursor=Zm9v", "cursor")]
    [InlineData("/api/sources/a/fetches?limit=9999", "limit")]
    public async Task BadQuery_IsAProblemNamingTheField(string url, string field)
    {
        using var client = _app.Admin();

        var response = await client.GetAsync(new Uri(url, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Sources_ShowTheirState()
    {
        var sources = (await _app.GetJsonAsync("/api/sources")).GetProperty("sources");
        var a = sources.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "a");

        Assert.Equal("Feed A", a.GetProperty("title").GetString());
        Assert.Equal(Upstream.Url("a.xml").AbsoluteUri, a.GetProperty("url").GetString());
        Assert.Equal("https://a.example/", a.GetProperty("siteUrl").GetString());
        Assert.Equal("1h", a.GetProperty("schedule").GetString());
        Assert.Equal("Full", a.GetProperty("license").GetString());
        Assert.Equal("Active", a.GetProperty("status").GetString());
        Assert.Equal(0, a.GetProperty("errorStreak").GetInt32());
        Assert.Equal("Ok", a.GetProperty("health").GetString());
        Assert.False(a.GetProperty("behindSchedule").GetBoolean());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("lastError").ValueKind);
        Assert.True(a.GetProperty("nextPollAt").GetDateTimeOffset() > a.GetProperty("lastSuccessAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task OpmlExportThenImport_IsANoOp_AndAnImportReportsWhatItDid()
    {
        using var client = _app.Admin();
        var exported = await client.GetStringAsync(new Uri("/api/opml", UriKind.Relative), Token);

        var again = await client.PostAsync(new Uri("/api/opml", UriKind.Relative), new StringContent(exported), Token);
        var noop = await again.Content.ReadFromJsonAsync<JsonElement>(Token);

        Assert.Contains("xmlUrl=\"" + Upstream.Url("a.xml").AbsoluteUri + "\"", exported, StringComparison.Ordinal);
        Assert.Equal(0, noop.GetProperty("added").GetArrayLength());
        Assert.Equal(0, noop.GetProperty("updated").GetArrayLength());
        Assert.Equal(2, noop.GetProperty("skipped").GetArrayLength());

        var opml = $"""
            <opml version="2.0" xmlns:feedhub="urn:feedhub:opml:1"><body>
            <outline text="New one" xmlUrl="{Upstream.Url("new.xml")}" feedhub:schedule="2h"/>
            <outline text="B, renamed" xmlUrl="{Upstream.Url("b.xml")}"/>
            <outline text="Broken" xmlUrl="ftp://nowhere.example/feed"/>
            </body></opml>
            """;
        var report = await (await client.PostAsync(new Uri("/api/opml", UriKind.Relative), new StringContent(opml), Token)).Content.ReadFromJsonAsync<JsonElement>(Token);
        var notOpml = await client.PostAsync(new Uri("/api/opml", UriKind.Relative), new StringContent("<html/>"), Token);

        var added = Assert.Single(report.GetProperty("added").EnumerateArray()).GetString()!;
        Assert.Equal("b", Assert.Single(report.GetProperty("updated").EnumerateArray()).GetString());
        Assert.StartsWith("line 4: ", Assert.Single(report.GetProperty("invalid").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.NotNull(await _app.NextPollAsync(added));
        Assert.Equal("B, renamed", (await _app.GetJsonAsync("/api/sources/b")).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, notOpml.StatusCode);
    }

    [Fact]
    public async Task OpmlNestedThousandsDeep_IsRefusedWithTheReason_AndTheServerStaysUp()
    {
        using var client = _app.Admin();
        var opml = "<opml version=\"2.0\"><body>" + string.Concat(Enumerable.Repeat("<outline text=\"f\">", 12_000))
            + $"<outline text=\"Feed\" xmlUrl=\"{Upstream.Url("deep.xml")}\"/>" + string.Concat(Enumerable.Repeat("</outline>", 12_000)) + "</body></opml>";

        var response = await client.PostAsync(new Uri("/api/opml", UriKind.Relative), new StringContent(opml), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("outlines nest deeper than 64 levels", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative), Token)).StatusCode);
    }

    [Theory]
    [InlineData("title")]
    [InlineData("url")]
    [InlineData("schedule")]
    [InlineData("tags")]
    public async Task AnOversizedField_IsRefusedByName_AndNothingIsStored(string field)
    {
        using var client = _app.Admin();
        var huge = new string('x', 1_000_000);
        object source = field switch
        {
            "title" => new { url = Upstream.Url("huge.xml").AbsoluteUri, title = huge },
            "url" => new { url = Upstream.Url("huge.xml").AbsoluteUri + "?" + huge },
            "schedule" => new { url = Upstream.Url("huge.xml").AbsoluteUri, schedule = huge },
            _ => new { url = Upstream.Url("huge.xml").AbsoluteUri, tags = Enumerable.Range(0, 1000).Select(i => $"tag-{i}").ToArray() },
        };

        var response = await client.PostAsJsonAsync(new Uri("/api/sources", UriKind.Relative), source, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        Assert.Matches("longer than|at most", errors.GetProperty(field)[0].GetString()!);
        Assert.DoesNotContain(await _app.Get<SourceStore>().ListAsync(Token), s => s.Url.Contains("huge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sources_AreCreatedUpdatedAndDeleted_ThroughTheApi()
    {
        using var client = _app.Admin();
        Upstream.ServeFeed("c.xml", Feeds.Numbered(2));

        var created = await client.PostAsJsonAsync(new Uri("/api/sources", UriKind.Relative), new { url = Upstream.Url("c.xml").AbsoluteUri, title = "C", schedule = "2h", tags = (string[])["x"], license = "Excerpt" }, Token);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Token);
        var id = body.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/sources/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("C", "2h", "Excerpt", "Api"), (body.GetProperty("title").GetString(), body.GetProperty("schedule").GetString(), body.GetProperty("license").GetString(), body.GetProperty("origin").GetString()));
        Assert.Equal(2, (await _app.WaitForFetchesAsync(id))[0].ItemsNew);

        var twice = await client.PostAsJsonAsync(new Uri("/api/sources", UriKind.Relative), new { url = Upstream.Url("c.xml").AbsoluteUri }, Token);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var updated = await client.PutAsJsonAsync(new Uri($"/api/sources/{id}", UriKind.Relative), new { url = Upstream.Url("c.xml").AbsoluteUri, title = "C", schedule = "0 0 0 1 1 ?" }, Token);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var next = await _app.NextPollAsync(id);
        Assert.Equal((1, 1), (next!.Value.Month, next.Value.Day));

        var declared = await client.PutAsJsonAsync(new Uri("/api/sources/a", UriKind.Relative), new { url = Upstream.Url("a.xml").AbsoluteUri }, Token);
        Assert.Equal(HttpStatusCode.Conflict, declared.StatusCode);

        var deleted = await client.DeleteAsync(new Uri($"/api/sources/{id}", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/api/sources/{id}", UriKind.Relative), Token)).StatusCode);
        Assert.Null(await _app.NextPollAsync(id));
        Assert.Empty((await _app.Get<FeedHub.Storage.ItemStore>().QueryAsync(new FeedHub.Storage.ItemQuery(id, null, 10), CancellationToken.None)).Items);
    }

    [Theory]
    [InlineData("""{ "url": "ftp://x.example/feed" }""", "url")]
    [InlineData("""{ "url": "https://x.example/feed", "schedule": "sometimes" }""", "schedule")]
    [InlineData("""{ "url": "https://x.example/feed", "license": "Everything" }""", "license")]
    [InlineData("""{ "url": "https://x.example/feed", "id": "Not Valid" }""", "id")]
    public async Task InvalidSource_IsRefusedNamingTheField(string json, string field)
    {
        using var client = _app.Admin();

        var response = await client.PostAsync(new Uri("/api/sources", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task PauseResumeAndPollNow_TakeEffectAtOnce()
    {
        using var client = _app.Admin();

        var paused = await client.PostAsync(new Uri("/api/sources/b/pause", UriKind.Relative), null, Token);
        var pollPaused = await client.PostAsync(new Uri("/api/sources/b/poll", UriKind.Relative), null, Token);
        var shown = await paused.Content.ReadFromJsonAsync<JsonElement>(Token);

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("Paused", shown.GetProperty("status").GetString());
        Assert.Equal("Paused", shown.GetProperty("health").GetString());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("nextPollAt").ValueKind);
        Assert.Null(await _app.NextPollAsync("b"));
        Assert.Equal(HttpStatusCode.Conflict, pollPaused.StatusCode);

        var resumed = await client.PostAsync(new Uri("/api/sources/b/resume", UriKind.Relative), null, Token);

        Assert.Equal("Active", (await resumed.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("status").GetString());
        Assert.NotNull(await _app.NextPollAsync("b"));

        var polled = await client.PostAsync(new Uri("/api/sources/a/poll", UriKind.Relative), null, Token);

        Assert.Equal(HttpStatusCode.Accepted, polled.StatusCode);
        Assert.Equal("/api/sources/a/fetches", polled.Headers.Location?.OriginalString);
        await _app.WaitForFetchesAsync("a", count: 2);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(new Uri("/api/sources/nope/pause", UriKind.Relative), null, Token)).StatusCode);
    }

    [Fact]
    public async Task Fetches_AreTheSourcesHistory_AndUnknownSourcesAre404()
    {
        var fetches = (await _app.GetJsonAsync("/api/sources/b/fetches")).GetProperty("fetches");
        using var client = _app.Admin();
        var missing = await client.GetAsync(new Uri("/api/sources/nope/fetches", UriKind.Relative), Token);

        var fetch = Assert.Single(fetches.EnumerateArray());
        Assert.Equal("Fetched", fetch.GetProperty("outcome").GetString());
        Assert.Equal(200, fetch.GetProperty("httpStatus").GetInt32());
        Assert.Equal(3, fetch.GetProperty("itemsNew").GetInt32());
        Assert.True(fetch.GetProperty("bytes").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
