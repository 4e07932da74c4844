using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>
/// When a source is polled next, to the tick: FeedHub's clock is a <see cref="FakeTimeProvider"/>, its
/// randomness is pinned at one half, and the source has no trigger, so every poll is the test's own.
/// </summary>
public sealed class PollTimingTests : IntegrationTest
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private FeedHubApp _app = null!;
    private Func<HttpContext, Task> _respond = _ => Task.CompletedTask;

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.Map("feed.xml", context => _respond(context));
        var settings = new Dictionary<string, string?> { ["FeedHub:Polling:BackoffCap"] = "06:00:00" };
        _app = StartApp(settings: settings, services: services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            services.AddSingleton<PollingRandomness>(new Half());
        });

        // Stored without a trigger: only the test polls it, so no poll of Quartz's can come first.
        await _app.Get<SourceStore>().CreateAsync(new Source { Id = "upstream", Url = Upstream.Url("feed.xml").AbsoluteUri, Schedule = "1h" }, CancellationToken.None);
    }

    private async Task<DateTimeOffset> PollAsync(int status, string? retryAfter = null)
    {
        _respond = context =>
        {
            if (status == 200)
            {
                context.Response.ContentType = "application/rss+xml";
                return context.Response.WriteAsync(Feeds.Numbered(1));
            }

            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            return Task.CompletedTask;
        };
        var outcome = await _app.Get<SourcePoller>().PollAsync("upstream", CancellationToken.None);
        Assert.Equal(outcome!.NextAttemptAt, (await _app.Get<SourceStore>().GetAsync("upstream", CancellationToken.None))!.State.NextAttemptAt);
        return outcome.NextAttemptAt;
    }

    [Fact]
    public async Task Backoff_DoublesToTheCap_AndRecoveryReturnsToTheSchedule()
    {
        // An hourly source failing: one period, then two, four, then the six-hour cap, each a tenth short (jitter at one half).
        Assert.Equal(Start + TimeSpan.FromMinutes(54), await PollAsync(503));
        Assert.Equal(Start + TimeSpan.FromMinutes(108), await PollAsync(500));
        Assert.Equal(Start + TimeSpan.FromMinutes(216), await PollAsync(502));
        Assert.Equal(Start + TimeSpan.FromMinutes(324), await PollAsync(404));
        Assert.Equal(Start + TimeSpan.FromMinutes(324), await PollAsync(404));

        _time.Advance(TimeSpan.FromHours(6));

        // Recovered: back to the hourly schedule, plus jitter (half of its five-minute maximum).
        Assert.Equal(Start + TimeSpan.FromHours(7) + TimeSpan.FromSeconds(150), await PollAsync(200));
    }

    [Fact]
    public async Task RetryAfter_DefersExactlyAsAsked_WithinTheCap()
    {
        Assert.Equal(Start + TimeSpan.FromSeconds(7200), await PollAsync(429, "7200"));
        Assert.Equal(Start + TimeSpan.FromHours(3), await PollAsync(503, (Start + TimeSpan.FromHours(3)).ToString("r", System.Globalization.CultureInfo.InvariantCulture)));

        // Asked for two days: the cap (six hours) wins.
        Assert.Equal(Start + TimeSpan.FromHours(6), await PollAsync(429, "172800"));
    }

    private sealed class Half : PollingRandomness
    {
        public override double NextFraction() => 0.5;
    }
}
