using Microsoft.AspNetCore.Builder;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// FeedHub on a real socket (Kestrel on 127.0.0.1), started as its entry point starts it, for
/// clients that cannot go through the in-memory test server: a feed reader, a browser.
/// </summary>
public sealed class RunningFeedHub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningFeedHub(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public IServiceProvider Services => _app.Services;

    /// <summary>Where FeedHub listens, which is also its public base URL.</summary>
    public Uri BaseUrl { get; }

    public static async Task<RunningFeedHub> StartAsync(string contentRoot, IDictionary<string, string?> settings)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{Loopback.FreePort()}/");
        var args = new List<string> { "--contentRoot", contentRoot, "--urls", baseUrl.AbsoluteUri.TrimEnd('/') };
        var all = new Dictionary<string, string?>(settings) { ["FeedHub:PublicBaseUrl"] = baseUrl.AbsoluteUri, ["FeedHub:SourcesOpml"] = "" };
        args.AddRange(all.Select(s => $"--{s.Key}={s.Value}"));
        var app = FeedHub.Hosting.FeedHubApplication.Build([.. args]);
        await app.StartAsync();
        return new RunningFeedHub(app, baseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
