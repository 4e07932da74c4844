using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FeedHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Hosting;

/// <summary>
/// <c>/metrics</c> read the way Prometheus reads it: after real polls of real upstreams and real
/// feed requests, every series an operator needs is there, with the values those events imply.
/// </summary>
public sealed class MetricsTests : IntegrationTest
{
    private static readonly string OkFeed = Feeds.Numbered(3);


    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("ok.xml", OkFeed);
        Upstream.Map("down.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        Upstream.Map("junk.xml", context =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<!DOCTYPE html><html><body><p>Welcome</p></body></html>");
        });
        Upstream.Map("gone.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status410Gone;
            return Task.CompletedTask;
        });
        Upstream.Map("busy.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "600";
            return Task.CompletedTask;
        });
        Upstream.Map("slow.xml", async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
    }

    private static FeedHubApp Start(params (string Id, Uri Url)[] sources)
    {
        var settings = FeedHubApp.Sources(sources);
        settings["FeedHub:Channels:0:Id"] = "planet";
        settings["FeedHub:Channels:0:Title"] = "Test Planet";
        settings["FeedHub:Channels:0:Sources:0"] = "*";

        // One entry per document, so that a few items make archive pages.
        settings["FeedHub:Channels:0:Limit"] = "1";
        settings["FeedHub:Polling:Timeout"] = "00:00:01";
        return FeedHubApp.Start(settings: settings);
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync(Token));
    }

    /// <summary>Scrapes until <paramref name="ready"/> holds: a poll's fetch-log row commits a moment before its metrics are recorded.</summary>
    private static async Task<PrometheusText> ScrapeUntilAsync(HttpClient client, Func<PrometheusText, bool> ready, string what)
    {
        PrometheusText metrics = null!;
        await Eventually.TrueAsync(async () => ready(metrics = await ScrapeAsync(client)), what);
        return metrics;
    }

    [Fact]
    public async Task AfterPollsAndFeedRequests_MetricsShowEachSourcesOutcomesFreshnessAndWhy()
    {
        await using var app = Start(
            ("ok", Upstream.Url("ok.xml")),
            ("down", Upstream.Url("down.xml")),
            ("junk", Upstream.Url("junk.xml")),
            ("gone", Upstream.Url("gone.xml")),
            ("busy", Upstream.Url("busy.xml")),
            ("slow", Upstream.Url("slow.xml")),
            ("refused", new Uri("http://127.0.0.1:1/feed.xml")));
        foreach (var id in (string[])["ok", "down", "junk", "gone", "busy", "slow", "refused"])
        {
            await app.WaitForFetchesAsync(id);
        }

        // A second poll of "ok": the upstream answers 304 to the validators of the first.
        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync(new Uri("/api/sources/ok/poll", UriKind.Relative), null, Token)).StatusCode);
        await app.WaitForFetchesAsync("ok", 2);

        // A reader fetches the feed, then asks again with its ETag.
        using var client = app.CreateClient();
        var feed = await client.GetAsync(new Uri("/feeds/planet.atom", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, new Uri("/feeds/planet.atom", UriKind.Relative));
        conditional.Headers.IfNoneMatch.Add(feed.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional, Token)).StatusCode);

        var metrics = await ScrapeUntilAsync(
            client,
            m => m.Find("feedhub_polls_total", ("source", "ok"), ("outcome", "not_modified")).Count == 1
                && m.Find("feedhub_polls_total", ("source", "refused")).Count == 1

                // The host records a request's duration after its response has gone, so it may trail the 304.
                && m.Find("http_server_request_duration_seconds_count", ("http_route", "/feeds/{name}"), ("http_response_status_code", "304")).Count > 0,
            "the second poll of ok, and the 304's duration, in /metrics");

        // Polls by outcome, and each failure by its kind.
        Assert.Equal("counter", metrics.Types["feedhub_polls_total"]);
        Assert.Equal(1, metrics.Value("feedhub_polls_total", ("source", "ok"), ("outcome", "new_items")));
        Assert.Equal(1, metrics.Value("feedhub_polls_total", ("source", "ok"), ("outcome", "not_modified")));
        Assert.Equal(1, metrics.Value("feedhub_polls_total", ("source", "down"), ("outcome", "http_5xx")));
        Assert.Equal(1, metrics.Value("feedhub_polls_total", ("source", "junk"), ("outcome", "parse")));
        Assert.Equal(1, metrics.Value("feedhub_polls_total", ("source", "gone"), ("outcome", "gone")));
        Assert.Equal(1, metrics.Value("feedhub_polls_total", ("source", "busy"), ("outcome", "rate_limited")));
        Assert.Equal(1, metrics.Value("feedhub_polls_total", ("source", "slow"), ("outcome", "timeout")));
        Assert.Equal(1, metrics.Value("feedhub_polls_total", ("source", "refused"), ("outcome", "network")));
        Assert.Equal(2, metrics.Find("feedhub_polls_total", ("source", "ok")).Count);

        // Fetch duration: a histogram in seconds, with buckets for feeds (not the default milliseconds).
        Assert.Equal("histogram", metrics.Types["feedhub_fetch_duration_seconds"]);
        var buckets = metrics.Find("feedhub_fetch_duration_seconds_bucket", ("source", "ok"));
        Assert.Equal(["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf"], buckets.Select(b => b.Labels["le"]));
        Assert.Equal(buckets.Select(b => b.Value).Order(), buckets.Select(b => b.Value));
        Assert.Equal(2, buckets[^1].Value);
        Assert.Equal(2, metrics.Value("feedhub_fetch_duration_seconds_count", ("source", "ok")));
        Assert.True(metrics.Value("feedhub_fetch_duration_seconds_sum", ("source", "ok")) > 0);

        // The timed-out fetch waited the whole deadline, so it sits above the 1 s bucket.
        Assert.Equal(0, metrics.Value("feedhub_fetch_duration_seconds_bucket", ("source", "slow"), ("le", "0.5")));

        // Bytes: the one 200's body; the 304 adds none.
        Assert.Equal("counter", metrics.Types["feedhub_fetched_bytes_total"]);
        Assert.Equal(Encoding.UTF8.GetByteCount(OkFeed), metrics.Value("feedhub_fetched_bytes_total", ("source", "ok")));

        // Items ingested: three new, none updated.
        Assert.Equal(3, metrics.Value("feedhub_items_ingested_total", ("source", "ok"), ("kind", "new")));
        Assert.Empty(metrics.Find("feedhub_items_ingested_total", ("kind", "updated")));
        Assert.Empty(metrics.Find("feedhub_items_ingested_total", ("source", "down")));

        // Freshness: only sources that have succeeded have an age; a 304 is a success.
        Assert.Equal("gauge", metrics.Types["feedhub_source_last_success_age_seconds"]);
        Assert.InRange(metrics.Value("feedhub_source_last_success_age_seconds", ("source", "ok"), ("status", "active")), 0, 3600);
        Assert.Empty(metrics.Find("feedhub_source_last_success_age_seconds", ("source", "down")));

        // Error streaks, with each source's status; a rate-limited source is not failing.
        Assert.Equal(0, metrics.Value("feedhub_source_error_streak", ("source", "ok"), ("status", "active")));
        Assert.Equal(1, metrics.Value("feedhub_source_error_streak", ("source", "down"), ("status", "active")));
        Assert.Equal(1, metrics.Value("feedhub_source_error_streak", ("source", "refused"), ("status", "active")));
        Assert.Equal(0, metrics.Value("feedhub_source_error_streak", ("source", "busy"), ("status", "active")));
        Assert.Equal(1, metrics.Value("feedhub_source_error_streak", ("source", "gone"), ("status", "retired")));

        // Stale, and why: one health series per source, with the outcome of its last poll.
        var health = metrics.Find("feedhub_source_health").ToDictionary(s => s.Labels["source"], s => (s.Labels["health"], s.Labels["last_outcome"], s.Value));
        Assert.Equal(("ok", "not_modified", 1d), health["ok"]);
        Assert.Equal(("failing", "http_5xx", 1d), health["down"]);
        Assert.Equal(("failing", "parse", 1d), health["junk"]);
        Assert.Equal(("retired", "gone", 1d), health["gone"]);
        Assert.Equal(("rate_limited", "rate_limited", 1d), health["busy"]);
        Assert.Equal(("failing", "timeout", 1d), health["slow"]);
        Assert.Equal(("failing", "network", 1d), health["refused"]);
        Assert.Equal(7, health.Count);

        // Feed requests by channel, format and document, and the 304s among them.
        Assert.Equal(1, metrics.Value("feedhub_feed_requests_total", ("channel", "planet"), ("format", "atom"), ("document", "current"), ("status", "200")));
        Assert.Equal(1, metrics.Value("feedhub_feed_requests_total", ("channel", "planet"), ("format", "atom"), ("document", "current"), ("status", "304")));

        // ASP.NET Core's request durations are labelled by route template, not by URL.
        Assert.NotEmpty(metrics.Find("http_server_request_duration_seconds_count", ("http_route", "/feeds/{name}"), ("http_response_status_code", "304")));
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.Values.Contains("/feeds/planet.atom"));
    }

    [Fact]
    public async Task Metrics_AreThePrometheusTextFormat_OrOpenMetricsWhenAsked()
    {
        await using var app = Start(("ok", Upstream.Url("ok.xml")));
        await app.WaitForFetchesAsync("ok");
        using var client = app.CreateClient();

        var text = await client.GetAsync(new Uri("/metrics", UriKind.Relative), Token);
        using var openMetricsRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        openMetricsRequest.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/openmetrics-text; version=1.0.0"));
        var openMetrics = await client.SendAsync(openMetricsRequest, Token);

        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Contains(text.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        Assert.Equal("application/openmetrics-text", openMetrics.Content.Headers.ContentType?.MediaType);
        var body = await openMetrics.Content.ReadAsStringAsync(Token);
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);
        Assert.Equal(1, PrometheusText.Parse(body).Value("feedhub_source_health", ("source", "ok")));
    }

    [Fact]
    public async Task AfterARestart_EverySourceIsListedFromTheStore_BeforeItsNextPoll()
    {
        using var contentRoot = new TestDirectory();
        var sources = FeedHubApp.Sources(("ok", Upstream.Url("ok.xml")));
        await using (var first = new FeedHubApp(contentRoot.Path, sources))
        {
            _ = first.Server;
            await first.WaitForFetchesAsync("ok");
        }

        // Its next poll is an hour away: nothing about it has happened in this process yet.
        await using var restarted = new FeedHubApp(contentRoot.Path, sources);
        using var client = restarted.CreateClient();

        var metrics = await ScrapeAsync(client);

        // The counters start again, but the store still says how each source is doing.
        Assert.Empty(metrics.Find("feedhub_polls_total", ("source", "ok")));
        Assert.Equal(1, metrics.Value("feedhub_source_health", ("source", "ok"), ("health", "ok"), ("last_outcome", "unknown")));
        Assert.Equal(0, metrics.Value("feedhub_source_error_streak", ("source", "ok"), ("status", "active")));
        Assert.Single(metrics.Find("feedhub_source_last_success_age_seconds", ("source", "ok")));
    }

    [Fact]
    public async Task PausedSource_ShowsAsPaused_AndItsActiveSeriesGo()
    {
        await using var app = Start(("ok", Upstream.Url("ok.xml")));
        await app.WaitForFetchesAsync("ok");
        using var client = app.CreateClient();
        using var admin = app.Admin();
        await ScrapeUntilAsync(client, m => m.Find("feedhub_source_health", ("source", "ok"), ("health", "ok")).Count == 1, "ok to be healthy");

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri("/api/sources/ok/pause", UriKind.Relative), null, Token)).StatusCode);

        // The gauges read the store at most every few seconds.
        var metrics = await ScrapeUntilAsync(client, m => m.Find("feedhub_source_health", ("source", "ok"), ("health", "paused")).Count == 1, "ok to show as paused");
        Assert.Single(metrics.Find("feedhub_source_health", ("source", "ok")));
        Assert.Single(metrics.Find("feedhub_source_error_streak", ("source", "ok"), ("status", "paused")));
        Assert.Empty(metrics.Find("feedhub_source_error_streak", ("source", "ok"), ("status", "active")));
        Assert.Single(metrics.Find("feedhub_source_last_success_age_seconds", ("source", "ok"), ("status", "paused")));
    }

    [Fact]
    public async Task FeedRequests_AreCountedByDocument_AndOnlyForFeedsThatExist()
    {
        await using var app = Start(("ok", Upstream.Url("ok.xml")));
        await app.WaitForFetchesAsync("ok");
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/feeds/planet.rss", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/feeds/planet/archive/1.json", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/feeds/made-up.atom", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/feeds/planet.xml", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/feeds/planet/archive/99.atom", UriKind.Relative), Token)).StatusCode);

        var metrics = await ScrapeAsync(client);

        Assert.Equal(
            ["planet json archive 200", "planet rss current 200"],
            metrics.Find("feedhub_feed_requests_total").Select(s => $"{s.Labels["channel"]} {s.Labels["format"]} {s.Labels["document"]} {s.Labels["status"]}").Order());
        Assert.All(metrics.Find("feedhub_feed_requests_total"), s => Assert.Equal(1, s.Value));
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.Values.Contains("made-up"));
    }

    [Fact]
    public async Task TwoHostsInOneProcess_EachExportsOnlyItsOwnSources()
    {
        await using var first = Start(("first", Upstream.Url("ok.xml")));
        await using var second = Start(("second", Upstream.Url("ok.xml")));
        await first.WaitForFetchesAsync("first");
        await second.WaitForFetchesAsync("second");
        using var client = first.CreateClient();

        var metrics = await ScrapeUntilAsync(client, m => m.Find("feedhub_polls_total", ("source", "first")).Count == 1, "the first host's poll");

        Assert.Single(metrics.Find("feedhub_source_health", ("source", "first")));
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.GetValueOrDefault("source") == "second");
    }

    [Fact]
    public async Task MetricsAreOpen_LikeHealth_WhileTheAdminApiWantsAKey()
    {
        await using var app = Start();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/metrics", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/sources", UriKind.Relative), Token)).StatusCode);
    }
}
