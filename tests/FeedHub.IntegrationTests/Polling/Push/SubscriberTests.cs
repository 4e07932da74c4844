using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Polling.Push;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.IntegrationTests.Polling.Push;

/// <summary>
/// FeedHub as a subscriber, against a hub written here from the specification: the test upstream
/// serves a feed that advertises the hub, the hub takes FeedHub's requests, and the test plays the
/// hub's verification of intent against FeedHub's callback.
/// </summary>
public sealed class SubscriberTests : IntegrationTest
{

    private readonly ConcurrentQueue<Dictionary<string, string>> _hubRequests = new();

    private Uri FeedUrl => Upstream.Url("feed.xml");

    private Uri HubUrl => Upstream.Url("hub");

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("feed.xml", Advertising(HubUrl, FeedUrl), etag: null, lastModified: null);
        MapHub("hub");
    }

    /// <summary>A hub at <paramref name="path"/> that takes every request (202) and keeps it, with its own URL as <c>hub</c>.</summary>
    private void MapHub(string path) =>
        Upstream.Map(path, async context =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var request = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            request["hub"] = Upstream.Url(path).AbsoluteUri;
            _hubRequests.Enqueue(request);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });

    /// <summary>An RSS feed with WebSub's <c>atom:link</c> elements (as WordPress writes them).</summary>
    private static string Advertising(Uri hub, Uri self) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Hubbed</title><link>https://upstream.example/</link>
        <atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{self}"/>
        <item><guid isPermaLink="false">a</guid><title>A story</title><description>Body.</description><pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate></item>
        </channel></rss>
        """;

    private static FeedHubApp Start(Dictionary<string, string?>? extra = null, FakeTimeProvider? clock = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["FeedHub:PublicBaseUrl"] = "http://127.0.0.1:5080/",
            ["FeedHub:WebSub:AllowPrivateCallbacks"] = "true",
            ["FeedHub:WebSub:RequestedLease"] = "00:16:40",
            ["FeedHub:WebSub:SafetyNetInterval"] = "1.00:00:00",
        };
        return FeedHubApp.Start(settings: settings.With(extra), services: clock is null ? null : services => services.AddSingleton<TimeProvider>(clock));
    }

    private static async Task CreateSourceAsync(FeedHubApp app, Uri url, string id = "s")
    {
        using var admin = app.Admin();
        var created = await admin.PostAsJsonAsync("/api/sources", new { id, url = url.AbsoluteUri, schedule = "6h" }, Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private async Task<Dictionary<string, string>> HubRequestAsync(int number)
    {
        await Eventually.TrueAsync(() => Task.FromResult(_hubRequests.Count >= number), $"request {number} at the hub");
        return _hubRequests.ElementAt(number - 1);
    }

    /// <summary>The hub's verification of intent (WebSub §5.3), sent to the callback FeedHub gave.</summary>
    private static async Task<HttpResponseMessage> VerifyAsync(FeedHubApp app, string callback, string mode, string topic, int? lease = 1000, string challenge = "a-challenge-0123456789")
    {
        using var client = app.CreateClient();
        var query = $"?hub.mode={mode}&hub.topic={Uri.EscapeDataString(topic)}&hub.challenge={challenge}" + (lease is null ? "" : $"&hub.lease_seconds={lease}");
        return await client.GetAsync(new Uri(new Uri(callback).PathAndQuery + query, UriKind.Relative), Token);
    }

    private static async Task<JsonElement> PushOfAsync(FeedHubApp app, string id = "s") =>
        (await app.GetJsonAsync($"/api/sources/{id}")).GetProperty("push");

    [Fact]
    public async Task AFeedAdvertisingAHub_IsSubscribed_AndOnlyTheVerificationAskedFor_IsConfirmed()
    {
        await using var app = Start();
        await CreateSourceAsync(app, FeedUrl);

        var request = await HubRequestAsync(1);
        Assert.Equal("subscribe", request["hub.mode"]);
        Assert.Equal(FeedUrl.AbsoluteUri, request["hub.topic"]);
        Assert.Equal("1000", request["hub.lease_seconds"]);
        Assert.Matches("^[0-9a-f]{64}$", request["hub.secret"]);
        var callback = request["hub.callback"];
        Assert.StartsWith("http://127.0.0.1:5080/websub/callback/", callback, StringComparison.Ordinal);
        Assert.Equal("requested", (await PushOfAsync(app)).GetProperty("state").GetString());

        // Another topic, another callback, or a mode FeedHub did not ask for: 404, and nothing changes.
        Assert.Equal(HttpStatusCode.NotFound, (await VerifyAsync(app, callback, "subscribe", "https://elsewhere.example/feed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await VerifyAsync(app, callback + "0", "subscribe", FeedUrl.AbsoluteUri)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await VerifyAsync(app, callback, "unsubscribe", FeedUrl.AbsoluteUri)).StatusCode);
        Assert.Equal("polled", (await PushOfAsync(app)).GetProperty("delivery").GetString());

        var confirmed = await VerifyAsync(app, callback, "subscribe", FeedUrl.AbsoluteUri);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("a-challenge-0123456789", await confirmed.Content.ReadAsStringAsync(Token));

        var push = await PushOfAsync(app);
        Assert.Equal("pushed", push.GetProperty("delivery").GetString());
        Assert.Equal(HubUrl.AbsoluteUri, push.GetProperty("hub").GetString());
        Assert.Contains("lease 1000 s", push.GetProperty("lastVerification").GetString(), StringComparison.Ordinal);

        // Pushed, the next poll is the safety net's (a day), not the six hours of its schedule.
        await Eventually.TrueAsync(
            async () => (await app.GetJsonAsync("/api/sources/s")).GetProperty("nextPollAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(20),
            "the next poll moved to the safety net");

        // The hub then denies it (§5.2): the source is polled on its schedule again.
        using var client = app.CreateClient();
        var denied = await client.GetAsync(new Uri(new Uri(callback).PathAndQuery + $"?hub.mode=denied&hub.topic={Uri.EscapeDataString(FeedUrl.AbsoluteUri)}&hub.reason=closed", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        push = await PushOfAsync(app);
        Assert.Equal("polled", push.GetProperty("delivery").GetString());
        Assert.Equal("denied", push.GetProperty("state").GetString());
        Assert.Contains("closed", push.GetProperty("lastVerification").GetString(), StringComparison.Ordinal);
        Assert.True((await app.GetJsonAsync("/api/sources/s")).GetProperty("nextPollAt").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddHours(7));
    }

    [Fact]
    public async Task ALiveSubscription_IsRenewedBeforeItsLeaseEnds_AndPollingReturnsWhenItLapses()
    {
        var clock = new FakeTimeProvider(Noon);
        await using var app = Start(clock: clock);
        await CreateSourceAsync(app, FeedUrl);
        var callback = (await HubRequestAsync(1))["hub.callback"];
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(app, callback, "subscribe", FeedUrl.AbsoluteUri, lease: 1000)).StatusCode);
        Assert.Equal(Noon.AddSeconds(1000), (await PushOfAsync(app)).GetProperty("leaseEndsAt").GetDateTimeOffset());

        // At 80 % of the lease nothing is asked yet; at 90 % the renewal is, with the same callback and secret.
        // Each step is checked by a pass of its own: the background pass, on the fake clock, may be
        // waiting for a time the clock has already passed.
        clock.Advance(TimeSpan.FromSeconds(800));
        await app.Get<UpstreamSubscriber>().ReconcileAsync(Token);
        Assert.Single(_hubRequests);
        clock.Advance(TimeSpan.FromSeconds(100));
        await app.Get<UpstreamSubscriber>().ReconcileAsync(Token);
        var renewal = await HubRequestAsync(2);
        Assert.Equal("subscribe", renewal["hub.mode"]);
        Assert.Equal(callback, renewal["hub.callback"]);
        Assert.Equal(_hubRequests.First()["hub.secret"], renewal["hub.secret"]);
        Assert.Equal("pushed", (await PushOfAsync(app)).GetProperty("delivery").GetString());

        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(app, callback, "subscribe", FeedUrl.AbsoluteUri, lease: 1000)).StatusCode);
        Assert.Equal(Noon.AddSeconds(1900), (await PushOfAsync(app)).GetProperty("leaseEndsAt").GetDateTimeOffset());

        // The next renewal is never verified: when the lease ends the source is polled again, and FeedHub asks anew.
        clock.Advance(TimeSpan.FromSeconds(900));
        await app.Get<UpstreamSubscriber>().ReconcileAsync(Token);
        await HubRequestAsync(3);
        clock.Advance(TimeSpan.FromSeconds(101));
        await app.Get<UpstreamSubscriber>().ReconcileAsync(Token);
        await Eventually.TrueAsync(async () => (await PushOfAsync(app)).GetProperty("delivery").GetString() == "polled", "the lapsed lease noticed");
        await HubRequestAsync(4);
        Assert.Equal(callback, _hubRequests.Last()["hub.callback"]);
    }

    [Fact]
    public async Task RemovingTheSource_Unsubscribes_AndTheHubsConfirmationEndsIt()
    {
        await using var app = Start();
        await CreateSourceAsync(app, FeedUrl);
        var callback = (await HubRequestAsync(1))["hub.callback"];
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(app, callback, "subscribe", FeedUrl.AbsoluteUri)).StatusCode);

        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri("/api/sources/s", UriKind.Relative), Token)).StatusCode);

        var unsubscribe = await HubRequestAsync(2);
        Assert.Equal("unsubscribe", unsubscribe["hub.mode"]);
        Assert.Equal(callback, unsubscribe["hub.callback"]);
        Assert.False(unsubscribe.ContainsKey("hub.secret"));
        var listed = (await app.GetJsonAsync("/api/websub/upstream")).GetProperty("subscriptions").EnumerateArray().Single();
        Assert.Equal("unsubscribing", listed.GetProperty("state").GetString());

        // Until the hub confirms, what it still delivers to the old callback is refused with 410 Gone.
        using var client = app.CreateClient();
        var late = await client.PostAsync(new Uri(new Uri(callback).PathAndQuery, UriKind.Relative), new StringContent("<rss/>"), Token);
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);

        var confirmed = await VerifyAsync(app, callback, "unsubscribe", FeedUrl.AbsoluteUri, lease: null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("a-challenge-0123456789", await confirmed.Content.ReadAsStringAsync(Token));
        Assert.Empty((await app.GetJsonAsync("/api/websub/upstream")).GetProperty("subscriptions").EnumerateArray());
    }

    [Fact]
    public async Task PausingTheSource_Unsubscribes()
    {
        await using var app = Start();
        await CreateSourceAsync(app, FeedUrl);
        var callback = (await HubRequestAsync(1))["hub.callback"];
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(app, callback, "subscribe", FeedUrl.AbsoluteUri)).StatusCode);

        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri("/api/sources/s/pause", UriKind.Relative), null, Token)).StatusCode);
        Assert.Equal("unsubscribe", (await HubRequestAsync(2))["hub.mode"]);
        Assert.Equal("polled", (await PushOfAsync(app)).GetProperty("delivery").GetString());
    }

    [Fact]
    public async Task AHubOnAPrivateAddress_WithTheGuardOn_IsNeverAsked()
    {
        // The guard is on for polls (and so for hubs); callbacks on loopback are allowed, so only the guard can refuse.
        await using var app = Start(new() { ["FeedHub:Polling:AllowPrivateNetworks"] = "false" });
        await CreateSourceAsync(app, new Uri("http://127.0.0.1:1/hubbed.xml"));

        // As if its last poll had found the hub (the guard would refuse a poll of this upstream too).
        await using (var connection = await app.Get<Database>().OpenAsync(Token))
        {
            await connection.ExecuteAsync(
                "UPDATE sources SET websub_hub = @hub, websub_topic = @topic WHERE id = 's'",
                new { hub = HubUrl.AbsoluteUri, topic = "http://127.0.0.1:1/hubbed.xml" });
        }

        app.Get<UpstreamSubscriber>().Wake();
        await Eventually.TrueAsync(async () => (await PushOfAsync(app)).GetProperty("state").GetString() == "failed", "the refused subscription");
        Assert.Contains("private, loopback", (await PushOfAsync(app)).GetProperty("lastVerification").GetString(), StringComparison.Ordinal);
        Assert.Empty(Upstream.RequestsTo("hub"));
        Assert.Equal("polled", (await PushOfAsync(app)).GetProperty("delivery").GetString());
    }

    [Fact]
    public async Task WithoutAReachablePublicBaseUrl_NothingIsSubscribed_AndTheSourceSaysWhy()
    {
        await using var app = Start(new() { ["FeedHub:WebSub:AllowPrivateCallbacks"] = "false" });
        await CreateSourceAsync(app, FeedUrl);
        await app.WaitForFetchesAsync("s");

        var push = await PushOfAsync(app);
        Assert.Equal(HubUrl.AbsoluteUri, push.GetProperty("hub").GetString());
        Assert.Equal("polled", push.GetProperty("delivery").GetString());
        Assert.Contains("FeedHub:PublicBaseUrl", push.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Empty(_hubRequests);
    }

    [Fact]
    public async Task TheHubInTheLinkHeader_WinsOverTheDocuments()
    {
        Upstream.Map("linked.xml", async context =>
        {
            context.Response.Headers.Append("Link", $"<{Upstream.Url("other-hub")}>; rel=\"hub\", <{Upstream.Url("canonical.xml")}>; rel=\"self\"");
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Advertising(HubUrl, Upstream.Url("linked.xml")), context.RequestAborted);
        });
        await using var app = Start(new() { ["FeedHub:WebSub:Subscribe"] = "false" });
        await CreateSourceAsync(app, Upstream.Url("linked.xml"), "linked");
        await app.WaitForFetchesAsync("linked");

        var push = await PushOfAsync(app, "linked");
        Assert.Equal(Upstream.Url("other-hub").AbsoluteUri, push.GetProperty("hub").GetString());
        Assert.Equal(Upstream.Url("canonical.xml").AbsoluteUri, push.GetProperty("topic").GetString());
        Assert.Contains("FeedHub:WebSub:Subscribe", push.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignedPush_IsStoredLikeAPoll_AndOneThatIsNoFeedOrTooLarge_IsRefused()
    {
        await using var app = Start(new() { ["FeedHub:Polling:MaxBodyBytes"] = "4096" });
        await CreateSourceAsync(app, FeedUrl);
        var request = await HubRequestAsync(1);
        var path = new Uri(request["hub.callback"]).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(app, request["hub.callback"], "subscribe", FeedUrl.AbsoluteUri)).StatusCode);
        await app.WaitForFetchesAsync("s");

        // Signed as WebSub §7.1 says, here with SHA-512: an HMAC of the raw body keyed with hub.secret.
        async Task<HttpResponseMessage> PushAsync(string body)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new("application/rss+xml");
            content.Headers.Add("X-Hub-Signature", "sha512=" + Convert.ToHexStringLower(HMACSHA512.HashData(Encoding.UTF8.GetBytes(request["hub.secret"]), bytes)));
            using var client = app.CreateClient();
            return await client.PostAsync(new Uri(path, UriKind.Relative), content, Token);
        }

        var pushed = Advertising(HubUrl, FeedUrl).Replace("</channel>", "<item><guid>b</guid><title>Pushed <b>story</b></title><description>&lt;script&gt;alert(1)&lt;/script&gt;Kept.</description></item></channel>", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await PushAsync(pushed)).StatusCode);
        var items = (await app.GetJsonAsync("/api/items?source=s")).GetProperty("items").EnumerateArray().ToList();
        var story = Assert.Single(items, i => i.GetProperty("guid").GetString() == "b");
        Assert.DoesNotContain("<script", story.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, (await PushOfAsync(app)).GetProperty("lastPushAt").ValueKind);

        Assert.Equal(HttpStatusCode.Accepted, (await PushAsync("<html><body>Not a feed</body></html>")).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PushAsync(new string('x', 5000))).StatusCode);

        var fetches = (await app.GetJsonAsync("/api/sources/s/fetches")).GetProperty("fetches").EnumerateArray().ToList();
        Assert.Equal(["PushRefused", "PushRefused", "Pushed", "Fetched"], fetches.Select(f => f.GetProperty("outcome").GetString()));
        Assert.Equal(1, fetches[2].GetProperty("itemsNew").GetInt32());
        Assert.Contains("HTML page", fetches[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("cap", fetches[0].GetProperty("error").GetString(), StringComparison.Ordinal);

        using var client = app.CreateClient();
        var metrics = PrometheusText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token));
        foreach (var outcome in new[] { "accepted", "parse_error", "too_large" })
        {
            Assert.Equal(1, metrics.Find("feedhub_websub_subscriber_pushes_total", ("outcome", outcome)).Sum(m => m.Value));
        }

        Assert.Equal(1, metrics.Find("feedhub_websub_subscriber_verifications_total", ("mode", "subscribe"), ("outcome", "verified")).Sum(m => m.Value));
    }

    /// <summary>
    /// On a real socket (Kestrel, which has chunked bodies and a body limit of its own, 30 MB by
    /// default): a chunked push past a cap set above that default is refused with 413 at the cap,
    /// logged and counted as too large, not failed part-way as a 500.
    /// </summary>
    [Fact]
    public async Task AChunkedPushPastTheCap_IsRefusedWith413_AndCountedAsTooLarge()
    {
        const long cap = 32L * 1024 * 1024;
        var app = Own(await RunningFeedHub.StartAsync(Root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Admin:ApiKey"] = FeedHubApp.ApiKey,
            ["FeedHub:Polling:AllowPrivateNetworks"] = "true",
            ["FeedHub:Polling:MaxBodyBytes"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FeedHub:WebSub:AllowPrivateCallbacks"] = "true",
            ["FeedHub:WebSub:RequestedLease"] = "00:16:40",
            ["FeedHub:WebSub:SafetyNetInterval"] = "1.00:00:00",
        }));
        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new("Bearer", FeedHubApp.ApiKey);
        var created = await client.PostAsJsonAsync("api/sources", new { id = "s", url = FeedUrl.AbsoluteUri, schedule = "6h" }, Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var callback = new Uri((await HubRequestAsync(1))["hub.callback"]);
        Assert.Equal(app.BaseUrl.Authority, callback.Authority);
        var verified = await client.GetAsync(
            new Uri(callback.PathAndQuery + $"?hub.mode=subscribe&hub.topic={Uri.EscapeDataString(FeedUrl.AbsoluteUri)}&hub.challenge=a-challenge-0123456789&hub.lease_seconds=1000", UriKind.Relative),
            Token);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);

        var (status, _, _) = await Publishing.Hub.HubTests.ChunkedPost.SendAsync(
            new Uri(app.BaseUrl, callback.PathAndQuery), "application/rss+xml", "<rss>", cap + (4 * 1024 * 1024), Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        var fetches = (await client.GetFromJsonAsync<JsonElement>("api/sources/s/fetches", Token)).GetProperty("fetches").EnumerateArray().ToList();
        Assert.Contains(fetches, f => f.GetProperty("outcome").GetString() == "PushRefused" && f.GetProperty("error").GetString()!.Contains("cap", StringComparison.Ordinal));
        var metrics = PrometheusText.Parse(await client.GetStringAsync(new Uri("metrics", UriKind.Relative), Token));
        Assert.Equal(1, metrics.Find("feedhub_websub_subscriber_pushes_total", ("outcome", "too_large")).Sum(m => m.Value));
    }

    [Fact]
    public async Task TheDashboard_ShowsAPushedSource()
    {
        await using var app = Start();
        await CreateSourceAsync(app, FeedUrl);
        var callback = (await HubRequestAsync(1))["hub.callback"];
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(app, callback, "subscribe", FeedUrl.AbsoluteUri)).StatusCode);

        // Signed in as a browser is, with the key and the form's antiforgery token.
        using var admin = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var signIn = await admin.GetStringAsync(new Uri("/admin/sign-in", UriKind.Relative), Token);
        var token = Regex.Match(signIn, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent([new("key", FeedHubApp.ApiKey), new("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync(new Uri("/admin/sign-in", UriKind.Relative), form, Token)).StatusCode);

        var table = await admin.GetStringAsync(new Uri("/admin", UriKind.Relative), Token);
        Assert.Contains("class=\"badge push\"", table, StringComparison.Ordinal);
        var page = await admin.GetStringAsync(new Uri("/admin/sources/s", UriKind.Relative), Token);
        Assert.Contains("pushed by its WebSub hub", page, StringComparison.Ordinal);
        Assert.Contains(HubUrl.AbsoluteUri, page, StringComparison.Ordinal);
        Assert.Contains("Lease ends", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFeedThatMovesToAnotherHub_IsUnsubscribedAtTheOld_AndSubscribedAtTheNew()
    {
        MapHub("new-hub");
        await using var app = Start();
        await CreateSourceAsync(app, FeedUrl);
        var first = await HubRequestAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(app, first["hub.callback"], "subscribe", FeedUrl.AbsoluteUri)).StatusCode);

        Upstream.ServeFeed("feed.xml", Advertising(Upstream.Url("new-hub"), FeedUrl), etag: null, lastModified: null);
        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync(new Uri("/api/sources/s/poll", UriKind.Relative), null, Token)).StatusCode);

        await HubRequestAsync(3);
        var old = Assert.Single(_hubRequests, r => r["hub.mode"] == "unsubscribe");
        Assert.Equal(HubUrl.AbsoluteUri, old["hub"]);
        Assert.Equal(first["hub.callback"], old["hub.callback"]);
        var renewed = _hubRequests.Last(r => r["hub.mode"] == "subscribe");
        Assert.Equal(Upstream.Url("new-hub").AbsoluteUri, renewed["hub"]);
        Assert.NotEqual(first["hub.callback"], renewed["hub.callback"]);
        Assert.NotEqual(first["hub.secret"], renewed["hub.secret"]);

        // Until the new hub verifies, the source is polled on its schedule again.
        var push = await PushOfAsync(app);
        Assert.Equal("polled", push.GetProperty("delivery").GetString());
        Assert.Equal(Upstream.Url("new-hub").AbsoluteUri, push.GetProperty("hub").GetString());
    }
}
