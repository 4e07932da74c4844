using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Dapper;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Network;
using FeedHub.Polling;
using FeedHub.Publishing.Hub;
using FeedHub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FeedHub.IntegrationTests.Publishing.Hub;

/// <summary>
/// FeedHub's WebSub hub driven by <see cref="SpecSubscriber"/>, a subscriber written from the
/// specification, over real HTTP on loopback: verification of intent, leases, unsubscription,
/// signed distribution of a new article, retries, 410, and a delivery that outlives a restart.
/// </summary>
public sealed class HubTests : IntegrationTest
{
    private const string NewsAtom = "http://localhost:5080/feeds/news.atom";

    private SpecSubscriber _subscriber = null!;

    protected override async ValueTask SetUpAsync() => _subscriber = Own(await SpecSubscriber.StartAsync());

    /// <summary>FeedHub with two channels (own articles, all sources), callbacks on loopback allowed and a one-second first retry.</summary>
    private static FeedHubApp NewApp(Dictionary<string, string?>? settings = null, string? contentRoot = null, Action<IServiceCollection>? services = null)
    {
        var merged = new Dictionary<string, string?>
        {
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "News",
            ["FeedHub:Channels:0:Articles"] = "true",
            ["FeedHub:Channels:1:Id"] = "planet",
            ["FeedHub:Channels:1:Title"] = "Planet",
            ["FeedHub:Channels:1:Sources:0"] = "*",
            ["FeedHub:WebSub:AllowPrivateCallbacks"] = "true",
            ["FeedHub:WebSub:FirstRetryDelay"] = "00:00:01",
        };
        return FeedHubApp.Start(contentRoot, merged.With(settings), services);
    }

    private async Task<HttpResponseMessage> RequestAsync(FeedHubApp app, string mode, string name, string topic = NewsAtom, params (string Key, string Value)[] extra)
    {
        using var client = app.CreateClient();
        var fields = new List<KeyValuePair<string, string>> { new("hub.mode", mode), new("hub.topic", topic), new("hub.callback", _subscriber.Callback(name)) };
        fields.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
        return await client.PostAsync(new Uri("/websub", UriKind.Relative), new FormUrlEncodedContent(fields), Token);
    }

    /// <summary>Subscribes as a subscriber does (§5.1), wanting it, and waits until the hub has verified it.</summary>
    private async Task<JsonElement> SubscribeAsync(FeedHubApp app, string name, params (string Key, string Value)[] extra)
    {
        _subscriber.Want(name, "subscribe");
        var response = await RequestAsync(app, "subscribe", name, NewsAtom, extra);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await WaitForSubscriptionAsync(app, name);
    }

