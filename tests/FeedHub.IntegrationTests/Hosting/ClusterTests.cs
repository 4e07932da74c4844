using System.Collections.Concurrent;
using System.Net;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Hosting;

/// <summary>
/// Three real FeedHub processes on one PostgreSQL database, sharing one schedule (the sources table)
/// of 300 sources on a loopback upstream. The upstream's own log is the witness: which node fetched
/// which source when, and whether two fetches of one source ever overlapped.
/// </summary>
public sealed class ClusterTests
{
    private const int SourceCount = 300;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Checkin = TimeSpan.FromSeconds(2);

    // A dead node's claims lapse after this; a fetch must fit in half of it.
    private static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task ThreeNodes_PollEverySourceOncePerDueTime_SurviveASigkill_AndServeTheSameFeed()
    {
        await using var store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await using var upstream = await TestUpstream.StartAsync();
        var log = new ConcurrentQueue<Fetch>();
        var inFlight = new ConcurrentDictionary<string, int>();
        var overlaps = new ConcurrentQueue<string>();

        // Once the cluster is warm, one fetch by node-0 is held open until the test ends: node-0 is
        // killed in the middle of it, holding its claim on that source.
        var holdOne = 0;
        var held = new TaskCompletionSource<Fetch>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new CancellationTokenSource();
        for (var i = 0; i < SourceCount; i++)
        {
            var path = $"s{i}.xml";
            var body = Feeds.Rss(($"s{i}-1", $"Source {i} story", "Body"));
            upstream.Map(path, async context =>
            {
                if (inFlight.AddOrUpdate(path, 1, (_, n) => n + 1) > 1)
                {
                    overlaps.Enqueue(path);
                }

                var fetch = new Fetch(path, context.Request.Headers.UserAgent.ToString(), DateTimeOffset.UtcNow);
                log.Enqueue(fetch);
                if (fetch.Node == "node-0" && Interlocked.CompareExchange(ref holdOne, 2, 1) == 1)
                {
                    held.SetResult(fetch);
                    await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                // Long enough that two nodes polling one source at once would overlap here.
                await Task.Delay(20);
                inFlight.AddOrUpdate(path, 0, (_, n) => n - 1);
                context.Response.Headers.ETag = "\"v1\"";
                if (context.Request.Headers.IfNoneMatch == "\"v1\"")
                {
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    return;
                }

                context.Response.ContentType = "application/rss+xml";
                await context.Response.WriteAsync(body);
            });
        }

        var settings = new Dictionary<string, string?>(store.Settings)
        {
            ["FeedHub:PublicBaseUrl"] = "http://feedhub.example/",
            ["FeedHub:Polling:MaxConcurrency"] = "16",
            ["FeedHub:Polling:MaxConcurrencyPerHost"] = "16",
            ["FeedHub:Polling:Timeout"] = (ClaimLease / 2).ToString(),
            ["FeedHub:Polling:ClaimLease"] = ClaimLease.ToString(),
            ["FeedHub:Cluster:CheckinInterval"] = Checkin.ToString(),
            ["FeedHub:Channels:0:Id"] = "planet",
            ["FeedHub:Channels:0:Title"] = "Planet",
            ["FeedHub:Channels:0:Sources:0"] = "*",
            ["FeedHub:Channels:0:Limit"] = "1000",
        };
        for (var i = 0; i < SourceCount; i++)
        {
            settings[$"FeedHub:Sources:{i}:Id"] = $"s{i}";
            settings[$"FeedHub:Sources:{i}:Url"] = upstream.Url($"s{i}.xml").AbsoluteUri;
            settings[$"FeedHub:Sources:{i}:Schedule"] = "10s";
        }

        using var root = new TestDirectory();
        var ports = new[] { Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort() };
        FeedHubProcess StartNode(int n) => FeedHubProcess.Start(root.Path, new Dictionary<string, string?>(settings)
        {
            ["urls"] = $"http://127.0.0.1:{ports[n]}",
            ["FeedHub:Cluster:InstanceId"] = $"node-{n}",

            // The upstream tells the nodes apart by their User-Agent.
            ["FeedHub:Polling:UserAgent"] = $"FeedHub-test/node-{n}",
        });

        var nodes = new[] { StartNode(0), StartNode(1), StartNode(2) };
        try
        {
            // Every source polled once, then a few cycles with all three nodes.
            await Eventually.TrueAsync(() => Task.FromResult(log.Select(f => f.Path).Distinct().Count() == SourceCount), "every source polled once", seconds: 120);
            var warm = DateTimeOffset.UtcNow;
            await Eventually.TrueAsync(() => Task.FromResult(log.Where(f => f.At > warm).Select(f => f.Node).Distinct().Count() == 3), "all three nodes polling", seconds: 60);
            await Task.Delay(Interval * 2, TestContext.Current.CancellationToken);

            // SIGKILL mid-poll: node-0 is fetching a source it claimed, and holds claims it will never finish.
            Interlocked.Exchange(ref holdOne, 1);
            var killedIn = await held.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            await nodes[0].KillAsync();
            var killedAt = DateTimeOffset.UtcNow;

            // Another node polls that source once the claim has lapsed, and not before.
            await Eventually.TrueAsync(() => Task.FromResult(log.Any(f => f.Path == killedIn.Path && f.At > killedIn.At)), "the killed node's source polled by another", seconds: 60);
            var recovered = log.First(f => f.Path == killedIn.Path && f.At > killedIn.At);
            Assert.NotEqual("node-0", recovered.Node);
            Assert.True(recovered.At - killedIn.At >= ClaimLease - TimeSpan.FromSeconds(1), $"{killedIn.Path} polled again {(recovered.At - killedIn.At).TotalSeconds:0.0} s after node-0 started it, within its {ClaimLease.TotalSeconds} s claim");

            await Task.Delay(Interval * 3, TestContext.Current.CancellationToken);
            var end = DateTimeOffset.UtcNow;

            var fetches = log.ToList();
            Assert.All(overlaps, path => Assert.Equal(killedIn.Path, path));
            Assert.DoesNotContain(fetches, f => f.At > killedAt.AddSeconds(1) && f.Node == "node-0");

            foreach (var source in fetches.GroupBy(f => f.Path))
            {
                var times = source.OrderBy(f => f.At).ToList();
                for (var i = 1; i < times.Count; i++)
                {
                    // Once per due time, start-up included: never a second fetch in the same interval,
                    // not even of a source node-0 was polling when it was killed (its claim held it).
                    var gap = times[i].At - times[i - 1].At;
                    Assert.True(gap > Interval / 2, $"{source.Key} fetched twice {gap.TotalSeconds:0.00}s apart ({times[i - 1].Node}, then {times[i].Node})");
                }

                // None lost: after the kill and the lapse of its claims, every source is polled again.
                var after = times.Where(f => f.At > killedAt + ClaimLease + Interval).ToList();
                Assert.True(after.Count >= 1, $"{source.Key} was polled {after.Count} time(s) in the last cycles: its schedule was lost with node-0");
            }

            Assert.Equal(SourceCount, fetches.Where(f => f.At > killedAt + ClaimLease + Interval && f.At < end).Select(f => f.Path).Distinct().Count());
            await release.CancelAsync();

            // node-0 comes back; then all three serve the same bytes with the same ETag.
            nodes[0].Dispose();
            nodes[0] = StartNode(0);
            using var client = new HttpClient();
            var documents = new List<(string ETag, byte[] Body)>();
            for (var n = 0; n < ports.Length; n++)
            {
                HttpResponseMessage? response = null;
                var last = "no attempt yet";
                var started = DateTimeOffset.UtcNow;
                try
                {
                    await Eventually.TrueAsync(
                        async () =>
                        {
                            try
                            {
                                response = await client.GetAsync(new Uri($"http://127.0.0.1:{ports[n]}/feeds/planet.atom"));
                                last = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                                return response.StatusCode == HttpStatusCode.OK;
                            }
                            catch (HttpRequestException e)
                            {
                                last = $"{e.HttpRequestError}: {e.Message}";
                                return false;
                            }
                        },
                        $"node-{n} (port {ports[n]}) serves planet.atom",
                        seconds: 60);
                }
                catch (TimeoutException e)
                {
                    throw new TimeoutException($"{e.Message} Last attempt: {last}; exited: {nodes[n].HasExited}. Its output:{Environment.NewLine}{nodes[n].OutputTail}", e);
                }

                TestContext.Current.TestOutputHelper?.WriteLine($"node-{n} served planet.atom after {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s");
                documents.Add((response!.Headers.ETag!.Tag, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)));
            }

            Assert.Contains("Source 299 story", System.Text.Encoding.UTF8.GetString(documents[0].Body), StringComparison.Ordinal);
            Assert.All(documents, d => Assert.Equal(documents[0].ETag, d.ETag));
            Assert.All(documents, d => Assert.Equal(documents[0].Body, d.Body));
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }


    private sealed record Fetch(string Path, string UserAgent, DateTimeOffset At)
    {
        public string Node => UserAgent.Split('/')[^1];
    }
}
