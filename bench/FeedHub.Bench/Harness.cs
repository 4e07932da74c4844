using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using FeedHub.Polling;
using Microsoft.Data.Sqlite;

namespace FeedHub.Bench;

/// <summary>
/// Runs figures B1 to B6 of issue 7, B7 of issue 9 and P1 (newsboat as a peer), each against its baseline in the same
/// run and repeated, and writes the table between the markers of bench/RESULTS.md (the rest of that file is kept).
/// </summary>
internal static class Harness
{
    private const string Begin = "<!-- bench:begin -->";
    private const string End = "<!-- bench:end -->";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var repository = Path.GetFullPath(options.Get("repo") ?? Directory.GetCurrentDirectory());
        var quick = options.Has("quick");
        var only = options.Get("only")?.Split(',').ToHashSet(StringComparer.OrdinalIgnoreCase);
        bool Wanted(string figure) => only is null || only.Contains(figure);

        var work = Path.Combine(Path.GetTempPath(), $"feedhub-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        var upstreamPort = Launched.FreePort();
        using var bench = new BenchContext
        {
            Repository = repository,
            WorkDirectory = work,
            FeedHubDll = Path.Combine(repository, "src", "FeedHub", "bin", "Release", "bench-publish", "FeedHub.dll"), // bench/run.sh publishes it
            BenchDll = typeof(Harness).Assembly.Location,
            Repetitions = options.Int("repetitions", quick ? 3 : 5),
            WrkDuration = TimeSpan.FromSeconds(quick ? 3 : 5),
            Sources = options.Int("sources", quick ? 2_000 : 10_000),
            UpstreamUrl = $"http://127.0.0.1:{upstreamPort}",
            PushItems = options.Int("push-items", quick ? 10 : 20),
        };

        var rows = new List<Row>();
        var started = DateTimeOffset.UtcNow;
        var startLoad = BenchContext.Load();
        using (var upstream = Launched.Start(bench.BenchDll, ["upstream", "--port", upstreamPort.ToString(CultureInfo.InvariantCulture)], work, Path.Combine(work, "upstream.log")))
        {
            await FeedHubInstance.WaitForOkAsync(bench.Client, bench.UpstreamUrl + "/ready", upstream, TimeSpan.FromSeconds(30));
            var figures = new (string Id, Func<BenchContext, Task<IEnumerable<Row>>> Run)[]
            {
                ("B1", ServingAsync), ("B5", ColdStartAsync), ("B6", FreshnessAsync), ("B4", IngestAsync), ("B3", PollCycleAsync), ("P1", Newsboat.RunAsync), ("B8", Dispatch.RunAsync), ("B7", Push.RunAsync),
            };
            foreach (var (id, run) in figures.Where(f => Wanted(f.Id) || (f.Id == "B1" && Wanted("B2"))))
            {
                Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {id}{(id == "B1" ? " and B2" : string.Empty)}, load {BenchContext.Load()}");
                rows.AddRange(await run(bench));
            }
        }

        var output = options.Get("out") ?? Path.Combine(repository, "bench", "RESULTS.md");
        await WriteReportAsync(output, bench, rows, started, startLoad, quick, partial: only is not null);
        Console.Error.WriteLine($"Wrote {output}");
        foreach (var row in rows)
        {
            Console.Error.WriteLine(row.Line());
        }

        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // A log still held open by a dying process; the temp folder is only clutter.
        }

