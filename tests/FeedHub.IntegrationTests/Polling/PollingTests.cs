using System.IO.Compression;
using System.Text;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.IntegrationTests.Polling;

public sealed class PollingTests : IntegrationTest
{

    protected override async ValueTask SetUpAsync() => await StartUpstreamAsync();

    private FeedHubApp Start(string path, IDictionary<string, string?>? extra = null) =>
        FeedHubApp.Start(settings: FeedHubApp.Sources(("upstream", Upstream.Url(path))).With(extra));

    private static Task<PollOutcome?> PollNowAsync(FeedHubApp app) => app.Get<SourcePoller>().PollAsync("upstream", CancellationToken.None);

    private static async Task<IReadOnlyList<StoredItem>> ItemsAsync(FeedHubApp app) =>
        (await app.Get<ItemStore>().QueryAsync(new ItemQuery("upstream", null, 500), CancellationToken.None)).Items;

    [Fact]
    public async Task NewSource_IsPolledAtStart_AndItsItemsAreStored()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(5));
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Fetched, fetch.Outcome);
        Assert.Equal(200, fetch.HttpStatus);
        Assert.Equal(5, fetch.ItemsNew);
        Assert.True(fetch.Bytes > 0);
        var items = await ItemsAsync(app);
        Assert.Equal(5, items.Count);
        Assert.Contains(items, i => i.Item.Link == Upstream.Url("posts/item-3").AbsoluteUri);

        var source = await app.Get<SourceStore>().GetAsync("upstream", CancellationToken.None);
        Assert.Equal("Upstream Test Feed", source!.FeedTitle);
        Assert.Equal("\"v1\"", source.State.ETag);
        Assert.Equal(0, source.State.ErrorStreak);
        Assert.NotNull(source.State.LastSuccessAt);
        Assert.True(source.State.NextAttemptAt > source.State.LastSuccessAt, "the next poll follows the schedule");
    }

    [Fact]
    public async Task NewSourceOnACronSchedule_IsPolledAtStart_NotAtItsFirstCronTime()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(2));

        // Once a year, at midnight on the first of January.
        await using var app = Start("feed.xml", new Dictionary<string, string?> { ["FeedHub:Sources:0:Schedule"] = "0 0 0 1 1 ?" });

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));
        Assert.Equal(2, fetch.ItemsNew);
        var next = await app.NextPollAsync("upstream");
        Assert.Equal((1, 1, 0), (next!.Value.Month, next.Value.Day, next.Value.Hour));
    }

    /// <summary>
    /// A failure nobody foresaw (here the HTTP stack itself throws, which no real server can make it
    /// do) is still a fetch-log row and a backoff, never a source stuck at "never polled".
    /// </summary>
    [Fact]
    public async Task AnExceptionNobodyForesaw_IsARecordedFailure_WithBackoff()
    {
        var settings = FeedHubApp.Sources(("upstream", Upstream.Url("feed.xml")));
        await using var app = FeedHubApp.Start(settings: settings, services: services =>
            services.AddHttpClient(FeedFetcher.HttpClientName).AddHttpMessageHandler(() => new Throwing()));

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.Equal("The poll failed unexpectedly: InvalidOperationException: Nobody saw this coming.", fetch.Error);
        var source = await app.Get<SourceStore>().GetAsync("upstream", CancellationToken.None);
        Assert.Equal(1, source!.State.ErrorStreak);
        Assert.True(source.State.NextAttemptAt > fetch.StartedAt.AddSeconds(30), $"next attempt {source.State.NextAttemptAt:o}");
    }

    private sealed class Throwing : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Nobody saw this coming.");
    }

    [Fact]
    public async Task SecondPoll_SendsTheValidators_Gets304_AndStoresNothingNew()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(3), etag: "W/\"abc-123\"", lastModified: "Tue, 24 Nov 2026 08:00:00 GMT");
        await using var app = Start("feed.xml");
        await app.WaitForFetchesAsync("upstream");

        var outcome = await PollNowAsync(app);

        Assert.Equal(FetchOutcome.NotModified, outcome!.Fetch.Outcome);
        Assert.Equal(0, outcome.Fetch.ItemsNew);
        var second = Upstream.RequestsTo("feed.xml")[1];
        Assert.Equal("W/\"abc-123\"", second.Header("If-None-Match"));
        Assert.Equal("Tue, 24 Nov 2026 08:00:00 GMT", second.Header("If-Modified-Since"));
        Assert.Equal(3, (await ItemsAsync(app)).Count);
    }

    [Fact]
    public async Task EditedItem_IsUpdatedInPlace_AndItsUpdatedMoves()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Rss(("a", "Original title", "Body"), ("b", "Other", "Body")), etag: "\"1\"");
        await using var app = Start("feed.xml");
        await app.WaitForFetchesAsync("upstream");
        var before = (await ItemsAsync(app)).Single(i => i.Item.Guid == "a");

        Upstream.ServeFeed("feed.xml", Feeds.Rss(("a", "Corrected title", "Body"), ("b", "Other", "Body"), ("c", "New", "Body")), etag: "\"2\"");
        var outcome = await PollNowAsync(app);

        Assert.Equal(1, outcome!.Fetch.ItemsNew);
        Assert.Equal(1, outcome.Fetch.ItemsUpdated);
        var items = await ItemsAsync(app);
        Assert.Equal(3, items.Count);
        var after = items.Single(i => i.Item.Guid == "a");
        Assert.Equal(before.Id, after.Id);
        Assert.Equal("Corrected title", after.Item.Title);
        Assert.True(after.Item.Updated > before.Item.Updated);
        Assert.Equal(before.FirstSeenAt, after.FirstSeenAt);
    }

    [Fact]
    public async Task DuplicateGuidsInOneDocument_MergeIntoOneItem()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Rss(("same", "First", "1"), ("same", "Second", "2"), ("other", "Other", "3")));
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(3, fetch.ItemsSeen);
        Assert.Equal(2, fetch.ItemsNew);
        Assert.Equal(2, (await ItemsAsync(app)).Count);
    }

    [Fact]
    public async Task CutOffBody_IsRead_AndTheRepairIsRecorded()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(2)[..^"</channel></rss>".Length], etag: null, lastModified: null);
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Fetched, fetch.Outcome);
        Assert.Equal(2, fetch.ItemsNew);
        Assert.StartsWith("Recovered from ill-formed input: the document was cut off", fetch.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenBody_IsARecordedFetchError_AndTheHostKeepsServing()
    {
        Upstream.ServeFeed("feed.xml", "<rss version=\"2.0\"><channel><title>Broken</channel></rss>", etag: null, lastModified: null);
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.Equal(200, fetch.HttpStatus);
        Assert.Contains("not well-formed XML", fetch.Error, StringComparison.Ordinal);
        var source = await app.Get<SourceStore>().GetAsync("upstream", CancellationToken.None);
        Assert.Equal(1, source!.State.ErrorStreak);
        Assert.Equal(fetch.Error, source.State.LastError);

        using var client = app.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task FailuresInARow_BackOff_AndRecoveryResetsTheStreak()
    {
        Upstream.Map("feed.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        await using var app = Start("feed.xml");
        await app.WaitForFetchesAsync("upstream");

        var second = await PollNowAsync(app);

        Assert.Equal(503, second!.Fetch.HttpStatus);
        Assert.Equal("HTTP 503 Service Unavailable", second.Fetch.Error);
        var failing = await app.Get<SourceStore>().GetAsync("upstream", CancellationToken.None);
        Assert.Equal(2, failing!.State.ErrorStreak);

        var behind = (await app.GetJsonAsync("/api/sources?behind=true")).GetProperty("sources");
        Assert.Equal("upstream", Assert.Single(behind.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("Failing", behind[0].GetProperty("health").GetString());
        Assert.Equal("HTTP 503 Service Unavailable", behind[0].GetProperty("why").GetString());

        // Two failures on a 1h schedule: the next attempt is about two hours away, not one.
        Assert.True(second.NextAttemptAt > second.Fetch.StartedAt.AddMinutes(90), $"next attempt {second.NextAttemptAt:o}");

        Upstream.ServeFeed("feed.xml", Feeds.Numbered(2));
        var recovered = await PollNowAsync(app);

        Assert.Equal(FetchOutcome.Fetched, recovered!.Fetch.Outcome);
        var source = await app.Get<SourceStore>().GetAsync("upstream", CancellationToken.None);
        Assert.Equal(0, source!.State.ErrorStreak);
        Assert.Null(source.State.LastError);
        Assert.Equal(2, (await ItemsAsync(app)).Count);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task CompressedBody_IsDecompressed(string encoding)
    {
        var compressed = Compress(Encoding.UTF8.GetBytes(Feeds.Numbered(4)), encoding);
        Upstream.Map("feed.xml", async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            context.Response.Headers.ContentEncoding = encoding;
            await context.Response.Body.WriteAsync(compressed);
        });
        await using var app = Start("feed.xml");

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(4, fetch.ItemsNew);
        Assert.Contains(encoding, Upstream.RequestsTo("feed.xml")[0].Header("Accept-Encoding"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GzipBomb_IsCutOffAtTheCapAfterDecompression()
    {
        var bomb = Compress(new byte[8 * 1024 * 1024], "gzip");
        Upstream.Map("feed.xml", async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync(bomb);
        });
        await using var app = Start("feed.xml", new Dictionary<string, string?> { ["FeedHub:Polling:MaxBodyBytes"] = "1048576" });

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.True(bomb.Length < 1048576, "the compressed body is under the cap");
        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.Contains("larger than the 1,048,576-byte cap", fetch.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowDripServer_IsCutOffByTheTotalDeadline()
    {
        Upstream.Map("feed.xml", async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync("<rss version=\"2.0\"><channel>", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            for (var i = 0; i < 100 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await Task.Delay(200, context.RequestAborted);
                await context.Response.WriteAsync(" ", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        await using var app = Start("feed.xml", new Dictionary<string, string?> { ["FeedHub:Polling:Timeout"] = "00:00:01" });

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.Equal("Timed out after 1 s.", fetch.Error);
    }

    [Fact]
    public async Task Redirect_IsFollowed_AndRelativeLinksResolveAgainstTheFinalUrl()
    {
        Upstream.Map("old.xml", context =>
        {
            context.Response.Redirect("/moved/feed.xml");
            return Task.CompletedTask;
        });
        Upstream.ServeFeed("moved/feed.xml", Feeds.Rss(("r", "Redirected", "Body")).Replace("/posts/r", "posts/r", StringComparison.Ordinal));
        await using var app = Start("old.xml");

        await app.WaitForFetchesAsync("upstream");

        var item = Assert.Single(await ItemsAsync(app));
        Assert.Equal(Upstream.Url("moved/posts/r").AbsoluteUri, item.Item.Link);
    }

    [Fact]
    public async Task Requests_IdentifyFeedHub_AndSendNoCookies()
    {
        Upstream.Map("feed.xml", context =>
        {
            context.Response.Headers.SetCookie = "tracker=1; Path=/";
            context.Response.ContentType = "application/rss+xml";
            return context.Response.WriteAsync(Feeds.Numbered(1));
        });
        await using var app = Start("feed.xml", new Dictionary<string, string?> { ["FeedHub:PublicBaseUrl"] = "https://hub.example.org/" });
        await app.WaitForFetchesAsync("upstream");

        await PollNowAsync(app);

        var requests = Upstream.RequestsTo("feed.xml");
        Assert.Equal(2, requests.Count);
        Assert.Matches(@"^FeedHub/\d+\.\d+\.\d+ \(\+https://hub\.example\.org\)$", requests[0].Header("User-Agent"));
        Assert.Contains("application/atom+xml", requests[0].Header("Accept"), StringComparison.Ordinal);
        Assert.All(requests, r => Assert.Null(r.Header("Cookie")));
        Assert.All(requests, r => Assert.Null(r.Header("Referer")));
    }

    [Fact]
    public async Task PrivateAddresses_AreRefused_UnlessAllowed()
    {
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(1));
        await using var app = Start("feed.xml", new Dictionary<string, string?> { ["FeedHub:Polling:AllowPrivateNetworks"] = "false" });

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.Null(fetch.HttpStatus);
        Assert.Contains("private, loopback, link-local or other special-purpose address (set FeedHub:Polling:AllowPrivateNetworks to allow)", fetch.Error, StringComparison.Ordinal);
        Assert.Empty(Upstream.RequestsTo("feed.xml"));
    }

    [Fact]
    public async Task UnreachableHost_IsARecordedFetchError()
    {
        // A port that was just free: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var settings = FeedHubApp.Sources(("upstream", new Uri($"http://127.0.0.1:{port}/feed.xml")));
        await using var app = FeedHubApp.Start(settings: settings);

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        Assert.Contains("Could not connect", fetch.Error, StringComparison.Ordinal);
    }

    private static byte[] Compress(byte[] data, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.SmallestSize),
            "br" => new BrotliStream(output, CompressionLevel.SmallestSize),
            _ => new ZLibStream(output, CompressionLevel.SmallestSize),
        })
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}
