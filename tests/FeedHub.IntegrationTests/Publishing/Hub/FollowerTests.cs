using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FeedHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Publishing.Hub;

/// <summary>
/// Two real FeedHub processes on loopback: the first follows a test upstream and publishes its
/// <c>planet</c> channel with its WebSub hub; the second follows that channel as a source, finds the
/// hub in the document, subscribes, and from then on gets the channel's changes pushed. The second's
/// own poll schedule is hours long, so an item it has without a second poll in its fetch log came by push.
/// </summary>
public sealed class FollowerTests : IntegrationTest
{
    private const string ApiKey = "follower-test-key-0123456789";
    private const string Followed = "planet-a";

    private static readonly string[] Sending = ["Pushed", "PushRefused"];

    private TestDirectory _firstRoot = null!;
    private TestDirectory _secondRoot = null!;
    private string _upstreamFeed = Feeds.Rss(("one", "Story one", "Body one"));
    private readonly int _firstPort = Loopback.FreePort();
    private readonly int _secondPort = Loopback.FreePort();

    protected override async ValueTask SetUpAsync()
    {
        _firstRoot = NewDirectory();
        _secondRoot = NewDirectory();
        await StartUpstreamAsync();
        Upstream.Map("feed.xml", async context =>
        {
            context.Response.ContentType = "application/rss+xml; charset=utf-8";
            await context.Response.WriteAsync(Volatile.Read(ref _upstreamFeed), context.RequestAborted);
        });
    }

