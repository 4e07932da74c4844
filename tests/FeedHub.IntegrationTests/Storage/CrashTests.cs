using Dapper;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>
/// A real FeedHub process killed (SIGKILL, not a shutdown) again and again while it ingests: the store
/// keeps every committed item, no duplicate, and its fetch log agrees with its items.
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task KilledWhileIngesting_LosesNothingCommitted_AndDuplicatesNothing()
    {
        await using var upstream = await TestUpstream.StartAsync();
        var served = 0;

        // Every request offers 200 more items than the last, and edits the newest ones: every poll writes.
        upstream.Map("feed.xml", context =>
        {
            var count = Interlocked.Add(ref served, 200);
            context.Response.ContentType = "application/rss+xml";
            return context.Response.WriteAsync(Feeds.Rss(Enumerable.Range(1, count).Select(i => ($"item-{i}", $"Story {i} v{count}", $"Body {i}")).ToArray()));
        });

        using var root = new TestDirectory();
        var random = new Random(20261127);
        for (var run = 0; run < 6; run++)
        {
            using var process = FeedHubProcess.Start(root.Path, new Dictionary<string, string?>
            {
                ["FeedHub:Sources:0:Id"] = "upstream",
                ["FeedHub:Sources:0:Url"] = upstream.Url("feed.xml").AbsoluteUri,
                ["FeedHub:Sources:0:Schedule"] = "1s",
            });

            // Killed at a random moment once the run is polling, however long the process took to start.
            var before = Volatile.Read(ref served);
            await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref served) > before), "a poll by the new process", seconds: 60);
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 2500)), TestContext.Current.CancellationToken);
            await process.KillAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(root.Path, "data", "feedhub.db")};Pooling=False");
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        var items = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM items");
        var distinct = await connection.ExecuteScalarAsync<long>("SELECT count(DISTINCT identity) FROM items");
        var newInLog = await connection.ExecuteScalarAsync<long>("SELECT coalesce(sum(items_new), 0) FROM fetches");
        var fetched = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM fetches WHERE outcome = 'Fetched'");

        Assert.True(fetched >= 2, $"only {fetched} polls committed: the test did not exercise ingest");
        Assert.Equal(distinct, items);

        // Items and their fetch-log rows commit together, or not at all.
        Assert.Equal(newInLog, items);
    }

    /// <summary>
    /// A big OPML import is one transaction: a process killed while it imports has stored all of it or
    /// none, and importing again afterwards completes it without a duplicate.
    /// </summary>
    [Fact]
    public async Task KilledWhileImportingOpml_KeepsAllOrNone_AndTheRetryCompletesIt()
    {
        const int outlines = 5000;
        var opml = new System.Text.StringBuilder("<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>Big</title></head><body><outline text=\"Folder\">");
        for (var i = 0; i < outlines; i++)
        {
            opml.Append(System.Globalization.CultureInfo.InvariantCulture, $"<outline type=\"rss\" text=\"Feed {i}\" xmlUrl=\"http://127.0.0.1:9/feeds/{i}.xml\"/>");
        }

        opml.Append("</outline></body></opml>");
        using var root = new TestDirectory();
        var counts = new List<long>();

        // Killed early (while the body is read or the merge runs), once the import has committed
        // (while its sources are being scheduled), and at a random moment.
        foreach (var kill in new[] { "early", "committed", "random" })
        {
            var port = Loopback.FreePort();
            using var process = FeedHubProcess.Start(root.Path, new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}", ["FeedHub:Admin:ApiKey"] = ApiKey });
            using var client = await ReadyClientAsync(port);
            using var body = new StringContent(opml.ToString(), System.Text.Encoding.UTF8, "text/x-opml");
            var import = client.PostAsync(new Uri("/api/opml", UriKind.Relative), body, TestContext.Current.CancellationToken);
            if (kill == "committed")
            {
                await Eventually.TrueAsync(async () => await CountAsync(root.Path, "SELECT count(*) FROM sources") > 0 || import.IsCompleted, "the import's commit", seconds: 60);
            }
            else
            {
                await Task.Delay(Random.Shared.Next(0, kill == "early" ? 300 : 5000), TestContext.Current.CancellationToken);
            }

            await process.KillAsync();
            await import.ContinueWith(_ => { }, TaskScheduler.Default);
            counts.Add(await CountAsync(root.Path, "SELECT count(*) FROM sources"));
        }

        var finalPort = Loopback.FreePort();
        using (var process = FeedHubProcess.Start(root.Path, new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{finalPort}", ["FeedHub:Admin:ApiKey"] = ApiKey }))
        {
            using var client = await ReadyClientAsync(finalPort);
            using var body = new StringContent(opml.ToString(), System.Text.Encoding.UTF8, "text/x-opml");
            var response = await client.PostAsync(new Uri("/api/opml", UriKind.Relative), body, TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            await process.KillAsync();
        }

        Assert.All(counts, count => Assert.True(count is 0 or outlines, $"a killed import left {count} of {outlines} sources"));
        Assert.Equal(outlines, await CountAsync(root.Path, "SELECT count(*) FROM sources"));
        Assert.Equal(outlines, await CountAsync(root.Path, "SELECT count(DISTINCT url) FROM sources"));
        Assert.Equal(1, await CountAsync(root.Path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"));
    }

    private const string ApiKey = "crash-test-key-0123456789";

    private static async Task<HttpClient> ReadyClientAsync(int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the process to be ready", seconds: 60);
        return client;
    }

    private static async Task<long> CountAsync(string root, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(root, "data", "feedhub.db")};Pooling=False");
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
