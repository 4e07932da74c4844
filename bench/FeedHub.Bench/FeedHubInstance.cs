using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using FeedHub.Model;
using FeedHub.Storage;

namespace FeedHub.Bench;

/// <summary>
/// FeedHub as a user runs it: <c>dotnet FeedHub.dll --contentRoot DIR</c>, on a fresh content root that
/// holds its own appsettings.json, OPML file of sources, and the shipped sample articles.
/// </summary>
internal sealed class FeedHubInstance : IDisposable
{
    public const string ApiKey = "bench-admin-key-0123456789";

    // A section left out stays out of appsettings.json, so FeedHub's defaults apply.
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private FeedHubInstance(string root, int port, Launched process)
    {
        Root = root;
        Port = port;
        Process = process;
    }

    public string Root { get; }

    public int Port { get; }

    public Launched Process { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string Database => Path.Combine(Root, "data", "feedhub.db");

    /// <param name="sources">(id, url, schedule) of each source, written as OPML.</param>
    /// <param name="webSub">Settings of the <c>FeedHub:WebSub</c> section, if any differ from the defaults.</param>
    public static FeedHubInstance Start(BenchContext bench, string name, IReadOnlyList<(string Id, string Url, string Schedule)> sources, int concurrency = 8, object? webSub = null)
    {
        var root = Path.Combine(bench.WorkDirectory, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(Path.Combine(root, "feeds", "articles"));
        foreach (var article in Directory.GetFiles(Path.Combine(bench.Repository, "feeds", "articles"), "*.md"))
        {
            File.Copy(article, Path.Combine(root, "feeds", "articles", Path.GetFileName(article)));
        }

        XNamespace feedhub = "urn:feedhub:opml:1";
        new XDocument(new XElement("opml", new XAttribute("version", "2.0"), new XAttribute(XNamespace.Xmlns + "feedhub", feedhub),
            new XElement("head", new XElement("title", "bench")),
            new XElement("body", sources.Select(s => new XElement("outline",
                new XAttribute("type", "rss"), new XAttribute("text", s.Id), new XAttribute("xmlUrl", s.Url),
                new XAttribute(feedhub + "id", s.Id), new XAttribute(feedhub + "schedule", s.Schedule))))))
            .Save(Path.Combine(root, "feeds", "sources.opml"));

        var port = Launched.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var settings = new
        {
            Urls = url,
            Logging = new { LogLevel = new Dictionary<string, string> { ["Default"] = "Information", ["Microsoft.AspNetCore"] = "Warning", ["System.Net.Http.HttpClient"] = "Warning", ["Quartz"] = "Warning" } },
            FeedHub = new
            {
                PublicBaseUrl = url,
                Storage = new { Provider = "Sqlite", ConnectionString = "Data Source=data/feedhub.db" },
                SourcesOpml = "feeds/sources.opml",
                ArticlesPath = "feeds/articles",
                Channels = new object[]
                {
                    new { Id = "news", Title = "FeedHub News", Articles = true, Limit = 50 },
                    new { Id = "planet", Title = "FeedHub Planet", Sources = new[] { "*" }, Limit = 50 },
                },
                Polling = new { AllowPrivateNetworks = true, MaxConcurrency = concurrency, MaxConcurrencyPerHost = concurrency },
                Admin = new { ApiKey },
                WebSub = webSub,
            },
        };
        File.WriteAllText(Path.Combine(root, "appsettings.json"), JsonSerializer.Serialize(settings, Json));

        var process = Launched.Start(bench.FeedHubDll, ["--contentRoot", root], root, Path.Combine(root, "feedhub.log"));
        return new FeedHubInstance(root, port, process);
    }

    /// <summary>Waits until <paramref name="path"/> answers 200; returns how long that took from now.</summary>
    public async Task<TimeSpan> WaitUntilServingAsync(HttpClient client, string path, TimeSpan timeout) =>
        await WaitForOkAsync(client, BaseUrl + path, Process, timeout);

    public static async Task<TimeSpan> WaitForOkAsync(HttpClient client, string url, Launched process, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process serving {url} exited; see its log.");
            }

            try
            {
                using var response = await client.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"{url} did not answer 200 within {timeout}.");
    }

    public void Dispose() => Process.Dispose();
}
