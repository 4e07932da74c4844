using FeedHub.Hosting;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>
/// A running server and commands run against its content root: the server's schedule follows what
/// the commands change in the store, without a restart.
/// </summary>
public sealed class ScheduleReconcilerTests : IAsyncLifetime
{
    private readonly TestDirectory _root = new();
    private TestUpstream _upstream = null!;
    private FeedHubApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await TestUpstream.StartAsync();
        _upstream.ServeFeed("feed.xml", Feeds.Numbered(2));
        _upstream.ServeFeed("declared.xml", Feeds.Numbered(1));
        _app = new FeedHubApp(_root.Path, new Dictionary<string, string?>(FeedHubApp.Sources(("declared", _upstream.Url("declared.xml"))))
        {
            ["FeedHub:Polling:ReconcileInterval"] = "00:00:01",
        });
        _ = _app.Server;
        await _app.WaitForFetchesAsync("declared");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _upstream.DisposeAsync();
        _root.Dispose();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheServer_SchedulesReschedulesAndUnschedules_WhatCommandsChange()
    {
        var scheduler = _app.Get<PollScheduler>();
        var url = _upstream.Url("feed.xml").AbsoluteUri;

        Assert.Equal(0, await CommandAsync("sources", "add", url, "--id", "cli", "--schedule", "1h"));
        var fetches = await _app.WaitForFetchesAsync("cli");
        Assert.Equal(FetchOutcome.Fetched, fetches.Single().Outcome);
        Assert.Equal("1h", (await scheduler.ListScheduledAsync(Token))["cli"].Schedule);

        var opml = _root.Write("change.opml", $"""<opml version="2.0"><body><outline text="Feed" xmlUrl="{url}" xmlns:feedhub="urn:feedhub:opml:1" feedhub:schedule="2h"/></body></opml>""");
        Assert.Equal(0, await CommandAsync("opml", "import", opml));
        await Eventually.TrueAsync(async () => (await scheduler.ListScheduledAsync(Token)).GetValueOrDefault("cli")?.Schedule == "2h", "the new schedule");

        Assert.Equal(0, await CommandAsync("sources", "pause", "cli"));
        await Eventually.TrueAsync(async () => await scheduler.NextFireAsync("cli", Token) is null, "the paused source to be unscheduled");

        Assert.Equal(0, await CommandAsync("sources", "resume", "cli"));
        await Eventually.TrueAsync(async () => await scheduler.NextFireAsync("cli", Token) is not null, "the resumed source to be scheduled");

        Assert.Equal(0, await CommandAsync("sources", "remove", "cli"));
        await Eventually.TrueAsync(async () => !(await scheduler.ListScheduledAsync(Token)).ContainsKey("cli"), "the removed source to be unscheduled");

        // The declared source was never touched, and only the first add polled the feed (once, at once).
        Assert.NotNull(await scheduler.NextFireAsync("declared", Token));
        Assert.Single(_upstream.RequestsTo("feed.xml"));
    }

    [Fact]
    public async Task WhenInStep_ReconcilingChangesNothing()
    {
        using var api = _app.Admin();
        using var created = await api.PostAsync(
            new Uri("/api/sources", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { url = _upstream.Url("feed.xml").AbsoluteUri, id = "api", schedule = "0 0/15 * * * ?" }),
            Token);
        created.EnsureSuccessStatusCode();
        using var paused = await api.PostAsync(new Uri("/api/sources/declared/pause", UriKind.Relative), null, Token);
        paused.EnsureSuccessStatusCode();
        var reconciler = _app.Services.GetServices<IHostedService>().OfType<ScheduleReconciler>().Single();

        Assert.Equal(0, await reconciler.ReconcileAsync(Token));
        Assert.Equal(["api"], (await _app.Get<PollScheduler>().ListScheduledAsync(Token)).Keys);
    }

    [Fact]
    public async Task ATriggerMadeBeforeTriggersCarriedTheirUrl_IsComparedByItsJob()
    {
        // An earlier version kept the URL on the job only.
        var quartz = await _app.Get<Quartz.ISchedulerFactory>().GetScheduler(Token);
        var trigger = await quartz.GetTrigger(PollScheduler.TriggerKeyOf("declared"), Token);
        Assert.NotNull(trigger);
        Assert.True(trigger.JobDataMap.Remove("url"));
        await quartz.RescheduleJob(trigger.Key, trigger, Token);
        var reconciler = _app.Services.GetServices<IHostedService>().OfType<ScheduleReconciler>().Single();

        Assert.Equal(_upstream.Url("declared.xml").AbsoluteUri, (await _app.Get<PollScheduler>().ListScheduledAsync(Token))["declared"].Url);
        Assert.Equal(0, await reconciler.ReconcileAsync(Token));
    }

    private async Task<int> CommandAsync(params string[] args)
    {
        await using var output = new StringWriter();
        await using var error = new StringWriter();
        var code = await FeedHubCommandLine.RunAsync([.. args, "--contentRoot", _root.Path, "--FeedHub:SourcesOpml="], output, error, errorIsTerminal: false, Token);
        Assert.True(code == 0, $"exit code {code}: {error}");
        return code;
    }
}
