using System.Diagnostics.Metrics;
using FeedHub.Admin;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>PollMetrics on its own, over a real SQLite store and a fake clock.</summary>
public sealed class PollMetricsTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _services = new ServiceCollection()
            .AddMetrics()
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddSingleton<Database>(new SqliteDatabase("Data Source=feedhub.db", _directory.Path))
            .AddSingleton<Migrator>()
            .AddSingleton<ContentVersion>()
            .AddSingleton<SourceStore>()
            .AddSingleton<PollMetrics>()
            .BuildServiceProvider();
        await _services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _directory.Dispose();
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(_services.GetRequiredService<IMeterFactory>(), Product.Name, instrument, _time);

    private static FetchRecord Fetch(FetchOutcome outcome, int itemsNew = 0, int itemsUpdated = 0) => new()
    {
        SourceId = "a",
        StartedAt = DateTimeOffset.UnixEpoch,
        Duration = TimeSpan.FromMilliseconds(1500),
        Outcome = outcome,
        Bytes = 1234,
        ItemsNew = itemsNew,
        ItemsUpdated = itemsUpdated,
    };

    public static TheoryData<FetchOutcome, int, string?, string> Outcomes => new()
    {
        { FetchOutcome.Fetched, 2, null, "new_items" },
        { FetchOutcome.Fetched, 0, null, "no_new_items" },
        { FetchOutcome.NotModified, 0, null, "not_modified" },
        { FetchOutcome.RateLimited, 0, null, "rate_limited" },
        { FetchOutcome.Failed, 0, "Network", "network" },
        { FetchOutcome.Failed, 0, "Timeout", "timeout" },
        { FetchOutcome.Failed, 0, "Http4xx", "http_4xx" },
        { FetchOutcome.Failed, 0, "Http5xx", "http_5xx" },
        { FetchOutcome.Failed, 0, "Gone", "gone" },
        { FetchOutcome.Failed, 0, "Redirect", "redirect" },
        { FetchOutcome.Failed, 0, "TooLarge", "too_large" },
        { FetchOutcome.Failed, 0, "Parse", "parse" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void EveryPoll_IsCountedUnderOneOfAFixedSetOfOutcomes(FetchOutcome outcome, int itemsNew, string? error, string expected)
    {
        using var polls = Collect<long>("feedhub.polls");

        _services.GetRequiredService<PollMetrics>().RecordPoll(Fetch(outcome, itemsNew), error is null ? null : Enum.Parse<FetchErrorKind>(error));

        var poll = Assert.Single(polls.GetMeasurementSnapshot());
        Assert.Equal(1, poll.Value);
        Assert.Equal(("a", expected), (poll.Tags["source"], poll.Tags["outcome"]));
    }

    [Fact]
    public void APoll_RecordsItsDurationInSeconds_ItsBytes_AndItsItemsByKind()
    {
        using var duration = Collect<double>("feedhub.fetch.duration");
        using var bytes = Collect<long>("feedhub.fetched");
        using var items = Collect<long>("feedhub.items.ingested");

        _services.GetRequiredService<PollMetrics>().RecordPoll(Fetch(FetchOutcome.Fetched, itemsNew: 3, itemsUpdated: 2), null);

        Assert.Equal(1.5, duration.LastMeasurement!.Value);
        Assert.Equal(1234, bytes.LastMeasurement!.Value);
        Assert.Equal(
            [("new", 3L), ("updated", 2L)],
            items.GetMeasurementSnapshot().Select(m => ((string)m.Tags["kind"]!, m.Value)).Order());
    }

    [Fact]
    public async Task SourceGauges_ReadTheStoreOnceForAFewSeconds_OrUntilTheNextPoll()
    {
        var store = _services.GetRequiredService<SourceStore>();
        var metrics = _services.GetRequiredService<PollMetrics>();
        await store.CreateAsync(new Source { Id = "a", Url = "https://a.example/feed", Schedule = "1h" }, CancellationToken.None);
        metrics.ObserveSources(store);
        using var health = Collect<int>("feedhub.source.health");
        string Health()
        {
            health.Clear();
            health.RecordObservableInstruments();
            var source = Assert.Single(health.GetMeasurementSnapshot());
            return $"{source.Tags["health"]}/{source.Tags["last_outcome"]}";
        }

        Assert.Equal("never_polled/unknown", Health());

        // A change in the store shows once the read is two seconds old...
        await store.SetStatusAsync("a", SourceStatus.Paused, "test", CancellationToken.None);
        Assert.Equal("never_polled/unknown", Health());
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("paused/unknown", Health());

        // ...or at once after a poll.
        await store.SetStatusAsync("a", SourceStatus.Active, null, CancellationToken.None);
        metrics.RecordPoll(Fetch(FetchOutcome.NotModified), null);
        Assert.Equal("never_polled/not_modified", Health());
    }

    [Fact]
    public void BeforeTheStoreIsReady_ThereAreNoSourceGauges()
    {
        using var health = Collect<int>("feedhub.source.health");
        _ = _services.GetRequiredService<PollMetrics>();

        health.RecordObservableInstruments();

        Assert.Empty(health.GetMeasurementSnapshot());
    }
}
