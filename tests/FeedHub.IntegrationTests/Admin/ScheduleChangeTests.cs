using System.Net;
using System.Net.Http.Json;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Polling;
using Microsoft.Extensions.DependencyInjection;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;


namespace FeedHub.IntegrationTests.Admin;

/// <summary>
/// A schedule changed through the API, checked in Quartz itself on a frozen clock: the new trigger
/// is in place at once, to the second, and is the one the next start schedules.
/// </summary>
public sealed class ScheduleChangeTests : IntegrationTest
{

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(2));
    }

    private FeedHubApp Start() => new(Root.Path, services: services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(Noon)));

    [Fact]
    public async Task AChangedSchedule_IsTheTriggerAtOnce_AndAfterARestart()
    {
        await using (var app = Start())
        {
            using var client = app.Admin();
            var created = await client.PostAsJsonAsync("/api/sources", new { id = "s", url = Upstream.Url("feed.xml").AbsoluteUri, schedule = "1h" }, Token);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

            // A new source is polled at once (due now, so Quartz fires it even on the frozen clock);
            // the change below is made once that poll has finished and set its next time.
            await app.WaitForFetchesAsync("s");
            await Eventually.TrueAsync(async () => await app.NextPollAsync("s") > Noon, "the first poll's next time");

            var toCron = await client.PutAsJsonAsync("/api/sources/s", new { url = Upstream.Url("feed.xml").AbsoluteUri, schedule = "0 30 * * * ?" }, Token);
            Assert.Equal(HttpStatusCode.OK, toCron.StatusCode);
            Assert.Equal(Noon.AddMinutes(30), await app.NextPollAsync("s"));

            var refused = await client.PutAsJsonAsync("/api/sources/s", new { url = Upstream.Url("feed.xml").AbsoluteUri, schedule = "0 61 * * * ?" }, Token);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("schedule", await refused.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
            Assert.Equal(Noon.AddMinutes(30), await app.NextPollAsync("s"));
        }

        await using (var restarted = Start())
        {
            _ = restarted.Server;

            Assert.Equal(Noon.AddMinutes(30), await restarted.NextPollAsync("s"));
            Assert.Equal("0 30 * * * ?", (await restarted.GetJsonAsync("/api/sources/s")).GetProperty("schedule").GetString());

            using var client = restarted.Admin();
            var toInterval = await client.PutAsJsonAsync("/api/sources/s", new { url = Upstream.Url("feed.xml").AbsoluteUri, schedule = "2h" }, Token);
            Assert.Equal(HttpStatusCode.OK, toInterval.StatusCode);

            // Two hours after the last poll, plus jitter of at most five minutes.
            var next = await restarted.NextPollAsync("s");
            Assert.InRange(next!.Value, Noon.AddHours(2), Noon.AddHours(2).AddMinutes(5));
        }
    }

    [Fact]
    public async Task AScheduleChangedWhileAPollRuns_IsNotOverwrittenWhenThatPollEnds()
    {
        var held = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var requests = 0;
        Upstream.Map("held.xml", async context =>
        {
            // The second request (the poll asked for below) is held open at the upstream.
            if (Interlocked.Increment(ref requests) == 2)
            {
                held.TrySetResult();
                await release.Task;
            }

            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Feeds.Numbered(2));
        });

        await using var app = Start();
        using var client = app.Admin();
        var url = Upstream.Url("held.xml").AbsoluteUri;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/sources", new { id = "h", url, schedule = "1h" }, Token)).StatusCode);
        await app.WaitForFetchesAsync("h");
        await Eventually.TrueAsync(async () => await app.NextPollAsync("h") > Noon, "the first poll's next time");

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(new Uri("/api/sources/h/poll", UriKind.Relative), null, Token)).StatusCode);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        var changed = await client.PutAsJsonAsync("/api/sources/h", new { url, schedule = "0 30 * * * ?" }, Token);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        release.SetResult();

        // The poll ends, computes its next time from the hourly schedule it started with, and must not apply it.
        await app.WaitForFetchesAsync("h", 2);
        // The poll writes its own next time (hourly, so on the hour plus jitter); its job then corrects
        // it to a cron time: half past, twelve if the new schedule was kept, one if the old one won.
        await Eventually.TrueAsync(
            async () => (await app.Get<SourceStore>().GetAsync("h", CancellationToken.None))!.State.NextAttemptAt is { Minute: 30, Second: 0 },
            "the held poll's job to end");
        Assert.Equal(Noon.AddMinutes(30), await app.NextPollAsync("h"));
        Assert.Equal(Noon.AddMinutes(30), (await app.Get<SourceStore>().GetAsync("h", CancellationToken.None))!.State.NextAttemptAt);
    }
}
