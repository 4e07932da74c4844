using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Dapper;
using FeedHub.Markup;
using FeedHub.Model;
using FeedHub.Parsing;
using FeedHub.Publishing;
using Microsoft.Data.Sqlite;

namespace FeedHub.Bench;

/// <summary>
/// B3's second baseline, the pipeline's limit: what fetching, parsing and storing cost with nothing else. The
/// same URLs as FeedHub at the same concurrency, as the fetch loop fetches them (twice, the second time with the
/// first's ETags); each 200 is parsed by FeedHub's own <see cref="FeedParser"/> (decode, repair, read, sanitize)
/// on the fetching task, and one writer inserts the items with Dapper into a SQLite file (WAL, synchronous NORMAL,
/// as FeedHub opens its own) in one transaction per <c>--batch</c> feeds. The table has the columns B4's Dapper
/// baseline has and a unique (source, guid), so the second cycle's unchanged items are ignored, not duplicated;
/// no full-text index, no fetch log, no schedule.
/// Prints, per cycle: <c>cycle N wall-seconds cpu-seconds failures items-inserted</c>; then <c>peak KiB</c>.
/// </summary>
internal static class PipelineLoop
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var baseUrl = options.Require("base");
        var feeds = options.Int("feeds", 10_000);
        var concurrency = options.Int("concurrency", 8);
        var batch = options.Int("batch", 50);
        var database = Path.GetFullPath(options.Get("db") ?? "pipeline.db");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        var parser = new FeedParser(new HtmlCleaner());
        var etags = new string?[feeds + 1];
        var process = Process.GetCurrentProcess();

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync();
        await connection.ExecuteAsync("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE items (id INTEGER PRIMARY KEY, source_id TEXT NOT NULL, guid TEXT, title TEXT, link TEXT,
                                summary TEXT, content_html TEXT, published TEXT, UNIQUE (source_id, guid));
            """);

        for (var cycle = 1; cycle <= 2; cycle++)
        {
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var failures = 0;
            var parsed = Channel.CreateBounded<(int Source, ParsedFeed Feed)>(new BoundedChannelOptions(4 * batch) { SingleReader = true });
            var writer = Task.Run(async () =>
            {
                try
                {
                    return await WriteAsync(connection, parsed.Reader, batch);
                }
                catch (Exception e)
                {
                    parsed.Writer.TryComplete(e); // the fetching tasks stop at their next write, not wait on a full channel
                    throw;
                }
            });
            await Parallel.ForEachAsync(Enumerable.Range(1, feeds), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, token) =>
            {
                var url = $"{baseUrl}/f/{n}.xml";
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (etags[n] is { } etag)
                {
                    request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
                }

                using var response = await client.SendAsync(request, token);
                var body = await response.Content.ReadAsByteArrayAsync(token);
                if (response.IsSuccessStatusCode)
                {
                    etags[n] = response.Headers.ETag?.ToString();
                    try
                    {
                        var feed = parser.Parse(body, response.Content.Headers.ContentType?.ToString(), new Uri(url));
                        await parsed.Writer.WriteAsync((n, feed), token);
                    }
                    catch (FeedParseException)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                else if (response.StatusCode != System.Net.HttpStatusCode.NotModified)
                {
                    Interlocked.Increment(ref failures);
                }
            });
            parsed.Writer.TryComplete();
            var inserted = await writer;
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cycle {cycle} {wall.Elapsed.TotalSeconds:F3} {(process.TotalProcessorTime - cpu).TotalSeconds:F3} {failures} {inserted}"));
        }

        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        Console.WriteLine($"peak {peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]}");
        return 0;
    }

    /// <summary>Inserts the parsed feeds' items, <paramref name="batch"/> feeds per transaction; returns the rows inserted.</summary>
    private static async Task<long> WriteAsync(SqliteConnection connection, ChannelReader<(int Source, ParsedFeed Feed)> feeds, int batch)
    {
        const string Insert = "INSERT OR IGNORE INTO items (source_id, guid, title, link, summary, content_html, published) VALUES (@SourceId, @Guid, @Title, @Link, @Summary, @ContentHtml, @Published)";
        var pending = new List<(int Source, ParsedFeed Feed)>(batch);
        var inserted = 0L;
        while (await feeds.WaitToReadAsync())
        {
            while (feeds.TryRead(out var feed))
            {
                pending.Add(feed);
                if (pending.Count == batch)
                {
                    inserted += await CommitAsync(pending);
                }
            }
        }

        // The last, partial batch once the fetches are done.
        inserted += await CommitAsync(pending);
        return inserted;

        async Task<long> CommitAsync(List<(int Source, ParsedFeed Feed)> feedsToStore)
        {
            if (feedsToStore.Count == 0)
            {
                return 0;
            }

            await using var transaction = await connection.BeginTransactionAsync();
            var rows = feedsToStore.SelectMany(f => f.Feed.Items.Select(i => new
            {
                SourceId = $"s{f.Source}", i.Guid, i.Title, i.Link, i.Summary, i.ContentHtml, Published = i.Published?.ToString("O", CultureInfo.InvariantCulture),
            }));
            var count = await connection.ExecuteAsync(Insert, rows, transaction);
            await transaction.CommitAsync();
            feedsToStore.Clear();
            return count;
        }
    }
}
