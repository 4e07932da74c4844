using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Storage;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>
/// A channel's entry numbers, as two processes sharing one store see them: each keeps the numbers it
/// has seen, so it must still pick up those the other gave meanwhile and never hand out one twice.
/// </summary>
public abstract class ChannelSequenceStoreTests(StorageProvider provider) : IntegrationTest
{
    private FeedHubApp _first = null!;
    private FeedHubApp _second = null!;

    protected override async ValueTask SetUpAsync()
    {
        var store = await CreateStoreAsync(provider);
        _first = StartApp(settings: store.Settings);
        _second = StartApp(settings: store.Settings);
    }

    [Fact]
    public async Task NumbersGivenByAnotherProcess_AreKept_AndTheNextOnesFollowThem()
    {
        var first = _first.Get<ChannelSequenceStore>();
        var second = _second.Get<ChannelSequenceStore>();

        var a = await first.NumberAsync("bench", ["k1", "k2"], Token);
        var b = await second.NumberAsync("bench", ["k1", "k2", "k3"], Token);
        var c = await first.NumberAsync("bench", ["k1", "k2", "k3", "k4"], Token);
        var again = await first.NumberAsync("bench", ["k4", "k1"], Token);

        Assert.Equal([1L, 2L], [a["k1"], a["k2"]]);
        Assert.Equal([1L, 2L, 3L], [b["k1"], b["k2"], b["k3"]]);
        Assert.Equal([1L, 2L, 3L, 4L], [c["k1"], c["k2"], c["k3"], c["k4"]]);
        Assert.Equal([4L, 1L], [again["k4"], again["k1"]]);
        Assert.Equal(1L, (await second.NumberAsync("other", ["k4"], Token))["k4"]);
    }
}

public sealed class SqliteChannelSequenceStoreTests() : ChannelSequenceStoreTests(StorageProvider.Sqlite);

public sealed class PostgresChannelSequenceStoreTests() : ChannelSequenceStoreTests(StorageProvider.Postgres);
