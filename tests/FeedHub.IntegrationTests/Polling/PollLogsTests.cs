using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>Logs of a poll carry the source's id as a structured property, so they can be filtered by source.</summary>
public sealed class PollLogsTests : IAsyncLifetime
{
    private TestUpstream _upstream = null!;

    public async ValueTask InitializeAsync() => _upstream = await TestUpstream.StartAsync();

    public async ValueTask DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task EveryLineOfAPoll_CarriesItsSourceId_AsAPropertyAndInItsScope()
    {
        _upstream.ServeFeed("ok.xml", Feeds.Numbered(2));
        var logs = new LogCapture();
        await using var app = new FeedHubApp(
            settings: FeedHubApp.Sources(("ok", _upstream.Url("ok.xml")), ("refused", new Uri("http://127.0.0.1:1/feed.xml"))),
            services: services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);

                // FeedHub keeps the upstream client quiet; its request lines stand here for any library's.
                services.AddHttpClient(FeedFetcher.HttpClientName).AddDefaultLogger();
            });
        _ = app.Server;
        await app.WaitForFetchesAsync("ok");
        await app.WaitForFetchesAsync("refused");

        var polled = await WaitForLogAsync(logs, r => r.Message.StartsWith("Polled ok", StringComparison.Ordinal));
        var failed = await WaitForLogAsync(logs, r => r.Message.StartsWith("Poll of refused failed", StringComparison.Ordinal));

        Assert.Equal(("ok", LogLevel.Information), (polled.Properties["SourceId"], polled.Level));
        Assert.Equal("ok", polled.ScopeValue("SourceId"));
        Assert.Equal(("refused", LogLevel.Warning), (failed.Properties["SourceId"], failed.Level));
        Assert.Equal("refused", failed.ScopeValue("SourceId"));
        Assert.Equal(1, failed.Properties["ErrorStreak"]);

        // A library's lines written during the poll, which know nothing of sources, carry it through the scope.
        var requests = logs.Records.Where(r => r.Category.StartsWith("System.Net.Http.HttpClient.upstream", StringComparison.Ordinal)).ToList();
        Assert.Contains(requests, r => r.Message.StartsWith("Received HTTP response headers", StringComparison.Ordinal) && (string?)r.ScopeValue("SourceId") == "ok");
        Assert.All(requests, r => Assert.Equal(r.ScopeValue("Uri")!.ToString()!.EndsWith("ok.xml", StringComparison.Ordinal) ? "ok" : "refused", r.ScopeValue("SourceId")));

        // Lines written outside any poll carry none.
        Assert.Contains(logs.Records, r => r.Category == "FeedHub.Hosting.StorePreparation" && r.ScopeValue("SourceId") is null);
    }

    private static async Task<CapturedLog> WaitForLogAsync(LogCapture logs, Func<CapturedLog, bool> match)
    {
        await Eventually.TrueAsync(() => Task.FromResult(logs.Records.Any(match)), "the log line");
        return logs.Records.First(match);
    }
}
