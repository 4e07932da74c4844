using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FeedHub.Bench;

/// <summary>
/// P1, a real feed reader as a peer: one cycle of 2,000 of the upstream's generated feeds (20 items each), from
/// launch until every item is stored. FeedHub at <c>MaxConcurrency</c> and <c>MaxConcurrencyPerHost</c> 16 (every
/// feed is on one loopback host), until its SQLite store holds all 40,000 items; Debian's newsboat with
/// <c>reload-threads 16</c>, <c>newsboat -u URLS -c CACHE -C CONFIG -x reload</c>, until it exits, its cache's
/// <c>rss_item</c> table then checked for all 40,000.
/// </summary>
internal static class Newsboat
{
    private const int Feeds = 2_000;
    private const int ItemsPerFeed = 20; // the upstream's /f/{n}.xml always lists 20
    private const int Concurrency = 16;
    private const double Target = 10; // FeedHub at least 10 times as fast

    private static readonly string[] Candidates = ["/usr/bin/newsboat", "/usr/local/bin/newsboat"];

    public static async Task<IEnumerable<Row>> RunAsync(BenchContext bench)
    {
        var expected = Feeds * ItemsPerFeed;
        var target = FormattableString.Invariant($"≤ {1 / Target}× (newsboat ≥ {Target}× slower)");
        var newsboat = Candidates.FirstOrDefault(File.Exists);
        var version = newsboat is null ? string.Empty : await VersionAsync(newsboat);
        var what = FormattableString.Invariant(
            $"one cycle of {Feeds:N0} feeds ({expected:N0} items), launch → every item stored, 16 at a time; against newsboat {version} (`reload-threads 16`, `-x reload`)");
        if (newsboat is null)
        {
            Console.Error.WriteLine("  P1 skipped: newsboat is missing (apt-get install -y newsboat)");
            return [new Row("P1", $"{what}: **skipped**, newsboat is missing (apt-get install -y newsboat)", new Sample("s"), new Sample("s"), null, target, null, BenchContext.Load())];
        }

        var time = File.Exists("/usr/bin/time") ? "/usr/bin/time" : null; // newsboat's CPU and peak memory, when GNU time is there
        var sources = Enumerable.Range(1, Feeds).Select(n => ($"s{n}", $"{bench.UpstreamUrl}/f/{n}.xml", "1d")).ToList();
        var feedhubWall = new Sample("s");
        var feedhubCycle = new Sample("s");
        var feedhubCpu = new Sample("CPU s");
        var feedhubPeak = new Sample("MiB");
        var peerWall = new Sample("s");
        var peerCpu = new Sample("CPU s");
        var peerPeak = new Sample("MiB");
        var load = new List<string>();
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());

            var clock = Stopwatch.StartNew();
            using (var feedhub = FeedHubInstance.Start(bench, "peer", sources, Concurrency))
            {
                // Sources never polled are polled at start: the first cycle starts by itself.
                while (await Harness.ScalarAsync(feedhub, "SELECT count(*) FROM items", 0) < expected)
                {
                    if (feedhub.Process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(10))
                    {
                        throw new InvalidOperationException($"FeedHub did not store {expected} items; see {feedhub.Root}/feedhub.log.");
                    }

                    await Task.Delay(50);
                }

                var allStored = DateTimeOffset.UtcNow;
                feedhubWall.Add(clock.Elapsed.TotalSeconds);
                feedhubCpu.Add(feedhub.Process.CpuSeconds());
                feedhubPeak.Add(feedhub.Process.MemoryMiB("VmHWM"));
                feedhubCycle.Add((allStored - await FirstFetchAsync(feedhub)).TotalSeconds);
            }

            var folder = Path.Combine(bench.WorkDirectory, $"newsboat-{run}");
            Directory.CreateDirectory(folder);
            var urls = Path.Combine(folder, "urls");
            var config = Path.Combine(folder, "config");
            var cache = Path.Combine(folder, "cache.db");
            var usage = Path.Combine(folder, "time.txt");
            await File.WriteAllLinesAsync(urls, sources.Select(s => s.Item2));
            await File.WriteAllTextAsync(config, $"reload-threads {Concurrency}\n");

            var info = new ProcessStartInfo(time ?? newsboat) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            string[] arguments = ["-u", urls, "-c", cache, "-C", config, "-x", "reload"];
            foreach (var argument in time is null ? arguments : ["-f", "%U %S %M", "-o", usage, newsboat, .. arguments])
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["HOME"] = folder; // newsboat makes ~/.newsboat even when told where everything is
            clock.Restart();
            using (var process = Process.Start(info)!)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
                await process.WaitForExitAsync(cancel.Token);
                peerWall.Add(clock.Elapsed.TotalSeconds);
                await File.WriteAllTextAsync(Path.Combine(folder, "newsboat.log"), await output + await error);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"newsboat exited with {process.ExitCode}; see {folder}/newsboat.log.");
                }
            }

            var stored = await CountAsync(cache);
            if (stored != expected)
            {
                throw new InvalidOperationException($"newsboat's cache holds {stored} items after its reload, not {expected}; see {folder}.");
            }

            if (time is not null && (await File.ReadAllLinesAsync(usage)).LastOrDefault()?.Split(' ') is [var user, var system, var kib])
            {
                peerCpu.Add(double.Parse(user, CultureInfo.InvariantCulture) + double.Parse(system, CultureInfo.InvariantCulture));
                peerPeak.Add(double.Parse(kib, CultureInfo.InvariantCulture) / 1024);
            }

            Console.Error.WriteLine(FormattableString.Invariant($"  P1 run {run + 1}: FeedHub {feedhubWall.Values[^1]:F2} s, newsboat {peerWall.Values[^1]:F2} s ({stored} items)"));
        }

        var loads = string.Join("; ", load);
        var ratio = feedhubWall.Median / peerWall.Median;
        var speedup = peerWall.Median / feedhubWall.Median;
        return
        [
            new Row("P1", $"{what}: wall time; newsboat / FeedHub = {Sample.Format(speedup)}×", feedhubWall, peerWall, ratio, target, ratio <= 1 / Target, loads),
            Row.Report("P1", "the same, FeedHub's start left out (its first fetch's start, from its fetch log → every item stored)", feedhubCycle, peerWall, loads),
            Row.Report("P1", $"CPU seconds, launch → every item stored (FeedHub: /proc; newsboat: GNU time{(time is null ? ", missing" : string.Empty)})", feedhubCpu, peerCpu, loads),
            Row.Report("P1", "peak resident memory (VmHWM; newsboat: GNU time's maximum RSS)", feedhubPeak, peerPeak, loads),
        ];
    }

    /// <summary>When FeedHub's first fetch started, from its fetch log (UTC, as FeedHub's clock and this one read it).</summary>
    private static async Task<DateTimeOffset> FirstFetchAsync(FeedHubInstance feedhub)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = feedhub.Database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(started_at) FROM fetches";
        var text = (string)(await command.ExecuteScalarAsync())!;
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static async Task<long> CountAsync(string cache)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = cache, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM rss_item";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>"2.21.0" from "newsboat 2.21.0 - https://newsboat.org/"; empty when it does not say.</summary>
    private static async Task<string> VersionAsync(string newsboat)
    {
        var info = new ProcessStartInfo(newsboat) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("--version");
        using var process = Process.Start(info)!;
        var first = (await process.StandardOutput.ReadToEndAsync()).Split('\n')[0].Split(' ');
        await process.WaitForExitAsync();
        return first is ["newsboat", var number, ..] ? number : string.Empty;
    }
}