        return 0;
    }

    /// <summary>B1 and B2: /feeds/planet.atom (50 entries, full content) under wrk, against the same bytes from a bare Kestrel endpoint.</summary>
    private static async Task<IEnumerable<Row>> ServingAsync(BenchContext bench)
    {
        using var feedhub = FeedHubInstance.Start(bench, "serve", [("planet-source", bench.UpstreamUrl + "/planet.xml", "1d")]);
        var feed = feedhub.BaseUrl + "/feeds/planet.atom";
        await feedhub.WaitUntilServingAsync(bench.Client, "/feeds/planet.atom", TimeSpan.FromSeconds(60));
        await Eventually(async () => CountOf(await bench.Client.GetStringAsync(feed), "<entry") == 50, "planet.atom to hold 50 entries");

        // The baseline serves exactly FeedHub's bytes, plain and gzipped, with FeedHub's validators.
        var folder = Path.Combine(bench.WorkDirectory, "static");
        Directory.CreateDirectory(folder);
        using (var plain = await bench.Client.GetAsync(feed))
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "body"), await plain.Content.ReadAsByteArrayAsync());
            await File.WriteAllTextAsync(Path.Combine(folder, "etag"), plain.Headers.ETag!.ToString());
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, feed))
        {
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            using var gzipped = await bench.Client.SendAsync(request);
            await File.WriteAllBytesAsync(Path.Combine(folder, "body.gz"), await gzipped.Content.ReadAsByteArrayAsync());
        }

        var etag = (await File.ReadAllTextAsync(Path.Combine(folder, "etag"))).Trim();
        var staticPort = Launched.FreePort();
        using var bare = Launched.Start(bench.BenchDll, ["static", "--port", staticPort.ToString(CultureInfo.InvariantCulture), "--dir", folder], folder, Path.Combine(bench.WorkDirectory, "static.log"));
        var baseline = $"http://127.0.0.1:{staticPort}/feeds/planet.atom";
        await FeedHubInstance.WaitForOkAsync(bench.Client, baseline, bare, TimeSpan.FromSeconds(30));

        var variants = new (string Name, string[] Headers)[] { ("full body", []), ("304", [$"If-None-Match: {etag}"]), ("gzip", ["Accept-Encoding: gzip"]) };
        var results = variants.ToDictionary(v => v.Name, _ => (Rps: new Sample("req/s"), P99: new Sample("ms"), BaseRps: new Sample("req/s"), BaseP99: new Sample("ms")));
        foreach (var (_, headers) in variants)
        {
            // Warm-up: JIT, connection setup and the first render are not what is measured.
            await Wrk.RunAsync(feed, TimeSpan.FromSeconds(2), 16, headers);
            await Wrk.RunAsync(baseline, TimeSpan.FromSeconds(2), 16, headers);
        }

        var load = new List<string>();
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());
            foreach (var (name, headers) in variants)
            {
                var measured = await Wrk.RunAsync(feed, bench.WrkDuration, 16, headers);
                var bareMeasured = await Wrk.RunAsync(baseline, bench.WrkDuration, 16, headers);
                results[name].Rps.Add(measured.RequestsPerSecond);
                results[name].P99.Add(measured.P99Ms);
                results[name].BaseRps.Add(bareMeasured.RequestsPerSecond);
                results[name].BaseP99.Add(bareMeasured.P99Ms);
            }
        }

        var loads = string.Join("; ", load);
        var full = results["full body"];
        return
        [
            Row.AtLeast("B1", "planet.atom, full body: throughput", full.Rps, full.BaseRps, 0.9, loads),
            Row.AtMost("B1", "planet.atom, full body: p99 latency", full.P99, full.BaseP99, 2.0, loads),
            Row.AtLeast("B2", "planet.atom, If-None-Match (304): throughput", results["304"].Rps, results["304"].BaseRps, 0.9, loads),
            Row.AtLeast("B2", "planet.atom, Accept-Encoding gzip: throughput", results["gzip"].Rps, results["gzip"].BaseRps, 0.9, loads),
            Row.Report("B2", "planet.atom, 304 and gzip: p99 latency (FeedHub / bare)", results["304"].P99, results["304"].BaseP99, loads),
        ];
    }

    /// <summary>B5: from launch to the first 200 of /feeds/news.atom, and resident memory 3 s later, against an empty app.</summary>
    private static async Task<IEnumerable<Row>> ColdStartAsync(BenchContext bench)
    {
        var start = new Sample("ms");
        var rss = new Sample("MiB");
        var emptyStart = new Sample("ms");
        var emptyRss = new Sample("MiB");
        var load = new List<string>();
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());
            var clock = Stopwatch.StartNew();
            using (var feedhub = FeedHubInstance.Start(bench, "start", []))
            {
                await feedhub.WaitUntilServingAsync(bench.Client, "/feeds/news.atom", TimeSpan.FromSeconds(60));
                start.Add(clock.Elapsed.TotalMilliseconds);
                await Task.Delay(TimeSpan.FromSeconds(3));
                rss.Add(feedhub.Process.MemoryMiB());
            }

            var port = Launched.FreePort();
            var folder = Path.Combine(bench.WorkDirectory, $"empty-{run}");
            Directory.CreateDirectory(folder);
            clock.Restart();
            using var empty = Launched.Start(bench.BenchDll, ["empty", "--urls", $"http://127.0.0.1:{port}"], folder, Path.Combine(folder, "empty.log"));
            await FeedHubInstance.WaitForOkAsync(bench.Client, $"http://127.0.0.1:{port}/", empty, TimeSpan.FromSeconds(60));
            emptyStart.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(TimeSpan.FromSeconds(3));
            emptyRss.Add(empty.MemoryMiB());
        }

        var loads = string.Join("; ", load);
        return
        [
            Row.AtMost("B5", "cold start to the first 200 of /feeds/news.atom", start, emptyStart, 2.0, loads),
            Row.AtMost("B5", "idle resident memory (VmRSS), 3 s after that 200", rss, emptyRss, 2.0, loads),
        ];
    }

    /// <summary>B6: an item appears upstream; how long until /feeds/planet.atom shows it, against the poll interval.</summary>
    private static async Task<IEnumerable<Row>> FreshnessAsync(BenchContext bench)
    {
        var interval = TimeSpan.FromSeconds(5);
        using var feedhub = FeedHubInstance.Start(bench, "fresh", [("fresh", bench.UpstreamUrl + "/fresh.xml", "5s")]);
        var feed = feedhub.BaseUrl + "/feeds/planet.atom";
        await feedhub.WaitUntilServingAsync(bench.Client, "/feeds/planet.atom", TimeSpan.FromSeconds(60));
        await Eventually(async () => (await bench.Client.GetStringAsync(feed)).Contains("Fresh: story 3", StringComparison.Ordinal), "the first poll to show in planet.atom");

        var latency = new Sample("s");
        var load = new List<string>();
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());

            // Appear at a different point of the poll cycle each time.
            await Task.Delay(TimeSpan.FromMilliseconds(700 * (run + 1)));
            var title = $"fresh item {Guid.NewGuid():N}";
            var clock = Stopwatch.StartNew();
            using (var added = await bench.Client.PostAsync($"{bench.UpstreamUrl}/fresh?title={Uri.EscapeDataString(title)}", null))
            {
                added.EnsureSuccessStatusCode();
            }

            while (!(await bench.Client.GetStringAsync(feed)).Contains(title, StringComparison.Ordinal))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("An upstream item did not show in planet.atom within 60 s.");
                }

                await Task.Delay(20);
            }

            latency.Add(clock.Elapsed.TotalSeconds);
        }

        var baseline = new Sample("s");
        baseline.Add(interval.TotalSeconds);
        var worst = latency.Values.Max();
        return
        [
            new Row("B6", "upstream item → visible in planet.atom (5 s interval); worst case judged", latency, baseline, worst / interval.TotalSeconds,
                $"≤ interval + 1 s (worst {Sample.Format(worst)} s)", worst <= interval.TotalSeconds + 1, string.Join("; ", load)),
        ];
    }

    /// <summary>
    /// B4 taken apart, for profiling under dotnet-trace: <c>FeedHub.Bench ingest-split --repo DIR [--repetitions N]</c>
    /// prints parse, store and re-store seconds (all items unchanged) per run.
    /// </summary>
    public static async Task<int> IngestSplitAsync(string[] args)
    {
        var options = new Options(args);
        var repo = Path.GetFullPath(options.Get("repo") ?? ".");
        var work = Directory.CreateTempSubdirectory("feedhub-ingest-").FullName;
        using var bench = new BenchContext
        {
            Repository = repo, WorkDirectory = work, FeedHubDll = "", BenchDll = "", Repetitions = options.Int("repetitions", 3),
            WrkDuration = TimeSpan.Zero, Sources = 0, UpstreamUrl = "",
        };
        var ingest = new Ingest(bench);
        ingest.Prepare();
        for (var run = 0; run < bench.Repetitions; run++)
        {
            var (parse, store, restore) = await ingest.SplitAsync();
            Console.WriteLine(FormattableString.Invariant(
                $"{ingest.Items} items: parse {parse:F2} s ({ingest.Items / parse:F0} items/s), store {store:F2} s ({ingest.Items / store:F0} items/s), store unchanged {restore:F2} s"));
        }

        Directory.Delete(work, recursive: true);
        return 0;
    }

    /// <summary>
    /// B4: items per second through FeedHub's parse-and-store path, against (a) XmlReader, (b) feedparser, (c) Dapper;
    /// and FeedHub's parser alone against gofeed's, on the same files in the same run.
    /// </summary>
    private static async Task<IEnumerable<Row>> IngestAsync(BenchContext bench)
    {
        var ingest = new Ingest(bench);
        ingest.Prepare();
        var feedhub = new Sample("items/s");
        var xml = new Sample("items/s");
        var feedparser = new Sample("items/s");
        var dapper = new Sample("items/s");
        var parseOnly = new Sample("items/s");
        var gofeed = new Sample("items/s");
        var load = new List<string>();

        // The parse-only peer: gofeed over the same files, FeedHub's parser alone beside it in each run.
        const int ParsePasses = 2;
        var (peer, skipped) = await Gofeed.BuildAsync(bench);
        var list = Path.Combine(bench.WorkDirectory, "gofeed-files.txt");
        await File.WriteAllLinesAsync(list, ingest.Paths);
        (long Items, int Refused) gofeedFound = default;
        if (skipped is not null)
        {
            Console.Error.WriteLine($"  B4 gofeed row skipped: {skipped}");
        }

        await ingest.FeedHubAsync(); // warm-up: JIT and the first migration
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());
            feedhub.Add(await ingest.FeedHubAsync());
            xml.Add(ingest.XmlReaderPass());
            if (await ingest.FeedparserAsync() is { } python)
            {
                feedparser.Add(python);
            }

            dapper.Add(await ingest.DapperInsertAsync());
            parseOnly.Add(ingest.ParseOnly(ParsePasses));
            if (peer is not null)
            {
                var (rate, items, refused) = await peer.ParseAsync(list, ParsePasses);
                gofeed.Add(rate);
                gofeedFound = (items, refused);
            }
        }

        var loads = string.Join("; ", load);
        var what = $"ingest of {ingest.Files} files, {ingest.Bytes / 1_000_000.0:F1} MB, {ingest.Items:N0} items";
        var peerWhat = peer is null
            ? $"parse only, same files, against gofeed: **skipped** ({skipped})"
            : $"parse only (FeedHub's parser, sanitizing; no store), same files, {ParsePasses} passes a run, against {peer.Version} (Go, `bench/gofeed`; no sanitizing; found {gofeedFound.Items:N0} items; files it refused: {gofeedFound.Refused})";
        return
        [
            Row.AtLeast("B4", $"{what}, against (b) feedparser", feedhub, feedparser, 20, loads),
            Row.AtLeast("B4", $"{what}, against (c) Dapper inserts in one transaction", feedhub, dapper, 0.5, loads),
            Row.Report("B4", $"{what}, against (a) an XmlReader pass", feedhub, xml, loads),
            Row.AtLeast("B4", peerWhat, parseOnly, gofeed, 1.0, loads),
        ];
    }

    /// <summary>
    /// B3: poll cycles of N sources against the upstream process (the second one triggered through the
    /// admin API, when 80% answer 304), against two baselines at the same concurrency over the same URLs: the
    /// pipeline's limit (<see cref="PipelineLoop"/>: fetch, FeedHub's parser, batched Dapper inserts), which the first
    /// cycle is judged against, and a download-only HttpClient loop (<see cref="FetchLoop"/>), which the second is.
    /// </summary>
    private static async Task<IEnumerable<Row>> PollCycleAsync(BenchContext bench)
    {
        const int Concurrency = 8; // FeedHub:Polling:MaxConcurrency's default
        var first = new Sample("s");
        var second = new Sample("s");
        var firstCpu = new Sample("CPU s");
        var secondCpu = new Sample("CPU s");
        var peak = new Sample("MiB");
        var download = new LoopFigures();
        var pipeline = new LoopFigures();
        var load = new List<string>();
        var sources = Enumerable.Range(1, bench.Sources).Select(n => ($"s{n}", $"{bench.UpstreamUrl}/f/{n}.xml", "1d")).ToList();
        for (var run = 0; run < bench.Repetitions; run++)
        {
            load.Add(BenchContext.Load());
            using (var feedhub = FeedHubInstance.Start(bench, "poll", sources, Concurrency))
            {
                // The first cycle starts by itself: a source never polled is polled at start.
                await feedhub.WaitUntilServingAsync(bench.Client, "/healthz", TimeSpan.FromSeconds(300));
                var cpuAtFirstFetch = await WaitForFetchesAsync(feedhub, 1);
                var cpuAtEnd = await WaitForFetchesAsync(feedhub, bench.Sources);
                first.Add(await CycleSecondsAsync(feedhub, 0, null));
                firstCpu.Add(cpuAtEnd - cpuAtFirstFetch);

                var cpuBefore = feedhub.Process.CpuSeconds();
                var triggered = DateTimeOffset.UtcNow;
                using var admin = new HttpClient { BaseAddress = new Uri(feedhub.BaseUrl) };
                admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FeedHubInstance.ApiKey);
                await Parallel.ForEachAsync(sources, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (source, token) =>
                {
                    using var response = await admin.PostAsync($"/api/sources/{source.Item1}/poll", null, token);
                    response.EnsureSuccessStatusCode();
                });
                cpuAtEnd = await WaitForFetchesAsync(feedhub, 2 * bench.Sources);
                second.Add(await CycleSecondsAsync(feedhub, bench.Sources, triggered));
                secondCpu.Add(cpuAtEnd - cpuBefore);
                peak.Add(feedhub.Process.MemoryMiB("VmHWM"));
                var notModified = await ScalarAsync(feedhub, "SELECT count(*) FROM fetches WHERE id > @skip AND outcome = 'NotModified'", bench.Sources);
                Console.Error.WriteLine($"  cycle 2: {notModified} of {bench.Sources} not modified");
            }

            await RunLoopAsync(bench, "fetch-loop", run, Concurrency, download);
            await RunLoopAsync(bench, "pipeline-loop", run, Concurrency, pipeline);
        }

        var loads = string.Join("; ", load);
        var limit = new Sample("MiB");
        limit.Add(300);
        var n = bench.Sources.ToString("N0", CultureInfo.InvariantCulture);
        return
        [
            Row.AtMost("B3", $"first poll cycle of {n} sources (20 items each): wall time, against the pipeline's limit (fetch, FeedHub's parser, batched Dapper inserts)", first, pipeline.First, 2.0, loads),
            Row.Report("B3", "first cycle: wall time, against the download-only loop", first, download.First, loads),
            Row.AtMost("B3", "second cycle (80% answer 304): wall time, against the download-only loop", second, download.Second, 2.0, loads),
            Row.Report("B3", "second cycle: wall time, against the pipeline's limit", second, pipeline.Second, loads),
            Row.Report("B3", "first cycle: CPU seconds, against the pipeline's limit", firstCpu, pipeline.FirstCpu, loads),
            Row.Report("B3", "second cycle: CPU seconds, against the download-only loop", secondCpu, download.SecondCpu, loads),
            new Row("B3", $"peak resident memory (VmHWM); the download-only loop's peak was {download.Peak.Describe()}, the pipeline's limit's {pipeline.Peak.Describe()}", peak, limit, peak.Median / 300, "≤ 300 MiB", peak.Median <= 300, loads),
        ];
    }

    /// <summary>What a B3 baseline process (fetch-loop, pipeline-loop) printed over the repetitions.</summary>
    private sealed class LoopFigures
    {
        public Sample First { get; } = new("s");

        public Sample Second { get; } = new("s");

        public Sample FirstCpu { get; } = new("CPU s");

        public Sample SecondCpu { get; } = new("CPU s");

        public Sample Peak { get; } = new("MiB");
    }

    /// <summary>
    /// Runs one B3 baseline role (<c>fetch-loop</c> or <c>pipeline-loop</c>) over the same URLs at FeedHub's concurrency,
    /// as its own process, and adds what it printed: per cycle <c>cycle N wall cpu failures [items]</c>, then <c>peak KiB</c>.
    /// </summary>
    private static async Task RunLoopAsync(BenchContext bench, string role, int run, int concurrency, LoopFigures figures)
    {
        var folder = Path.Combine(bench.WorkDirectory, $"{role}-{run}");
        Directory.CreateDirectory(folder);
        var log = Path.Combine(folder, $"{role}.log");
        string[] arguments = [role, "--base", bench.UpstreamUrl, "--feeds", bench.Sources.ToString(CultureInfo.InvariantCulture), "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture)];
        using (var loop = Launched.Start(bench.BenchDll, role == "pipeline-loop" ? [.. arguments, "--db", Path.Combine(folder, "pipeline.db")] : arguments, folder, log))
        {
            await loop.WaitForExitAsync(TimeSpan.FromMinutes(10));
        }

        var cycles = 0;
        foreach (var line in await File.ReadAllLinesAsync(log))
        {
            var parts = line.Split(' ');
            if (parts[0] == "cycle")
            {
                cycles++;
                (parts[1] == "1" ? figures.First : figures.Second).Add(double.Parse(parts[2], CultureInfo.InvariantCulture));
                (parts[1] == "1" ? figures.FirstCpu : figures.SecondCpu).Add(double.Parse(parts[3], CultureInfo.InvariantCulture));
                if (parts[4] != "0")
                {
                    Console.Error.WriteLine($"  {role} cycle {parts[1]}: {parts[4]} of {bench.Sources} fetches failed");
                }

                if (parts.Length > 5)
                {
                    Console.Error.WriteLine($"  {role} cycle {parts[1]}: {parts[2]} s, {parts[5]} items inserted");
                }
            }
            else if (parts[0] == "peak")
            {
                figures.Peak.Add(double.Parse(parts[1], CultureInfo.InvariantCulture) / 1024);
            }
        }

        if (cycles != 2)
        {
            throw new InvalidOperationException($"{role} did not finish its two cycles; see {log}.");
        }
    }

    /// <summary>Waits until the fetch log holds <paramref name="count"/> rows; returns FeedHub's CPU seconds at that moment.</summary>
    private static async Task<double> WaitForFetchesAsync(FeedHubInstance feedhub, int count)
    {
        var clock = Stopwatch.StartNew();
        while (await ScalarAsync(feedhub, "SELECT count(*) FROM fetches", 0) < count)
        {
            if (feedhub.Process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(15))
            {
                throw new InvalidOperationException($"FeedHub did not log {count} fetches; see {feedhub.Root}/feedhub.log.");
            }

            await Task.Delay(100);
        }

        return feedhub.Process.CpuSeconds();
    }

    /// <summary>From the first fetch's start (or the trigger) to the last one's end, from the fetch log after row <paramref name="skip"/>.</summary>
    private static async Task<double> CycleSecondsAsync(FeedHubInstance feedhub, int skip, DateTimeOffset? triggered)
    {
        await using var connection = Open(feedhub);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT started_at, duration_ms FROM fetches WHERE id > $skip";
        command.Parameters.AddWithValue("$skip", skip);
        await using var reader = await command.ExecuteReaderAsync();
        DateTimeOffset? start = triggered;
        var end = DateTimeOffset.MinValue;
        while (await reader.ReadAsync())
        {
            var at = DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            start = start is null || at < start ? at : start;
            var done = at.AddMilliseconds(reader.GetInt64(1));
            end = done > end ? done : end;
        }

        return (end - start!.Value).TotalSeconds;
    }

    internal static async Task<long> ScalarAsync(FeedHubInstance feedhub, string sql, int skip)
    {
        if (!File.Exists(feedhub.Database))
        {
            return 0;
        }

        await using var connection = Open(feedhub);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@skip", skip);
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // not migrated yet
        }
    }

    private static SqliteConnection Open(FeedHubInstance feedhub)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = feedhub.Database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Waited 60 s for {what}.");
            }

            await Task.Delay(100);
        }
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Writes the table between the markers, merged by row id with what is there: the rows of the figures
    /// run now replace theirs (in place), the other rows and their load lines are kept. A full run writes
    /// the run's header; a run of some figures (<c>--only</c>) keeps the header of the run the other rows
    /// come from and adds a "Rows of" line saying when and how its own rows were taken.
    /// </summary>
    private static async Task WriteReportAsync(string path, BenchContext bench, List<Row> rows, DateTimeOffset started, string startLoad, bool quick, bool partial)
    {
        var commit = Git(bench.Repository, "rev-parse --short HEAD") + (Git(bench.Repository, "status --porcelain --untracked-files=no").Length > 0 ? " (with uncommitted changes)" : string.Empty);
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "Linux";

        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : $"# Benchmark results\n\n{Begin}\n{End}\n";
        var begin = existing.IndexOf(Begin, StringComparison.Ordinal);
        var end = existing.IndexOf(End, StringComparison.Ordinal);
        var previous = ReportBlock.Parse(begin >= 0 && end > begin ? existing[(begin + Begin.Length)..end] : string.Empty);

        var ids = rows.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var runLine = FormattableString.Invariant($"run {started:yyyy-MM-dd HH:mm} UTC, {(DateTimeOffset.UtcNow - started).TotalMinutes:F0} min{(quick ? ", `--quick`" : string.Empty)}; commit {commit}");
        var header = new List<string>();
        if (partial && previous.Header.Count > 0)
        {
            // Keep the header of the earlier run, less any "Rows of" line whose rows are all taken again now.
            header.AddRange(previous.Header.Where(l => !(ReportBlock.RowsOf(l) is { } of && of.All(ids.Contains))));
            header.Add(FormattableString.Invariant(
                $"- Rows of {string.Join(", ", ids)}: {runLine}; median (smallest–largest) of {bench.Repetitions} runs; load at the start {startLoad}, at the end {BenchContext.Load()}."));
        }
        else
        {
            header.Add(FormattableString.Invariant($"- Run: {started:yyyy-MM-dd HH:mm} UTC, {(DateTimeOffset.UtcNow - started).TotalMinutes:F0} min{(quick ? ", `--quick`" : string.Empty)}; commit {commit}."));
            header.Add(FormattableString.Invariant($"- Machine: {Environment.ProcessorCount} cores ({cpu}), {long.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024} GiB, {os}; {RuntimeInformation.FrameworkDescription}."));
            header.Add(FormattableString.Invariant($"- Load average (1, 5, 15 min) at the start: {startLoad}; at the end: {BenchContext.Load()}. Each figure's load is in the last column."));
            header.Add(FormattableString.Invariant($"- Each figure: median (smallest–largest, n runs) of {bench.Repetitions} runs; wrk runs {bench.WrkDuration.TotalSeconds:F0} s, 1 thread, 16 connections."));

            // Rows kept from earlier runs still say where they come from.
            var kept = previous.Rows.Select(r => r.Id).Where(id => !ids.Contains(id)).ToHashSet(StringComparer.Ordinal);
            header.AddRange(previous.Header.Where(l => ReportBlock.RowsOf(l) is { } of && of.Any(kept.Contains)));
        }

        var table = ReportBlock.Merge(previous.Rows, rows.Select(r => (r.Id, r.Markdown())).ToList());
        var loads = ReportBlock.Merge(previous.Loads, rows.GroupBy(r => r.Id).Select(g => (g.Key, $"- {g.Key}: {g.First().Load}")).ToList());

        var text = new StringBuilder();
        text.AppendLine(Begin);
        header.ForEach(l => text.AppendLine(l));
        text.AppendLine();
        text.AppendLine("| # | figure | FeedHub | baseline | ratio | target | met |");
        text.AppendLine("|---|---|---:|---:|---:|---|---|");
        table.ForEach(l => text.AppendLine(l));
        text.AppendLine();
        text.AppendLine("<details><summary>Load average (1, 5, 15 min) at the start of each repetition</summary>");
        text.AppendLine();
        loads.ForEach(l => text.AppendLine(l));
        text.AppendLine();
        text.AppendLine("</details>");
        text.AppendLine(End);

        var updated = begin >= 0 && end > begin
            ? existing[..begin] + text.ToString().TrimEnd('\n') + existing[(end + End.Length)..]
            : existing.TrimEnd() + "\n\n" + text;
        await File.WriteAllTextAsync(path, updated);
    }

    private static string Git(string repository, string arguments)
    {
        var info = new ProcessStartInfo("git", arguments) { WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(info)!;
        var output = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return output;
    }
}