    /// <summary>The first FeedHub: follows the upstream hourly, publishes <c>planet</c>, runs the hub (retrying a failed delivery every second, up to 100 times).</summary>
    private FeedHubProcess StartFirst(bool hub = true)
    {
        var process = FeedHubProcess.Start(_firstRoot.Path, new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{_firstPort}",
            ["FeedHub:PublicBaseUrl"] = $"http://127.0.0.1:{_firstPort}/",
            ["FeedHub:Admin:ApiKey"] = ApiKey,
            ["FeedHub:Channels:0:Id"] = "planet",
            ["FeedHub:Channels:0:Title"] = "Planet",
            ["FeedHub:Channels:0:Sources:0"] = "*",
            ["FeedHub:Sources:0:Id"] = "upstream",
            ["FeedHub:Sources:0:Url"] = Upstream.Url("feed.xml").AbsoluteUri,
            ["FeedHub:Sources:0:Schedule"] = "1h",
            ["FeedHub:WebSub:Enabled"] = hub ? "true" : "false",
            ["FeedHub:WebSub:AllowPrivateCallbacks"] = "true",
            ["FeedHub:WebSub:FirstRetryDelay"] = "00:00:00.500",
            ["FeedHub:WebSub:RetryBackoffCap"] = "00:00:01",

            // Retried every second, a delivery must outlast both processes starting again on a loaded machine.
            ["FeedHub:WebSub:MaxDeliveryAttempts"] = "100",

            // An attempt claims its delivery for twice this (so that no other node sends it meanwhile);
            // a process killed mid-attempt leaves the claim to run out before the restarted one retries.
            ["FeedHub:WebSub:Timeout"] = "00:00:02",
            ["FeedHub:WebSub:CheckInterval"] = "00:00:01",
        });
        return OwnDisposable(process);
    }

    /// <summary>The second FeedHub: follows the first's <c>planet</c> channel on <paramref name="schedule"/>, subscribing at its hub.</summary>
    private FeedHubProcess StartSecond(string schedule = "6h", string lease = "7.00:00:00")
    {
        var process = FeedHubProcess.Start(_secondRoot.Path, new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{_secondPort}",
            ["FeedHub:PublicBaseUrl"] = $"http://127.0.0.1:{_secondPort}/",
            ["FeedHub:Admin:ApiKey"] = ApiKey,
            ["FeedHub:Channels:0:Id"] = "mirror",
            ["FeedHub:Channels:0:Title"] = "Mirror",
            ["FeedHub:Channels:0:Sources:0"] = "*",
            ["FeedHub:Sources:0:Id"] = Followed,
            ["FeedHub:Sources:0:Url"] = $"http://127.0.0.1:{_firstPort}/feeds/planet.atom",
            ["FeedHub:Sources:0:Schedule"] = schedule,
            ["FeedHub:WebSub:AllowPrivateCallbacks"] = "true",
            ["FeedHub:WebSub:RequestedLease"] = lease,
            ["FeedHub:WebSub:SafetyNetInterval"] = "1.00:00:00",
            ["FeedHub:WebSub:SubscribeRetryDelay"] = "00:00:01",
            ["FeedHub:WebSub:CheckInterval"] = "00:00:01",
        });
        return OwnDisposable(process);
    }

    private static async Task<HttpClient> ReadyAsync(int port, FeedHubProcess process)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        await Eventually.TrueAsync(
            async () =>
            {
                Assert.False(process.HasExited, process.OutputTail);
                try
                {
                    return (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"FeedHub on port {port} to be ready",
            seconds: 60);
        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpClient client, string url) =>
        await client.GetFromJsonAsync<JsonElement>(new Uri(url, UriKind.Relative), Token);

    private static async Task<List<string>> TitlesAsync(HttpClient client, string sourceId) =>
        [.. (await JsonAsync(client, $"/api/items?source={sourceId}&limit=100")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!)];

    private static async Task<List<JsonElement>> FetchesAsync(HttpClient client, string sourceId) =>
        [.. (await JsonAsync(client, $"/api/sources/{sourceId}/fetches")).GetProperty("fetches").EnumerateArray()];

    /// <summary>Fetch-log rows that were polls (not pushes).</summary>
    private static async Task<int> PollsAsync(HttpClient client, string sourceId) =>
        (await FetchesAsync(client, sourceId)).Count(f => !Sending.Contains(f.GetProperty("outcome").GetString()));

    /// <summary>
    /// Waits until both ends hold the subscription. The second marks it verified before its answer to
    /// the hub's challenge is sent; the first stores it (and the document it compares changes with)
    /// only once that answer arrives, so waiting on the second alone let a test go on, or kill the
    /// second, while the first had nothing to deliver to.
    /// </summary>
    private static async Task WaitUntilPushedAsync(HttpClient first, HttpClient second)
    {
        await Eventually.TrueAsync(
            async () => (await JsonAsync(second, $"/api/sources/{Followed}")).GetProperty("push").GetProperty("delivery").GetString() == "pushed",
            "the second FeedHub's subscription at the first's hub to be verified");
        var callback = new Uri((await JsonAsync(second, "/api/websub/upstream")).GetProperty("subscriptions").EnumerateArray()
            .Single(s => s.GetProperty("state").GetString() == "verified").GetProperty("callback").GetString()!);
        await Eventually.TrueAsync(
            async () => (await JsonAsync(first, "/api/websub/subscriptions")).GetProperty("subscriptions").EnumerateArray()
                .Any(s => new Uri(s.GetProperty("callback").GetString()!) == callback),
            "the first FeedHub's hub to have stored the subscription");
    }

    private async Task PublishUpstreamAsync(HttpClient first, string title)
    {
        Volatile.Write(ref _upstreamFeed, Feeds.Rss(("one", "Story one", "Body one"), (title, title, "Fresh.")));
        var poll = await first.PostAsync(new Uri("/api/sources/upstream/poll", UriKind.Relative), null, Token);
        Assert.Equal(HttpStatusCode.Accepted, poll.StatusCode);
        await Eventually.TrueAsync(async () => (await TitlesAsync(first, "upstream")).Contains(title), $"'{title}' in the first FeedHub");
    }

    [Fact]
    public async Task AnItemReachingTheFirst_IsPushedToTheSecond_WithoutAPoll()
    {
        var firstProcess = StartFirst();
        using var first = await ReadyAsync(_firstPort, firstProcess);
        await Eventually.TrueAsync(async () => (await TitlesAsync(first, "upstream")).Contains("Story one"), "the first FeedHub's first poll");

        var secondProcess = StartSecond();
        using var second = await ReadyAsync(_secondPort, secondProcess);
        await WaitUntilPushedAsync(first, second);
        var source = await JsonAsync(second, $"/api/sources/{Followed}");
        Assert.Equal($"http://127.0.0.1:{_firstPort}/websub", source.GetProperty("push").GetProperty("hub").GetString());
        Assert.Equal($"http://127.0.0.1:{_firstPort}/feeds/planet.atom", source.GetProperty("push").GetProperty("topic").GetString());
        Assert.True(source.GetProperty("push").GetProperty("leaseEndsAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(6));
        Assert.Equal(1, await PollsAsync(second, Followed));

        await PublishUpstreamAsync(first, "Breaking");

        // Bounded only to fail rather than hang: the second polls again in six hours (a day as a
        // safety net), so the item can only have come by push, as the poll count below says. (Ten
        // seconds were too few on two loaded cores: a delivery over its two-second timeout is retried.)
        await Eventually.TrueAsync(async () => (await TitlesAsync(second, Followed)).Contains("Breaking"), "'Breaking' pushed to the second FeedHub");
        Assert.Equal(1, await PollsAsync(second, Followed));
        var push = (await FetchesAsync(second, Followed)).First(f => f.GetProperty("outcome").GetString() == "Pushed");
        Assert.True(push.GetProperty("itemsNew").GetInt32() >= 1);

        // The second's metrics show a verified subscription and an accepted push (counted once the answer is on its way).
        PrometheusText metrics = null!;
        await Eventually.TrueAsync(
            async () =>
            {
                metrics = PrometheusText.Parse(await second.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token));
                return metrics.Find("feedhub_websub_subscriber_pushes_total", ("outcome", "accepted")).Sum(s => s.Value) >= 1
                    && metrics.Find("feedhub_websub_subscriber_subscriptions", ("state", "verified")).Sum(s => s.Value) == 1;
            },
            "the accepted push and the verified subscription in the metrics");
        Assert.NotEmpty(metrics.Find("feedhub_websub_subscriber_push_latency_seconds_count"));

        // A delivery whose signature was tampered with, and one without any, are answered (so a forger
        // learns nothing) but refused: nothing stored, each recorded in the fetch log and the metrics.
        var callback = (await JsonAsync(second, "/api/websub/upstream")).GetProperty("subscriptions").EnumerateArray().Single().GetProperty("callback").GetString()!;
        var forged = (await first.GetStringAsync(new Uri("/feeds/planet.atom", UriKind.Relative), Token)).Replace("Breaking", "Forged", StringComparison.Ordinal);
        using var anyone = new HttpClient();
        using var tampered = new StringContent(forged, Encoding.UTF8, "application/atom+xml");
        tampered.Headers.Add("X-Hub-Signature", "sha256=" + new string('0', 64));
        Assert.Equal(HttpStatusCode.Accepted, (await anyone.PostAsync(new Uri(callback), tampered, Token)).StatusCode);
        using var unsigned = new StringContent(forged, Encoding.UTF8, "application/atom+xml");
        Assert.Equal(HttpStatusCode.Accepted, (await anyone.PostAsync(new Uri(callback), unsigned, Token)).StatusCode);

        Assert.DoesNotContain("Forged", await TitlesAsync(second, Followed));
        var refused = (await FetchesAsync(second, Followed)).Where(f => f.GetProperty("outcome").GetString() == "PushRefused").ToList();
        Assert.Contains(refused, f => f.GetProperty("error").GetString()!.Contains("does not match", StringComparison.Ordinal));
        Assert.Contains(refused, f => f.GetProperty("error").GetString()!.Contains("no X-Hub-Signature", StringComparison.Ordinal));
        metrics = PrometheusText.Parse(await second.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token));
        Assert.Equal(1, metrics.Find("feedhub_websub_subscriber_pushes_total", ("outcome", "bad_signature")).Sum(s => s.Value));
        Assert.Equal(1, metrics.Find("feedhub_websub_subscriber_pushes_total", ("outcome", "unsigned")).Sum(s => s.Value));

        // A callback FeedHub never gave out is 410 Gone: a hub ends such a subscription.
        Assert.Equal(HttpStatusCode.Gone, (await anyone.PostAsync(new Uri(callback + "0"), new StringContent(forged), Token)).StatusCode);

        // The second lists its subscription with the push; the dashboard's sources table shows the badge.
        var upstream = (await JsonAsync(second, "/api/websub/upstream")).GetProperty("subscriptions").EnumerateArray().Single();
        Assert.Equal("verified", upstream.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, upstream.GetProperty("lastPushAt").ValueKind);
        Assert.DoesNotContain("secret", upstream.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheFirstRestartedMidDelivery_StillDelivers()
    {
        var firstProcess = StartFirst();
        using var first = await ReadyAsync(_firstPort, firstProcess);
        await Eventually.TrueAsync(async () => (await TitlesAsync(first, "upstream")).Contains("Story one"), "the first FeedHub's first poll");
        var secondProcess = StartSecond();
        using (var second = await ReadyAsync(_secondPort, secondProcess))
        {
            await WaitUntilPushedAsync(first, second);
        }

        // The second goes away, so the first's delivery of the new item fails and waits in its store
        // for a retry; the first is killed (SIGKILL) with that delivery pending, then started again.
        await secondProcess.KillAsync();
        await PublishUpstreamAsync(first, "Held over");
        await Eventually.TrueAsync(
            async () => (await JsonAsync(first, "/api/websub/subscriptions")).GetProperty("subscriptions").EnumerateArray()
                .Any(s => s.GetProperty("pending").ValueKind == JsonValueKind.Object && s.GetProperty("pending").GetProperty("attempts").GetInt32() >= 1),
            "a failed delivery pending at the first FeedHub");
        await firstProcess.KillAsync();

        var restartedFirst = StartFirst();
        using var firstAgain = await ReadyAsync(_firstPort, restartedFirst);
        var restartedSecond = StartSecond();
        using var secondAgain = await ReadyAsync(_secondPort, restartedSecond);

        await Eventually.TrueAsync(async () => (await TitlesAsync(secondAgain, Followed)).Contains("Held over"), "'Held over' delivered after the restart", seconds: 15);
        Assert.Equal(1, await PollsAsync(secondAgain, Followed));
    }

    [Fact]
    public async Task TheHubStopped_TheSecondFallsBackToPollingOnItsSchedule()
    {
        var firstProcess = StartFirst();
        using var first = await ReadyAsync(_firstPort, firstProcess);
        await Eventually.TrueAsync(async () => (await TitlesAsync(first, "upstream")).Contains("Story one"), "the first FeedHub's first poll");

        // Every two seconds on its own schedule (the first's max-age makes that an hour), but a day while pushed;
        // a ten-second lease, renewed after 8.5 s.
        var secondProcess = StartSecond(schedule: "2s", lease: "00:00:10");
        using var second = await ReadyAsync(_secondPort, secondProcess);
        await WaitUntilPushedAsync(first, second);
        await Eventually.TrueAsync(
            async () => (await JsonAsync(second, $"/api/sources/{Followed}")).GetProperty("nextPollAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(20),
            "the next poll a day away (the safety net) while pushed");

        // The first comes back without its hub: the renewal is refused (404), and the second polls on its schedule again.
        await firstProcess.KillAsync();
        var withoutHub = StartFirst(hub: false);
        using var firstAgain = await ReadyAsync(_firstPort, withoutHub);
        await Eventually.TrueAsync(
            async () => (await JsonAsync(second, $"/api/sources/{Followed}")).GetProperty("push").GetProperty("delivery").GetString() == "polled",
            "the second FeedHub to notice its hub is gone");

        // Its next poll is the one its own policy chose at its last poll: its two-second schedule under
        // the floor of the first's Cache-Control max-age (an hour), as for any source; not the day-long safety net.
        await Eventually.TrueAsync(
            async () => (await JsonAsync(second, $"/api/sources/{Followed}")).GetProperty("nextPollAt").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddHours(2),
            "the next poll on the source's schedule again");
    }
}
