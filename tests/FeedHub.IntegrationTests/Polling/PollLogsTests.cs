using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Polling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>Logs of a poll carry the source's id as a structured property, so they can be filtered by source.</summary>
public sealed class PollLogsTests : IntegrationTest
{

    protected override async ValueTask SetUpAsync() => await StartUpstreamAsync();

    [Fact]
    public async Task EveryLineOfAPoll_CarriesItsSourceId_AsAPropertyAndInItsScope()
    {
        Upstream.ServeFeed("ok.xml", Feeds.Numbered(2));
        var logs = new FakeLogCollector();
        await using var app = new FeedHubApp(
            settings: FeedHubApp.Sources(("ok", Upstream.Url("ok.xml")), ("refused", new Uri("http://127.0.0.1:1/feed.xml"))),
            services: services =>
            {
                // Beside FeedHub's own providers, as an operator's would be; the host hands it the scopes.
                services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(logs));

                // FeedHub keeps the upstream client quiet; its request lines stand here for any library's.
                services.AddHttpClient(FeedFetcher.HttpClientName).AddDefaultLogger();
            });
        _ = app.Server;
        await app.WaitForFetchesAsync("ok");
        await app.WaitForFetchesAsync("refused");

        var polled = await WaitForLogAsync(logs, r => r.Message.StartsWith("Polled ok", StringComparison.Ordinal));
        var failed = await WaitForLogAsync(logs, r => r.Message.StartsWith("Poll of refused failed", StringComparison.Ordinal));

        // The collector keeps a record's own properties as text (the values' invariant form).
        Assert.Equal(("ok", LogLevel.Information), (polled.GetStructuredStateValue("SourceId"), polled.Level));
        Assert.Equal("ok", ScopeValue(polled, "SourceId"));
        Assert.Equal(("refused", LogLevel.Warning), (failed.GetStructuredStateValue("SourceId"), failed.Level));
        Assert.Equal("refused", ScopeValue(failed, "SourceId"));
        Assert.Equal("1", failed.GetStructuredStateValue("ErrorStreak"));

        // A library's lines written during the poll, which know nothing of sources, carry it through the scope.
        var records = logs.GetSnapshot();
        var requests = records.Where(r => r.Category?.StartsWith("System.Net.Http.HttpClient.upstream", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(requests, r => r.Message.StartsWith("Received HTTP response headers", StringComparison.Ordinal) && (string?)ScopeValue(r, "SourceId") == "ok");
        Assert.All(requests, r => Assert.Equal(ScopeValue(r, "Uri")!.ToString()!.EndsWith("ok.xml", StringComparison.Ordinal) ? "ok" : "refused", ScopeValue(r, "SourceId")));

        // Lines written outside any poll carry none.
        Assert.Contains(records, r => r.Category == "FeedHub.Hosting.StorePreparation" && ScopeValue(r, "SourceId") is null);
    }

    private static async Task<FakeLogRecord> WaitForLogAsync(FakeLogCollector logs, Func<FakeLogRecord, bool> match)
    {
        await Eventually.TrueAsync(() => Task.FromResult(logs.GetSnapshot().Any(match)), "the log line");
        return logs.GetSnapshot().First(match);
    }

    /// <summary>A structured property of the innermost scope around the record that has it (the collector keeps scopes as they were begun, outermost first).</summary>
    private static object? ScopeValue(FakeLogRecord record, string name) =>
        record.Scopes.Reverse().OfType<IEnumerable<KeyValuePair<string, object?>>>().FirstOrDefault(s => s.Any(p => p.Key == name)) is { } scope
            ? scope.Last(p => p.Key == name).Value
            : null;
}
