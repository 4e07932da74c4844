using System.Net;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Network;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>What upstreams say about themselves: wait (429, 503), gone (410), moved (301, 308) or not (302), and loops.</summary>
public sealed class PolitenessTests : IntegrationTest
{

    protected override async ValueTask SetUpAsync() => await StartUpstreamAsync();

    private FeedHubApp Start(string path, string? contentRoot = null) =>
        FeedHubApp.Start(contentRoot, FeedHubApp.Sources(("upstream", Upstream.Url(path))));

    private static Task<Source?> SourceAsync(FeedHubApp app) => app.Get<SourceStore>().GetAsync("upstream", CancellationToken.None);

    private static Task<PollOutcome?> PollNowAsync(FeedHubApp app) => app.Get<SourcePoller>().PollAsync("upstream", CancellationToken.None);

    private void Redirect(string from, string to, int status) => Upstream.Map(from, context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = "/" + to;
        return Task.CompletedTask;
    });

    [Fact]
    public async Task TooManyRequests_WithRetryAfterSeconds_DefersTheSource_WithoutCountingAFailure()
    {
        Upstream.Map("feed.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "7200";
            return Task.CompletedTask;
        });
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.RateLimited, fetch.Outcome);
        Assert.Equal(429, fetch.HttpStatus);
        Assert.StartsWith("Rate limited (HTTP 429)", fetch.Error, StringComparison.Ordinal);
        var source = await SourceAsync(app);
        Assert.Equal(0, source!.State.ErrorStreak);

        // Two hours asked, on an hourly schedule: the next poll waits the two hours.
        Assert.True(source.State.NextAttemptAt >= fetch.StartedAt.AddSeconds(7200), $"next attempt {source.State.NextAttemptAt:o}");
    }

    /// <summary>
    /// Hundreds of sources on one host, two polls at a time, due every three seconds and answering slowly
    /// enough that a cycle takes longer than that: the few told to wait an hour are polled once, while
    /// every other source is polled again and again around them.
    /// </summary>
    [Fact]
    public async Task RetryAfter_IsHonouredUnderLoad_WhileEveryOtherSourceKeepsItsSchedule()
    {
        const int count = 600;
        var limited = new[] { "s7", "s300", "s533" };
        var settings = new Dictionary<string, string?>
        {
            ["FeedHub:Polling:MaxConcurrency"] = "8",
            ["FeedHub:Polling:MaxConcurrencyPerHost"] = "2",
        };
        for (var i = 0; i < count; i++)
        {
            var id = $"s{i}";
            if (limited.Contains(id))
            {
                Upstream.Map($"{id}.xml", context =>
                {
                    context.Response.StatusCode = id == "s300" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = "3600";
                    return Task.CompletedTask;
                });
            }
            else
            {
                Upstream.Map($"{id}.xml", async context =>
                {
                    // 600 sources at 2 at a time and 10 ms each: about 3 s a cycle, as long as the schedule's period.
                    await Task.Delay(10);
                    context.Response.ContentType = "application/rss+xml";
                    await context.Response.WriteAsync(Feeds.Numbered(3));
                });
            }

            settings[$"FeedHub:Sources:{i}:Id"] = id;
            settings[$"FeedHub:Sources:{i}:Url"] = Upstream.Url($"{id}.xml").AbsoluteUri;
            settings[$"FeedHub:Sources:{i}:Schedule"] = "0/3 * * * * ?";
        }

        await using var app = FeedHubApp.Start(settings: settings);

        // Twelve polls of every other source: more than half a minute of dispatches, all past the
        // refusals (the scheduler before the store held the schedule brought them back within 30 s).
        await Eventually.TrueAsync(
            () => Task.FromResult(Enumerable.Range(0, count).Select(i => $"s{i}").Except(limited).All(id => Upstream.RequestsTo($"{id}.xml").Count >= 12)),
            "every other source polled twelve times",
            seconds: 180);

        Assert.All(limited, id => Assert.Single(Upstream.RequestsTo($"{id}.xml")));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/feed.xml")]
    [InlineData("gopher://127.0.0.1:70/1feed")]
    [InlineData("javascript:alert(1)")]
    public async Task ARedirectToAnotherScheme_IsARecordedFailure_WithBackoff(string location)
    {
        Upstream.Map("feed.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        });
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.Equal(302, fetch.HttpStatus);
        Assert.Contains("is refused: only http and https are followed", fetch.Error, StringComparison.Ordinal);
        var source = await SourceAsync(app);
        Assert.Equal(1, source!.State.ErrorStreak);
        Assert.True(source.State.NextAttemptAt > fetch.StartedAt.AddSeconds(30), $"next attempt {source.State.NextAttemptAt:o}");
    }

    /// <summary>
    /// The upstream's own log: on a one-second schedule, a source told to wait sends nothing until
    /// the wait is over, then polls again by itself, in both forms of Retry-After.
    /// </summary>
    [Theory]
    [InlineData(429, "seconds")]
    [InlineData(503, "date")]
    public async Task NoRequestArrives_BeforeTheDeferralEnds(int status, string form)
    {
        DateTimeOffset? until = null;
        Upstream.Map("feed.xml", context =>
        {
            if (until is null)
            {
                // HTTP dates have whole seconds: wait until a whole second at least three away.
                var now = DateTimeOffset.UtcNow;
                until = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(4);
                context.Response.StatusCode = status;
                context.Response.Headers.RetryAfter = form == "seconds" ? "3" : until.Value.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            }

            context.Response.ContentType = "application/rss+xml";
            return context.Response.WriteAsync(Feeds.Numbered(1));
        });
        var settings = FeedHubApp.Sources(("upstream", Upstream.Url("feed.xml")));
        settings["FeedHub:Sources:0:Schedule"] = "1s";
        await using var app = FeedHubApp.Start(settings: settings);

        await app.WaitForFetchesAsync("upstream", count: 2);

        var requests = Upstream.RequestsTo("feed.xml");
        var waitedFor = form == "seconds" ? requests[0].ArrivedAt.AddSeconds(3) : until!.Value;
        Assert.True(requests[1].ArrivedAt >= waitedFor, $"second request at {requests[1].ArrivedAt:O}, the wait ended at {waitedFor:O}");
    }

    /// <summary>Sources on one interval drift apart: each waits its interval plus up to a tenth more.</summary>
    [Fact]
    public async Task SourcesOnTheSameInterval_AreSpreadByJitter()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(1));
        var settings = FeedHubApp.Sources([.. Enumerable.Range(1, 20).Select(i => ($"s{i}", new Uri(Upstream.Url("feed.xml"), $"?n={i}")))]);
        for (var i = 0; i < 20; i++)
        {
            settings[$"FeedHub:Sources:{i}:Schedule"] = "10m";
        }

        await using var app = FeedHubApp.Start(settings: settings);
        var next = new List<TimeSpan>();
        for (var i = 1; i <= 20; i++)
        {
            var fetch = Assert.Single(await app.WaitForFetchesAsync($"s{i}"));
            var fire = await app.NextPollAsync($"s{i}");
            next.Add(fire!.Value - fetch.StartedAt);
        }

        // The interval counts from when the poll was due, which a busy machine starts a little later.
        Assert.All(next, wait => Assert.InRange(wait, TimeSpan.FromMinutes(9.5), TimeSpan.FromMinutes(11) + TimeSpan.FromSeconds(5)));
        Assert.True(next.Select(w => (int)w.TotalSeconds).Distinct().Count() >= 10, string.Join(", ", next));
    }

    [Fact]
    public async Task ServiceUnavailable_WithRetryAfterDate_DefersUntilThatDate()
    {
        var until = DateTimeOffset.UtcNow.AddHours(3);
        Upstream.Map("feed.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = until.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.RateLimited, fetch.Outcome);
        Assert.True((await SourceAsync(app))!.State.NextAttemptAt >= until.AddSeconds(-1));
    }

    [Fact]
    public async Task Gone_RetiresTheSource_WithAVisibleReason_AndStopsPolling()
    {
        Upstream.Map("feed.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status410Gone;
            return Task.CompletedTask;
        });
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));
        await Eventually.TrueAsync(async () => await app.NextPollAsync("upstream") is null, "the source to be unscheduled");

        Assert.Equal(410, fetch.HttpStatus);
        var source = await SourceAsync(app);
        Assert.Equal(SourceStatus.Retired, source!.Status);
        Assert.StartsWith("The feed is gone (HTTP 410", source.StatusReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(308)]
    public async Task PermanentRedirect_OnTwoPollsInARow_MovesTheSource_AndTheMoveSurvivesARestart(int status)
    {
        Redirect("old.xml", "new.xml", status);
        Upstream.ServeFeed("new.xml", Feeds.Numbered(2));
        using var root = new TestDirectory();
        await using (var app = Start("old.xml", root.Path))
        {
            await app.WaitForFetchesAsync("upstream");
            Assert.Equal(Upstream.Url("old.xml").AbsoluteUri, (await SourceAsync(app))!.Url);

            var second = await PollNowAsync(app);

            Assert.Contains("Moved permanently to", second!.Fetch.Notes, StringComparison.Ordinal);
            Assert.Equal(Upstream.Url("new.xml").AbsoluteUri, (await SourceAsync(app))!.Url);
        }

        // The declaration still names the old URL; the move stands until the declaration changes.
        await using var restarted = Start("old.xml", root.Path);
        Assert.Equal(Upstream.Url("new.xml").AbsoluteUri, (await SourceAsync(restarted))!.Url);
        await PollNowAsync(restarted);
        Assert.Empty(Upstream.RequestsTo("old.xml").Skip(2));
    }

    [Fact]
    public async Task TemporaryRedirect_NeverMovesTheSource()
    {
        Redirect("old.xml", "new.xml", 302);
        Upstream.ServeFeed("new.xml", Feeds.Numbered(1));
        await using var app = Start("old.xml");
        await app.WaitForFetchesAsync("upstream");

        await PollNowAsync(app);
        await PollNowAsync(app);

        Assert.Equal(Upstream.Url("old.xml").AbsoluteUri, (await SourceAsync(app))!.Url);
    }

    [Theory]
    [InlineData("Cache-Control", "max-age=10800", null)]
    [InlineData(null, null, "<ttl>180</ttl>")]
    [InlineData(null, null, "<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>8</sy:updateFrequency>")]
    public async Task PublishersFreshness_IsAFloorUnderTheSchedule(string? header, string? value, string? channelElement)
    {
        var rss = Feeds.Numbered(1).Replace("<channel>", "<channel>" + channelElement, StringComparison.Ordinal)
            .Replace("<rss version=\"2.0\">", "<rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\">", StringComparison.Ordinal);
        Upstream.Map("feed.xml", context =>
        {
            if (header is not null)
            {
                context.Response.Headers[header] = value;
            }

            context.Response.ContentType = "application/rss+xml";
            return context.Response.WriteAsync(rss);
        });
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        // Three hours said, on an hourly schedule: the next poll waits the three hours.
        Assert.Equal(FetchOutcome.Fetched, fetch.Outcome);
        Assert.True((await SourceAsync(app))!.State.NextAttemptAt >= fetch.StartedAt.AddHours(3), "the floor holds");
    }

    [Fact]
    public async Task SourcesOnOneHost_AreNeverPolledMoreThanThePerHostLimitAtOnce()
    {
        var inFlight = 0;
        var most = 0;
        Upstream.Map("slow.xml", async context =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(300, context.RequestAborted);
            Interlocked.Decrement(ref inFlight);
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Feeds.Numbered(1));
        });
        var settings = FeedHubApp.Sources(
            [.. Enumerable.Range(1, 4).Select(i => ($"s{i}", new Uri(Upstream.Url("slow.xml"), $"?n={i}")))]);
        settings["FeedHub:Polling:MaxConcurrencyPerHost"] = "1";
        await using var app = FeedHubApp.Start(settings: settings);

        foreach (var id in new[] { "s1", "s2", "s3", "s4" })
        {
            await app.WaitForFetchesAsync(id);
        }

        Assert.Equal(4, Upstream.RequestsTo("slow.xml").Count);
        Assert.Equal(1, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public async Task RedirectLoop_IsAFetchErrorThatSaysSo()
    {
        Redirect("a.xml", "b.xml", 302);
        Redirect("b.xml", "a.xml", 302);
        await using var app = Start("a.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.StartsWith("A redirect loop:", fetch.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// With the guard on, a redirect cannot lead a poll into a private network. The upstream, on
    /// 127.0.0.1, stands in for the public internet: the guard is the production one, told that
    /// 127.0.0.1 alone is public; every other address is judged as in production.
    /// </summary>
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/admin")]
    [InlineData("http://[::1]/feed.xml")]
    [InlineData("http://127.0.0.2/feed.xml")]
    public async Task RedirectToAPrivateAddress_IsRefusedAtConnect_WithTheGuardOn(string target)
    {
        Upstream.Map("feed.xml", context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = target;
            return Task.CompletedTask;
        });
        var settings = FeedHubApp.Sources(("upstream", Upstream.Url("feed.xml")));
        settings["FeedHub:Polling:AllowPrivateNetworks"] = "false";
        await using var app = FeedHubApp.Start(settings: settings, services: services =>
            services.AddHttpClient(FeedFetcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(provider =>
                NetworkGuard.Handler(
                    provider.GetRequiredService<IOptions<PollingOptions>>().Value.Timeout,
                    address => address.Equals(IPAddress.Loopback) || NetworkGuard.IsPublic(address),
                    "FeedHub:Polling:AllowPrivateNetworks")));

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.StartsWith($"Refused to connect to {new Uri(target).Host}", fetch.Error, StringComparison.Ordinal);
        Assert.Single(Upstream.RequestsTo("feed.xml"));
    }
}
