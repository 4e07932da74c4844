using System.IO.Compression;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>
/// One upstream per way a server can be broken or hostile: each poll ends in items or in a recorded
/// error that names the cause, and the host keeps answering.
/// </summary>
public sealed class HostileUpstreamTests : IntegrationTest
{

    protected override async ValueTask SetUpAsync() => await StartUpstreamAsync();

    private static string BillionLaughs()
    {
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            entities.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        return $"<?xml version=\"1.0\"?><!DOCTYPE rss [{entities}]><rss version=\"2.0\"><channel><title>&lol9;</title><item><guid>1</guid><title>x</title></item></channel></rss>";
    }

    /// <summary>Each scenario, and how its poll must end: "fetched" (one item stored), or a failure whose error says this.</summary>
    public static TheoryData<string, string> Scenarios => new()
    {
        { "xxe", "fetched" },
        { "billion-laughs", "fetched" },
        { "endless", "larger than the" },
        { "html", "HTML page, not a feed" },
        { "empty", "The document is empty." },
        { "invalid-bytes", "fetched" },
        { "wrong-type", "fetched" },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task EveryPoll_EndsInItemsOrANamedError_AndTheHostKeepsAnswering(string scenario, string expected)
    {
        Upstream.Map("feed.xml", context => Serve(scenario, context));
        await using var app = FeedHubApp.Start(settings: new Dictionary<string, string?>(FeedHubApp.Sources(("upstream", Upstream.Url("feed.xml"))))
        {
            ["FeedHub:Polling:MaxBodyBytes"] = "1048576",
        });

        var fetch = Assert.Single(await app.WaitForFetchesAsync("upstream"));

        if (expected == "fetched")
        {
            Assert.Equal(FetchOutcome.Fetched, fetch.Outcome);
            Assert.Equal(1, fetch.ItemsNew);
        }
        else
        {
            Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
            Assert.Contains(expected, fetch.Error, StringComparison.Ordinal);
        }

        using var client = app.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken));
        var items = (await app.GetJsonAsync("/api/items")).GetProperty("items");
        Assert.All(items.EnumerateArray(), i => Assert.DoesNotContain("root:", i.GetProperty("title").GetString(), StringComparison.Ordinal));
    }

    /// <summary>
    /// The worst of them at once, against a FeedHub process of its own with the default body cap:
    /// a gzip bomb that inflates to a gibibyte, an endless body, entity expansion, a million nested
    /// elements and one enormous text node. Each poll ends in a recorded outcome, the process keeps
    /// answering, and its resident memory stays under 400 MB. Measured alone on 2026-11-27: an idle
    /// process peaks at 131 MB, the bomb and the endless body at about 157 MB (they stop at the cap),
    /// and the 9 MB text node at 259 MB, since it is decoded, parsed, sanitized and indexed whole.
    /// </summary>
    [Fact]
    public async Task TheWorstAtOnce_KeepTheProcessMemoryBounded()
    {
        var bomb = GzipOfZeros(1L << 30);
        Upstream.Map("bomb.xml", async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentType = "application/rss+xml";
            await context.Response.Body.WriteAsync(bomb, context.RequestAborted);
        });
        Upstream.Map("endless.xml", context => Serve("endless", context));
        Upstream.Map("laughs.xml", context => Serve("billion-laughs", context));
        Upstream.Map("deep.xml", context => context.Response.WriteAsync(
            "<rss version=\"2.0\"><channel>" + string.Concat(Enumerable.Repeat("<a>", 1_000_000)), context.RequestAborted));
        Upstream.Map("huge-text.xml", context => context.Response.WriteAsync(
            $"<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><description>{new string('x', 9_000_000)}</description></item></channel></rss>", context.RequestAborted));
        string[] scenarios = ["bomb", "endless", "laughs", "deep", "huge-text"];
        var port = Loopback.FreePort();
        using var root = new TestDirectory();
        var settings = new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}" };
        for (var i = 0; i < scenarios.Length; i++)
        {
            settings[$"FeedHub:Sources:{i}:Id"] = scenarios[i];
            settings[$"FeedHub:Sources:{i}:Url"] = Upstream.Url($"{scenarios[i]}.xml").AbsoluteUri;
        }

        using var process = FeedHubProcess.Start(root.Path, settings);
        var database = Path.Combine(root.Path, "data", "feedhub.db");
        long fetches = 0;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
                fetches = await connection.ExecuteScalarAsync<long>("SELECT count(DISTINCT source_id) FROM fetches");
                return fetches == scenarios.Length;
            }
            catch (SqliteException)
            {
                // Not created or not migrated yet.
                return false;
            }
        }, "a recorded fetch of every source", seconds: 90);

        using var client = new HttpClient();
        Assert.Equal("Healthy", await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/healthz"), TestContext.Current.CancellationToken));
        var peak = process.PeakResidentBytes();
        Assert.True(peak < 400L * 1024 * 1024, $"peak resident memory {peak / (1024 * 1024)} MB");
    }

    private static byte[] GzipOfZeros(long length)
    {
        var zeros = new byte[1 << 20];
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            for (long written = 0; written < length; written += zeros.Length)
            {
                gzip.Write(zeros);
            }
        }

        return output.ToArray();
    }

    private static async Task Serve(string scenario, HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "application/rss+xml";
        switch (scenario)
        {
            case "xxe":
                await response.WriteAsync("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>&xxe;</title></item></channel></rss>");
                break;
            case "billion-laughs":
                await response.WriteAsync(BillionLaughs());
                break;
            case "endless":
                var chunk = Encoding.UTF8.GetBytes(new string(' ', 64 * 1024));
                await response.WriteAsync("<rss version=\"2.0\"><channel><title>");
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await response.Body.WriteAsync(chunk, context.RequestAborted);
                }

                break;
            case "html":
                response.ContentType = "text/html";
                await response.WriteAsync("<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome<br></body></html>");
                break;
            case "empty":
                break;
            case "invalid-bytes":
                await response.Body.WriteAsync((byte[])[.. Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>bad "), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("</title></item></channel></rss>")]);
                break;
            case "wrong-type":
                response.ContentType = "image/png";
                await response.WriteAsync(Feeds.Numbered(1));
                break;
        }
    }
}
