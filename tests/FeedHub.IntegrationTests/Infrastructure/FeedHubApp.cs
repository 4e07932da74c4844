using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// FeedHub itself, hosted in the test with its own content root (a temporary folder holding its SQLite
/// file) and configuration given in memory. Restarting on the same content root is a real restart.
/// </summary>
public sealed class FeedHubApp : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key-0123456789abcdef";

    private readonly Dictionary<string, string?> _settings;
    private readonly TestDirectory? _ownDirectory;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="contentRoot">A folder the caller owns (to restart on it), or null for one of the app's own, deleted with it.</param>
    /// <param name="services">Replaces services after FeedHub registered its own (a fake clock, say).</param>
    public FeedHubApp(string? contentRoot = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _ownDirectory = contentRoot is null ? new TestDirectory() : null;
        ContentRoot = contentRoot ?? _ownDirectory!.Path;
        _settings = WithDefaults(settings);
    }

    public string ContentRoot { get; }

    /// <summary>FeedHub with its host started: migrations run, sources declared, the schedule set.</summary>
    public static FeedHubApp Start(string? contentRoot = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var app = new FeedHubApp(contentRoot, settings, services);
        try
        {
            _ = app.Server;
            return app;
        }
        catch
        {
            // A start that fails still leaves its own content root to delete.
            app.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts FeedHub as its entry point does, from host arguments, expecting start-up to be refused;
    /// returns why. (The WebApplicationFactory reports a failed start less reliably.)
    /// </summary>
    public static async Task<Exception> StartFailureAsync(IDictionary<string, string?> settings, string? contentRoot = null)
    {
        using var ownDirectory = contentRoot is null ? new TestDirectory() : null;
        var args = new List<string> { "--contentRoot", contentRoot ?? ownDirectory!.Path, "--urls", "http://127.0.0.1:0" };
        args.AddRange(WithDefaults(settings).Select(s => $"--{s.Key}={s.Value}"));
        await using var host = FeedHub.Hosting.FeedHubApplication.Build([.. args]);
        return await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>What every test app runs with: its own SQLite file, no OPML, loopback upstreams allowed, an admin key.</summary>
    private static Dictionary<string, string?> WithDefaults(IDictionary<string, string?>? settings)
    {
        return new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["FeedHub:Storage:ConnectionString"] = "Data Source=data/feedhub.db",
            ["FeedHub:SourcesOpml"] = "",
            ["FeedHub:Polling:AllowPrivateNetworks"] = "true",
            ["FeedHub:Polling:DefaultSchedule"] = "1h",
            ["FeedHub:Admin:ApiKey"] = ApiKey,
        }.With(settings);
    }

    /// <summary>Declares sources in <c>FeedHub:Sources</c>, as an operator would in appsettings.json.</summary>
    public static Dictionary<string, string?> Sources(params (string Id, Uri Url)[] sources)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < sources.Length; i++)
        {
            settings[$"FeedHub:Sources:{i}:Id"] = sources[i].Id;
            settings[$"FeedHub:Sources:{i}:Url"] = sources[i].Url.AbsoluteUri;
        }

        return settings;
    }

    public HttpClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>When the store, which is the schedule, says the source is next polled: null unless it is active.</summary>
    public async Task<DateTimeOffset?> NextPollAsync(string sourceId) =>
        await Get<SourceStore>().GetAsync(sourceId, CancellationToken.None) is { Status: Model.SourceStatus.Active } source ? source.State.NextAttemptAt : null;

    /// <summary>Creates <paramref name="count"/> sources (prefix1, prefix2, …) that only the test polls: paused, so that the server's dispatcher leaves them to it.</summary>
    public async Task<List<string>> CreatePausedSourcesAsync(string prefix, int count)
    {
        var sources = Get<SourceStore>();
        var ids = Enumerable.Range(1, count).Select(i => $"{prefix}{i}").ToList();
        foreach (var id in ids)
        {
            await sources.CreateAsync(new Source { Id = id, Url = $"https://{id}.example/feed", Schedule = "1h" }, CancellationToken.None);
            await sources.SetStatusAsync(id, Model.SourceStatus.Paused, "Written by the test.", CancellationToken.None);
        }

        return ids;
    }

    /// <summary>Waits until the source has at least <paramref name="count"/> fetches in its log.</summary>
    public async Task<IReadOnlyList<FetchRecord>> WaitForFetchesAsync(string sourceId, int count = 1)
    {
        var log = Get<FetchLogStore>();
        IReadOnlyList<FetchRecord> fetches = [];
        await Eventually.TrueAsync(async () => (fetches = await log.ListAsync(sourceId, 100, CancellationToken.None)).Count >= count, $"{count} fetch(es) of {sourceId}");
        return fetches;
    }

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        using var client = Admin();
        return await client.GetFromJsonAsync<JsonElement>(url);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _ownDirectory?.Dispose();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(ContentRoot);
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
