using System.Net;
using System.Net.Http.Headers;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Testing;

namespace FeedHub.IntegrationTests.Admin;

/// <summary>
/// The admin API under hostile and careless input, over a real socket: JSON bodies for sources and
/// articles, OPML bodies, and every query value and path id. Each case is answered with success or a
/// 4xx that says why, never a 5xx; afterwards FeedHub is alive, what was there before is still there,
/// and the channel of every article and source is still published.
/// </summary>
[Collection(HostileRequests.Collection)]
public sealed class AdminApiHostileInputTests : IntegrationTest
{
    private const int CasesPerSurface = 60;

    private RunningFeedHub _hub = null!;
    private HttpClient _client = null!;

    protected override async ValueTask SetUpAsync()
    {
        _hub = Own(await RunningFeedHub.StartAsync(Root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Admin:ApiKey"] = FeedHubApp.ApiKey,
            ["FeedHub:Polling:AllowPrivateNetworks"] = "true",
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "News",
            ["FeedHub:Channels:0:Articles"] = "true",
            ["FeedHub:Channels:0:Sources:0"] = "*",
        }));
        _client = OwnDisposable(new HttpClient { BaseAddress = _hub.BaseUrl });
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FeedHubApp.ApiKey);
        var kept = await _client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(Source("Kept", "http://127.0.0.1:9/kept.xml")), Token);
        Assert.Equal(HttpStatusCode.Created, kept.StatusCode);
        var article = await _client.PostAsync(new Uri("/api/articles", UriKind.Relative), Json(Article("Kept article", "Body.", "kept-article")), Token);
        Assert.Equal(HttpStatusCode.Created, article.StatusCode);
    }

    public static readonly TheoryData<string> BodySurfaces = ["POST /api/sources", "PUT /api/sources/kept", "POST /api/articles", "PUT /api/articles/kept-article", "POST /api/opml"];

    [Theory]
    [MemberData(nameof(BodySurfaces))]
    public async Task EveryHostileBody_IsAnsweredWithSuccessOrAReason(string surface)
    {
        var (method, path) = (new HttpMethod(surface.Split(' ')[0]), surface.Split(' ')[1]);
        var (cases, contentType) = surface switch
        {
            _ when path.StartsWith("/api/sources", StringComparison.Ordinal) => (new HostileSurface(
                Source("A title", "http://127.0.0.1:9/a.xml"),
                value => Source(HostileSurface.JsonText(value), "http://127.0.0.1:9/a.xml"),
                depth => $"{{\"url\":\"http://127.0.0.1:9/deep.xml\",\"tags\":{new string('[', depth)}{new string(']', depth)}}}"), "application/json"),
            _ when path.StartsWith("/api/articles", StringComparison.Ordinal) => (new HostileSurface(
                Article("A title", "Body.", Slug(method)),
                value => Article(HostileSurface.JsonText(value[..Math.Min(value.Length, 200)]), HostileSurface.JsonText(value), Slug(method)),
                depth => $"{{\"title\":\"t\",\"body\":\"b\",\"sources\":{new string('[', depth)}{new string(']', depth)}}}"), "application/json"),
            _ => (HostileDocuments.Opml, "text/x-opml"),
        };

        foreach (var input in cases.Cases(CasesPerSurface))
        {
            await HostileSurface.TryAsync(input, async input =>
                await HostileRequests.AssertAnsweredAsync(await HostileRequests.SendAsync(_client, method, path, input, contentType), input));
        }

        await AssertNothingLostAsync();
    }

    public static readonly TheoryData<string> QuerySurfaces =
    [
        "/api/items?q=", "/api/items?cursor=", "/api/items?limit=", "/api/items?since=", "/api/items?source=",
        "/api/sources?behind=", "/api/sources/", "/api/sources/kept/fetches?limit=", "/api/articles/",
    ];

    [Theory]
    [MemberData(nameof(QuerySurfaces))]
    public async Task EveryHostileQueryValue_IsAnsweredWithSuccessOrAReason(string prefix)
    {
        var surface = new HostileSurface("fts OR \"quoted phrase\" NEAR(a b) title:x*", value => value, depth => new string('(', depth) + "a" + new string(')', depth));
        foreach (var input in surface.Cases(CasesPerSurface))
        {
            await HostileSurface.TryAsync(input, input => HostileRequests.GetAndAssertAnsweredAsync(_client, prefix + HostileRequests.QueryValue(input), input));
        }

        await AssertNothingLostAsync();
    }

    private async Task AssertNothingLostAsync()
    {
        await HostileRequests.AssertAliveAsync(_client);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/api/sources/kept", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/api/articles/kept-article", UriKind.Relative), Token)).StatusCode);

        // Whatever was accepted is published: one field XML cannot carry would stop the whole feed.
        foreach (var document in new[] { "/feeds/news.atom", "/feeds/news.rss", "/feeds/news.json", "/api/opml" })
        {
            Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri(document, UriKind.Relative), Token)).StatusCode);
        }
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    // Each created source and article has a new id and URL (the kept ones keep theirs), so that
    // accepted cases are stored and published rather than refused as taken.
    private static int s_made;

    private static string Source(string title, string url)
    {
        var made = Interlocked.Increment(ref s_made);
        return title == "Kept"
            ? $"{{\"id\":\"kept\",\"url\":\"{url}\",\"title\":\"Kept\"}}"
            : $"{{\"id\":\"made-{made}\",\"url\":\"{url}?{made}\",\"title\":\"{title}\",\"schedule\":\"1h\",\"tags\":[\"tech\"],\"license\":\"Excerpt\"}}";
    }

    /// <summary>A new article's own slug, or the kept one's when it is replaced (its slug cannot change).</summary>
    private static string Slug(HttpMethod method) => method == HttpMethod.Put ? "kept-article" : $"made-{Interlocked.Increment(ref s_made)}";

    private static string Article(string title, string body, string slug) =>
        $"{{\"slug\":\"{slug}\",\"title\":\"{title}\",\"summary\":\"s\",\"body\":\"{body}\",\"authors\":[{{\"name\":\"Ann\"}}],\"tags\":[\"feeds\"],\"ai\":{{\"generated\":false}},\"sources\":[{{\"title\":\"Story\",\"url\":\"http://127.0.0.1:9/story\",\"publisher\":\"Up\"}}]}}";
}
