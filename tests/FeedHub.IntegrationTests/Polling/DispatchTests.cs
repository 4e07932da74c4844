using FeedHub.Hosting;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>
/// A running server and commands run against its content root: the store is the schedule, so what a
/// command writes there is what the server's next dispatch follows, without a restart or a reconciler.
/// </summary>
public sealed class DispatchTests : IntegrationTest
{
    private FeedHubApp _app = null!;

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(2));
        Upstream.ServeFeed("declared.xml", Feeds.Numbered(1));
        _app = StartApp(Root.Path, FeedHubApp.Sources(("declared", Upstream.Url("declared.xml"))));
        await _app.WaitForFetchesAsync("declared");
    }

    [Fact]
    public async Task TheServer_FollowsWhatCommandsWriteToTheStore_AtItsNextDispatch()
    {
        var url = Upstream.Url("feed.xml").AbsoluteUri;

        // Added by a command: due at once, and polled by the server with nobody telling it.
        Assert.Equal(0, await CommandAsync("sources", "add", url, "--id", "cli", "--schedule", "1h"));
        var first = Assert.Single(await _app.WaitForFetchesAsync("cli"));
        Assert.Equal(FetchOutcome.Fetched, first.Outcome);

        // Paused, then made due by a schedule change (one second after its last poll): a paused source is not polled.
        Assert.Equal(0, await CommandAsync("sources", "pause", "cli"));
        var opml = Root.Write("change.opml", $"""<opml version="2.0"><body><outline text="Feed" xmlUrl="{url}" xmlns:feedhub="urn:feedhub:opml:1" feedhub:schedule="1s"/></body></opml>""");
        Assert.Equal(0, await CommandAsync("opml", "import", opml));
        Assert.Equal(first.StartedAt.AddSeconds(1), (await _app.Get<FeedHub.Storage.SourceStore>().GetAsync("cli", Token))!.State.NextAttemptAt);

        // The declared source, polled now, proves a dispatch ran after "cli" was due: it was passed over.
        using (var api = _app.Admin())
        {
            (await api.PostAsync(new Uri("/api/sources/declared/poll", UriKind.Relative), null, Token)).EnsureSuccessStatusCode();
        }

        await _app.WaitForFetchesAsync("declared", 2);
        Assert.Single(Upstream.RequestsTo("feed.xml"));

        // Resumed by a command: it is due, and the server polls it on the new schedule.
        Assert.Equal(0, await CommandAsync("sources", "resume", "cli"));
        await _app.WaitForFetchesAsync("cli", 2);
        Assert.Equal("1s", (await _app.Get<FeedHub.Storage.SourceStore>().GetAsync("cli", Token))!.Schedule);

        Assert.Equal(0, await CommandAsync("sources", "remove", "cli"));
        Assert.Null(await _app.NextPollAsync("cli"));
    }

    private async Task<int> CommandAsync(params string[] args)
    {
        await using var output = new StringWriter();
        await using var error = new StringWriter();
        var code = await FeedHubCommandLine.RunAsync([.. args, "--contentRoot", Root.Path, "--FeedHub:SourcesOpml="], output, error, errorIsTerminal: false, Token);
        Assert.True(code == 0, $"exit code {code}: {error}");
        return code;
    }
}