    private async Task<JsonElement> WaitForSubscriptionAsync(FeedHubApp app, string name)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(
            async () => (found = (await ActiveAsync(app)).FirstOrDefault(s => s.GetProperty("callback").GetString() == _subscriber.Callback(name))).ValueKind == JsonValueKind.Object,
            $"the subscription of {name}");
        return found;
    }

    private static async Task<List<JsonElement>> ActiveAsync(FeedHubApp app) =>
        [.. (await app.GetJsonAsync("/api/websub/subscriptions")).GetProperty("subscriptions").EnumerateArray()];

    private static async Task PublishArticleAsync(FeedHubApp app, string title)
    {
        using var admin = app.Admin();
        var response = await admin.PostAsJsonAsync(
            "/api/articles",
            new { title, summary = "A summary.", body = "A body.", authors = new[] { new { name = "Desk" } }, ai = new { generated = false } },
            Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<double> MetricAsync(FeedHubApp app, string name, params (string Label, string Value)[] labels)
    {
        using var client = app.CreateClient();
        var metrics = PrometheusText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token));
        return metrics.Find(name, labels).Sum(s => s.Value);
    }

    private async Task<Distribution> WaitForDistributionAsync(string name, int count = 1)
    {
        await Eventually.TrueAsync(() => Task.FromResult(_subscriber.DistributionsTo(name).Count >= count), $"{count} distribution(s) to {name}");
        return _subscriber.DistributionsTo(name)[count - 1];
    }

    [Theory]
    [InlineData(null, "sha256")]
    [InlineData("sha1", "sha1")]
    [InlineData("sha256", "sha256")]
    [InlineData("sha384", "sha384")]
    [InlineData("sha512", "sha512")]
    public async Task ASubscriberWithASecret_IsVerified_AndGetsANewArticle_SignedAsAsked(string? asked, string algorithm)
    {
        await using var app = NewApp();
        const string secret = "a shared secret, not too long";
        var extra = new List<(string, string)> { ("hub.secret", secret), ("hub.lease_seconds", "3600") };
        if (asked is not null)
        {
            extra.Add(("hub.signature_algorithm", asked));
        }

        var subscription = await SubscribeAsync(app, "signed", [.. extra]);

        // §5.3: the hub asked with the mode, the topic, a challenge of the allowed characters and the lease it grants.
        var (_, query, answered) = Assert.Single(_subscriber.Verifications);
        Assert.Equal(200, answered);
        Assert.Equal("subscribe", query["hub.mode"]);
        Assert.Equal(NewsAtom, query["hub.topic"]);
        Assert.Equal("3600", query["hub.lease_seconds"]);
        Assert.Matches("^[A-Za-z0-9+\\-./=_]{16,}$", query["hub.challenge"]);
        Assert.True(subscription.GetProperty("signed").GetBoolean());
        Assert.Equal(algorithm, subscription.GetProperty("signatureAlgorithm").GetString());
        Assert.DoesNotContain(secret, subscription.GetRawText(), StringComparison.Ordinal);

        await PublishArticleAsync(app, "Pushed to subscribers");
        var delivered = await WaitForDistributionAsync("signed");

        Assert.Equal("application/atom+xml; charset=utf-8", delivered.ContentType);
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var links = XDocument.Parse(delivered.Text).Root!.Elements(atom + "link").ToList();
        Assert.Contains(links, l => (string?)l.Attribute("rel") == "hub" && (string?)l.Attribute("href") == "http://localhost:5080/websub");
        Assert.Contains("Pushed to subscribers", delivered.Text, StringComparison.Ordinal);
        Assert.Contains("<http://localhost:5080/websub>; rel=\"hub\"", delivered.Link, StringComparison.Ordinal);
        Assert.Contains($"<{NewsAtom}>; rel=\"self\"", delivered.Link, StringComparison.Ordinal);

        // §7.1: method=hex(HMAC(secret, body)), computed here independently.
        var key = Encoding.UTF8.GetBytes(secret);
        var expected = algorithm switch
        {
#pragma warning disable CA5350 // The test checks the SHA-1 signature the specification allows a subscriber to ask for.
            "sha1" => HMACSHA1.HashData(key, delivered.Body),
#pragma warning restore CA5350
            "sha384" => HMACSHA384.HashData(key, delivered.Body),
            "sha512" => HMACSHA512.HashData(key, delivered.Body),
            _ => HMACSHA256.HashData(key, delivered.Body),
        };
        Assert.Equal($"{algorithm}={Convert.ToHexStringLower(expected)}", delivered.Signature);
        await Eventually.TrueAsync(
            async () => await MetricAsync(app, "feedhub_websub_deliveries_total", ("topic", NewsAtom), ("outcome", "delivered")) == 1,
            "the delivery to be counted");
    }

    [Fact]
    public async Task ASubscriberWithoutASecret_GetsUnsignedDeliveries()
    {
        await using var app = NewApp();
        var subscription = await SubscribeAsync(app, "plain");

        await PublishArticleAsync(app, "Unsigned news");
        var delivered = await WaitForDistributionAsync("plain");

        Assert.False(subscription.GetProperty("signed").GetBoolean());
        Assert.Null(delivered.Signature);
        Assert.Equal(10 * 24 * 3600, subscription.GetProperty("leaseSeconds").GetInt32());
    }

    [Fact]
    public async Task ATopicNobodySubscribesTo_IsNotCompared_AndAChangeBeforeSubscribing_IsNotSent()
    {
        await using var app = NewApp();
        var watcher = app.Get<TopicWatcher>();
        await PublishArticleAsync(app, "Before anyone listened");
        await watcher.CheckAsync(Token);

        // No channel was read or rendered for the hub: no topic has a version recorded.
        Assert.Empty(await RecordedTopicsAsync(app));

        // Subscribing records the topic as it is then; the article before it is not news to the subscriber.
        await SubscribeAsync(app, "late");
        Assert.Equal([NewsAtom], await RecordedTopicsAsync(app));
        await watcher.CheckAsync(Token);
        await PublishArticleAsync(app, "After subscribing");
        var delivered = await WaitForDistributionAsync("late");

        Assert.Contains("After subscribing", delivered.Text, StringComparison.Ordinal);
        await Eventually.TrueAsync(
            async () => await MetricAsync(app, "feedhub_websub_deliveries_total", ("topic", NewsAtom), ("outcome", "delivered")) == 1,
            "the delivery to be counted");
        Assert.Single(_subscriber.DistributionsTo("late"));
    }

    private static async Task<List<string>> RecordedTopicsAsync(FeedHubApp app)
    {
        await using var connection = await app.Get<Database>().OpenAsync(Token);
        return [.. await connection.QueryAsync<string>("SELECT topic FROM websub_topics ORDER BY topic")];
    }

    [Fact]
    public async Task ASubscriberThatAnswers404ToTheChallenge_IsNotSubscribed()
    {
        await using var app = NewApp();
        _subscriber.Want("unwilling", null);

        var response = await RequestAsync(app, "subscribe", "unwilling");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(
            async () => await MetricAsync(app, "feedhub_websub_verifications_total", ("mode", "subscribe"), ("outcome", "declined")) == 1,
            "the declined verification");
        Assert.Equal(404, Assert.Single(_subscriber.Verifications).Answered);
        Assert.Empty(await ActiveAsync(app));
    }

    [Fact]
    public async Task ALeaseThatEnds_EndsTheSubscription_AndItsDeliveries()
    {
        await using var app = NewApp();
        _subscriber.Want("brief", "subscribe");
        Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(app, "subscribe", "brief", NewsAtom, ("hub.lease_seconds", "1"))).StatusCode);
        await SubscribeAsync(app, "lasting");
        await Eventually.TrueAsync(
            async () => await MetricAsync(app, "feedhub_websub_verifications_total", ("mode", "subscribe"), ("outcome", "confirmed")) == 2,
            "both subscriptions to be stored");
        Assert.Equal("1", _subscriber.Verifications.Single(v => v.Name == "brief").Query["hub.lease_seconds"]);

        // Once its lease has ended, a subscription is no longer listed and gets nothing.
        await Eventually.TrueAsync(async () => (await ActiveAsync(app)).Count == 1, "the brief lease to end");
        await PublishArticleAsync(app, "After the lease");
        await WaitForDistributionAsync("lasting");

        Assert.Empty(_subscriber.DistributionsTo("brief"));
    }

    [Fact]
    public async Task ALeaseLongerThanTheMaximum_IsCutToIt()
    {
        await using var app = NewApp(new() { ["FeedHub:WebSub:MaxLease"] = "01:00:00", ["FeedHub:WebSub:DefaultLease"] = "00:30:00" });

        var subscription = await SubscribeAsync(app, "greedy", ("hub.lease_seconds", "99999999"));

        Assert.Equal("3600", _subscriber.Verifications.Single().Query["hub.lease_seconds"]);
        Assert.Equal(3600, subscription.GetProperty("leaseSeconds").GetInt32());
    }

    [Fact]
    public async Task Unsubscribing_IsVerified_AndStopsDeliveries()
    {
        await using var app = NewApp();
        await SubscribeAsync(app, "leaving");
        await SubscribeAsync(app, "staying");

        _subscriber.Want("leaving", "unsubscribe");
        Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(app, "unsubscribe", "leaving")).StatusCode);
        await Eventually.TrueAsync(async () => (await ActiveAsync(app)).Count == 1, "the unsubscription");
        await PublishArticleAsync(app, "After leaving");
        await WaitForDistributionAsync("staying");

        var asked = _subscriber.Verifications.Last(v => v.Name == "leaving");
        Assert.Equal("unsubscribe", asked.Query["hub.mode"]);
        Assert.Empty(_subscriber.DistributionsTo("leaving"));
    }

    [Fact]
    public async Task AnUnsubscriptionTheSubscriberDoesNotConfirm_LeavesTheSubscription()
    {
        await using var app = NewApp();
        await SubscribeAsync(app, "forged");

        // Someone else asks to unsubscribe it; the subscriber wants no such thing (§5.3.1: 404).
        Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(app, "unsubscribe", "forged")).StatusCode);
        await Eventually.TrueAsync(
            async () => await MetricAsync(app, "feedhub_websub_verifications_total", ("mode", "unsubscribe"), ("outcome", "declined")) == 1,
            "the declined unsubscription");

        Assert.Single(await ActiveAsync(app));
    }

    [Fact]
    public async Task A410FromTheSubscriber_EndsTheSubscription()
    {
        await using var app = NewApp();
        await SubscribeAsync(app, "gone");
        _subscriber.AnswerDistributions("gone", 410);

        await PublishArticleAsync(app, "To a subscriber who left");
        await WaitForDistributionAsync("gone");

        await Eventually.TrueAsync(async () => (await ActiveAsync(app)).Count == 0, "the subscription to end");
        await Eventually.TrueAsync(async () => await MetricAsync(app, "feedhub_websub_deliveries_total", ("outcome", "gone")) == 1, "the 410 to be counted");
    }

    [Fact]
    public async Task AFailedDelivery_IsRetried_WithTheSameContent()
    {
        await using var app = NewApp();
        await SubscribeAsync(app, "flaky");
        _subscriber.AnswerDistributions("flaky", 500);

        await PublishArticleAsync(app, "Worth retrying");
        var first = await WaitForDistributionAsync("flaky");
        var second = await WaitForDistributionAsync("flaky", 2);

        Assert.Equal(500, first.Answered);
        Assert.Equal(200, second.Answered);
        Assert.Equal(first.Body, second.Body);
        await Eventually.TrueAsync(async () => await MetricAsync(app, "feedhub_websub_deliveries_total", ("outcome", "delivered")) == 1, "the delivery to be counted");
        Assert.Equal(1, await MetricAsync(app, "feedhub_websub_deliveries_total", ("outcome", "failed")));
        Assert.Equal(JsonValueKind.Null, (await ActiveAsync(app)).Single().GetProperty("pending").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, (await ActiveAsync(app)).Single().GetProperty("lastDeliveredAt").ValueKind);
    }

    [Fact]
    public async Task AFailingDelivery_ShowsInTheAdminApi_AndIsGivenUpAfterTheRetryCap()
    {
        await using var app = NewApp(new() { ["FeedHub:WebSub:MaxDeliveryAttempts"] = "2" });
        await SubscribeAsync(app, "down");
        _subscriber.AnswerDistributions("down", 503, 503, 503);

        await PublishArticleAsync(app, "Nobody home");
        await WaitForDistributionAsync("down");
        JsonElement pending = default;
        await Eventually.TrueAsync(
            async () => (pending = (await ActiveAsync(app)).Single().GetProperty("pending")).ValueKind == JsonValueKind.Object && pending.GetProperty("attempts").GetInt32() == 1,
            "the failed attempt to be recorded");
        Assert.Equal("HTTP 503", pending.GetProperty("lastError").GetString());

        await WaitForDistributionAsync("down", 2);
        await Eventually.TrueAsync(
            async () => await MetricAsync(app, "feedhub_websub_deliveries_total", ("outcome", "abandoned")) == 1,
            "the delivery to be given up");
        var subscription = Assert.Single(await ActiveAsync(app));
        Assert.Equal(JsonValueKind.Null, subscription.GetProperty("pending").ValueKind);
    }

    [Fact]
    public async Task ADeliveryQueuedBeforeARestart_IsDeliveredAfterIt()
    {
        using var root = new TestDirectory();
        var settings = new Dictionary<string, string?> { ["FeedHub:WebSub:FirstRetryDelay"] = "00:00:02" };
        await using (var before = NewApp(settings, root.Path))
        {
            await SubscribeAsync(before, "patient");
            _subscriber.AnswerDistributions("patient", 500, 500, 500, 500, 500, 500, 500, 500, 500, 500);
            await PublishArticleAsync(before, "Survives a restart");
            await Eventually.TrueAsync(
                async () => (await ActiveAsync(before)).Single().GetProperty("pending") is { ValueKind: JsonValueKind.Object } pending && pending.GetProperty("attempts").GetInt32() >= 1,
                "a failed attempt in the queue");
        }

        _subscriber.AnswerDistributions("patient");
        var failures = _subscriber.DistributionsTo("patient").Count;
        await using var after = NewApp(settings, root.Path);

        var delivered = await WaitForDistributionAsync("patient", failures + 1);

        Assert.Equal(200, delivered.Answered);
        Assert.Contains("Survives a restart", delivered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryChannelDocument_AdvertisesItsHubsAndItself()
    {
        await using var app = NewApp(new() { ["FeedHub:WebSub:ExternalHubs:0"] = "https://pubsubhubbub.example/" });
        using var client = app.CreateClient();

        var atom = await client.GetAsync(new Uri("/feeds/news.atom", UriKind.Relative), Token);
        var rss = XDocument.Parse(await client.GetStringAsync(new Uri("/feeds/planet.rss", UriKind.Relative), Token));
        var json = await client.GetFromJsonAsync<JsonElement>("/feeds/news.json", Token);

        Assert.Equal(
            "<http://localhost:5080/websub>; rel=\"hub\", <https://pubsubhubbub.example/>; rel=\"hub\", <http://localhost:5080/feeds/news.atom>; rel=\"self\"",
            atom.Headers.GetValues("Link").Single());
        XNamespace a = "http://www.w3.org/2005/Atom";
        var atomLinks = XDocument.Parse(await atom.Content.ReadAsStringAsync(Token)).Root!.Elements(a + "link").ToList();
        Assert.Equal(["http://localhost:5080/websub", "https://pubsubhubbub.example/"], atomLinks.Where(l => (string?)l.Attribute("rel") == "hub").Select(l => (string?)l.Attribute("href")));
        Assert.Equal(NewsAtom, atomLinks.Single(l => (string?)l.Attribute("rel") == "self").Attribute("href")!.Value);
        Assert.Equal(
            ["http://localhost:5080/websub", "https://pubsubhubbub.example/"],
            rss.Root!.Element("channel")!.Elements(a + "link").Where(l => (string?)l.Attribute("rel") == "hub").Select(l => (string?)l.Attribute("href")));
        Assert.Equal("http://localhost:5080/websub", json.GetProperty("hubs")[0].GetProperty("url").GetString());
        Assert.Equal("WebSub", json.GetProperty("hubs")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task AChange_IsAnnouncedToTheExternalHubs()
    {
        await using var app = NewApp(new() { ["FeedHub:WebSub:ExternalHubs:0"] = new Uri(_subscriber.BaseUrl, "hub").AbsoluteUri });

        await PublishArticleAsync(app, "Tell the other hubs");

        await Eventually.TrueAsync(() => Task.FromResult(_subscriber.Pings.Any(p => p.GetValueOrDefault("hub.url") == NewsAtom)), "the publish ping");
        var ping = _subscriber.Pings.First(p => p.GetValueOrDefault("hub.url") == NewsAtom);
        Assert.Equal("publish", ping["hub.mode"]);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/callback")]
    [InlineData("http://[::1]/callback")]
    [InlineData("http://127.0.0.2/callback")]
    public async Task ACallbackOnAPrivateAddress_IsRefusedAtConnect_WithTheGuardOn(string callback)
    {
        // As for polls: the production guard, told that 127.0.0.1 alone stands for the public internet.
        await using var app = NewApp(
            new() { ["FeedHub:WebSub:AllowPrivateCallbacks"] = "false" },
            services: services => services.AddHttpClient(IntentVerifier.HttpClientName).ConfigurePrimaryHttpMessageHandler(provider =>
                NetworkGuard.Handler(
                    TimeSpan.FromSeconds(30),
                    address => address.Equals(IPAddress.Loopback) || NetworkGuard.IsPublic(address),
                    "FeedHub:WebSub:AllowPrivateCallbacks")));
        using var client = app.CreateClient();

        var response = await client.PostAsync(
            new Uri("/websub", UriKind.Relative),
            new FormUrlEncodedContent([new("hub.mode", "subscribe"), new("hub.topic", NewsAtom), new("hub.callback", callback)]),
            Token);
        await SubscribeAsync(app, "public");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(
            async () => await MetricAsync(app, "feedhub_websub_verifications_total", ("mode", "subscribe"), ("outcome", "unreachable")) == 1,
            "the refused verification");
        var only = Assert.Single(await ActiveAsync(app));
        Assert.Equal(_subscriber.Callback("public"), only.GetProperty("callback").GetString());
    }

    [Theory]
    [InlineData("hub.mode=subscribe&hub.topic=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews.atom", "hub.callback: required")]
    [InlineData("hub.mode=subscribe&hub.topic=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews.atom&hub.callback=ftp%3A%2F%2Fx%2F", "hub.callback:")]
    [InlineData("hub.mode=subscribe&hub.topic=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews.atom&hub.callback=%2Frelative", "hub.callback:")]
    [InlineData("hub.mode=watch&hub.topic=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews.atom&hub.callback=http%3A%2F%2Fs.example%2F", "hub.mode:")]
    [InlineData("hub.mode=publish&hub.url=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews.atom", "hub.mode: publish")]
    [InlineData("hub.mode=subscribe&hub.callback=http%3A%2F%2Fs.example%2F", "hub.topic: required")]
    [InlineData("hub.mode=subscribe&hub.topic=https%3A%2F%2Fexample.org%2Ffeed&hub.callback=http%3A%2F%2Fs.example%2F", "hub.topic: https://example.org/feed is not a topic")]
    [InlineData("hub.mode=subscribe&hub.topic=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews%2Farchive%2F1.atom&hub.callback=http%3A%2F%2Fs.example%2F", "hub.topic:")]
    [InlineData("hub.mode=subscribe&hub.topic=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews.atom&hub.callback=http%3A%2F%2Fs.example%2F&hub.lease_seconds=soon", "hub.lease_seconds:")]
    [InlineData("hub.mode=subscribe&hub.topic=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews.atom&hub.callback=http%3A%2F%2Fs.example%2F&hub.lease_seconds=-5", "hub.lease_seconds:")]
    [InlineData("hub.mode=subscribe&hub.topic=http%3A%2F%2Flocalhost%3A5080%2Ffeeds%2Fnews.atom&hub.callback=http%3A%2F%2Fs.example%2F&hub.secret=s&hub.signature_algorithm=md5", "hub.signature_algorithm:")]
    public async Task ABadRequest_IsRefusedWith400_NamingTheParameter(string form, string expected)
    {
        await using var app = NewApp();
        using var client = app.CreateClient();

        var response = await client.PostAsync(new Uri("/websub", UriKind.Relative), new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Empty(_subscriber.Verifications);
    }

    [Fact]
    public async Task ASecretOf200BytesOrMore_IsRefused()
    {
        await using var app = NewApp();

        var response = await RequestAsync(app, "subscribe", "long", NewsAtom, ("hub.secret", new string('s', 200)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("hub.secret:", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestThatIsNotAForm_IsRefusedWith415()
    {
        await using var app = NewApp();
        using var client = app.CreateClient();

        var response = await client.PostAsJsonAsync("/websub", new { mode = "subscribe" }, Token);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    /// <summary>
    /// The 16 KiB cap holds however the body is framed, on a real socket (Kestrel, where chunked
    /// bodies and the server's own body limit exist): a chunked form padded to a few megabytes and a
    /// chunked single value of 29 MB are 413, a multipart form (WebSub §5.1 asks for a URL-encoded
    /// one) is 415, each with the reason as plain text, and the hub then takes a request as before.
    /// </summary>
    [Theory]
    [InlineData("chunked-padded-form", HttpStatusCode.RequestEntityTooLarge, "at most 16384 bytes")]
    [InlineData("chunked-huge-value", HttpStatusCode.RequestEntityTooLarge, "at most 16384 bytes")]
    [InlineData("multipart-form", HttpStatusCode.UnsupportedMediaType, "application/x-www-form-urlencoded")]
    public async Task ABodyPastTheCapOrNotUrlEncoded_IsRefused_HoweverItIsFramed_AndTheHubStaysUp(string body, HttpStatusCode expected, string reason)
    {
        var hub = Own(await RunningFeedHub.StartAsync(Root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "News",
            ["FeedHub:Channels:0:Articles"] = "true",
            ["FeedHub:WebSub:AllowPrivateCallbacks"] = "true",
        }));
        var topic = new Uri(hub.BaseUrl, "feeds/news.atom").AbsoluteUri;
        var fields = $"hub.mode=subscribe&hub.topic={Uri.EscapeDataString(topic)}&hub.callback={Uri.EscapeDataString(_subscriber.Callback("big"))}";
        var url = new Uri(hub.BaseUrl, "websub");
        using var client = new HttpClient();

        var (status, contentType, text) = body switch
        {
            "chunked-padded-form" => await ChunkedPost.SendAsync(url, "application/x-www-form-urlencoded", fields + "&padding=", 3 * 1024 * 1024, Token),
            "chunked-huge-value" => await ChunkedPost.SendAsync(url, "application/x-www-form-urlencoded", "hub.secret=", 29 * 1000 * 1000, Token),
            _ => await AnswerAsync(await client.PostAsync(
                url,
                new MultipartFormDataContent
                {
                    { new StringContent("subscribe"), "hub.mode" },
                    { new StringContent(topic), "hub.topic" },
                    { new StringContent(_subscriber.Callback("big")), "hub.callback" },
                },
                Token)),
        };

        Assert.Equal(expected, status);
        Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
        Assert.Contains(reason, text, StringComparison.Ordinal);

        _subscriber.Want("after", "subscribe");
        using var valid = new StringContent(
            $"hub.mode=subscribe&hub.topic={Uri.EscapeDataString(topic)}&hub.callback={Uri.EscapeDataString(_subscriber.Callback("after"))}",
            Encoding.UTF8,
            "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(url, valid, Token)).StatusCode);
    }

    private static async Task<(HttpStatusCode, string?, string)> AnswerAsync(HttpResponseMessage response) =>
        (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync(Token));

    /// <summary>
    /// A POST whose body is <c>prefix</c> and then <c>padding</c> letters, sent chunked (its length is
    /// never given) over a socket of its own. Not HttpClient: a server that refuses a body part-way
    /// answers and closes, and HttpClient, still writing, reports the broken pipe instead of the answer.
    /// </summary>
    internal static class ChunkedPost
    {
        public static async Task<(HttpStatusCode Status, string? ContentType, string Body)> SendAsync(Uri url, string contentType, string prefix, long padding, CancellationToken cancellationToken)
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(url.Host, url.Port, cancellationToken);
            var stream = tcp.GetStream();
            var answer = ReadToEndAsync(stream, cancellationToken);
            try
            {
                var head = $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
                await WriteChunkAsync(stream, Encoding.ASCII.GetBytes(prefix), cancellationToken);
                var block = new byte[64 * 1024];
                Array.Fill(block, (byte)'a');
                for (var left = padding; left > 0; left -= block.Length)
                {
                    await WriteChunkAsync(stream, block.AsMemory(0, (int)Math.Min(block.Length, left)), cancellationToken);
                }

                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
            }
            catch (IOException)
            {
                // The server stopped reading and closed: what it answered first is what counts.
            }

            return Parse(await answer);
        }

        private static async Task WriteChunkAsync(Stream stream, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"), cancellationToken);
            await stream.WriteAsync(chunk, cancellationToken);
            await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        private static async Task<byte[]> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
        {
            using var received = new MemoryStream();
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    received.Write(buffer, 0, read);
                }
            }
            catch (IOException)
            {
                // A reset after the answer: the answer is already here.
            }

            return received.ToArray();
        }

        /// <summary>The status, content type and body (de-chunked if need be) of an HTTP/1.1 answer.</summary>
        private static (HttpStatusCode, string?, string) Parse(byte[] raw)
        {
            var text = Encoding.UTF8.GetString(raw);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.True(end > 0, $"An HTTP answer, not {raw.Length} bytes of: {text}");
            var lines = text[..end].Split("\r\n");
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var body = text[(end + 4)..];
            if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                var decoded = new StringBuilder();
                for (var at = 0; ;)
                {
                    var sizeEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                    var size = Convert.ToInt32(body[at..sizeEnd].Split(';')[0], 16);
                    if (size == 0)
                    {
                        break;
                    }

                    decoded.Append(body, sizeEnd + 2, size);
                    at = sizeEnd + 2 + size + 2;
                }

                body = decoded.ToString();
            }

            return ((HttpStatusCode)int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers.GetValueOrDefault("Content-Type"), body);
        }
    }

    [Fact]
    public async Task ATopicWithAsManySubscribersAsAllowed_RefusesAnother_ButLetsOneRenew()
    {
        await using var app = NewApp(new() { ["FeedHub:WebSub:MaxSubscriptionsPerTopic"] = "1" });
        await SubscribeAsync(app, "first");

        var another = await RequestAsync(app, "subscribe", "second");
        var renewal = await RequestAsync(app, "subscribe", "first", NewsAtom, ("hub.lease_seconds", "7200"));

        Assert.Equal(HttpStatusCode.Forbidden, another.StatusCode);
        Assert.Contains("hub.topic:", await another.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, renewal.StatusCode);
        await Eventually.TrueAsync(async () => (await ActiveAsync(app)).Single().GetProperty("leaseSeconds").GetInt32() == 7200, "the renewal");
    }

    [Fact]
    public async Task TooManyRequestsFromOneClient_AreRefusedWith429()
    {
        await using var app = NewApp(new() { ["FeedHub:WebSub:RequestsPerMinute"] = "3" });
        _subscriber.Want("eager", "subscribe");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await RequestAsync(app, "subscribe", "eager")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task TheAdminApi_EndsASubscription()
    {
        await using var app = NewApp();
        var subscription = await SubscribeAsync(app, "removed");
        using var admin = app.Admin();
        var url = new Uri($"/api/websub/subscriptions/{subscription.GetProperty("id").GetInt64()}", UriKind.Relative);

        var first = await admin.DeleteAsync(url, Token);
        var second = await admin.DeleteAsync(url, Token);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Empty(await ActiveAsync(app));
    }

    [Fact]
    public async Task ADisabledHub_AdvertisesNothing_AndTakesNoRequests()
    {
        await using var app = NewApp(new() { ["FeedHub:WebSub:Enabled"] = "false" });
        using var client = app.CreateClient();

        var feed = await client.GetAsync(new Uri("/feeds/news.atom", UriKind.Relative), Token);
        var hub = await RequestAsync(app, "subscribe", "nobody");

        Assert.False(feed.Headers.Contains("Link"));
        Assert.DoesNotContain("rel=\"hub\"", await feed.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.Accepted, hub.StatusCode);
    }

    [Theory]
    [InlineData("FeedHub:WebSub:DefaultLease", "40.00:00:00", "FeedHub:WebSub:DefaultLease")]
    [InlineData("FeedHub:WebSub:MaxSubscriptionsPerTopic", "0", "MaxSubscriptionsPerTopic")]
    [InlineData("FeedHub:WebSub:ExternalHubs:0", "ftp://hub.example/", "FeedHub:WebSub:ExternalHubs")]
    public async Task ABadSetting_StopsStartUp_NamingTheKey(string key, string value, string named)
    {
        var failure = await FeedHubApp.StartFailureAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
