using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace FeedHub.Bench;

/// <summary>
/// The baseline of B3: a plain HttpClient loop fetching the same URLs at the same concurrency, twice,
/// the second time with the ETags of the first. Prints one line per cycle: wall seconds, CPU seconds.
/// </summary>
internal static class FetchLoop
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var baseUrl = options.Require("base");
        var feeds = options.Int("feeds", 10_000);
        var concurrency = options.Int("concurrency", 8);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        var etags = new string?[feeds + 1];
        var process = Process.GetCurrentProcess();

        for (var cycle = 1; cycle <= 2; cycle++)
        {
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var failures = 0;
            await Parallel.ForEachAsync(Enumerable.Range(1, feeds), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, token) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/f/{n}.xml");
                if (etags[n] is { } etag)
                {
                    request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
                }

                using var response = await client.SendAsync(request, token);
                var body = await response.Content.ReadAsByteArrayAsync(token);
                if (response.IsSuccessStatusCode)
                {
                    etags[n] = response.Headers.ETag?.ToString();
                }
                else if (response.StatusCode != System.Net.HttpStatusCode.NotModified)
                {
                    Interlocked.Increment(ref failures);
                }

                GC.KeepAlive(body);
            });
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cycle {cycle} {wall.Elapsed.TotalSeconds:F3} {(process.TotalProcessorTime - cpu).TotalSeconds:F3} {failures}"));
        }

        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        Console.WriteLine($"peak {peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]}");
        return 0;
    }
}
