using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Storage;

namespace FeedHub.IntegrationTests.Storage;

/// <summary>
/// Items written by a poll and read back, on each engine: the parts where the SQL differs (full-text
/// search, times) must answer the same.
/// </summary>
public abstract class ItemStoreTests(StorageProvider provider) : IntegrationTest
{
    private FeedHubApp _app = null!;

    protected override async ValueTask SetUpAsync()
    {
        _app = await StartAppOnStoreAsync(provider);
        await _app.Get<SourceStore>().CreateAsync(new Source { Id = "up", Url = "https://up.example/feed", Schedule = "1h" }, Token);
    }

    private Task<FetchRecord> PollAsync(DateTimeOffset at, params Item[] items) =>
        _app.Get<PollStore>().RecordAsync(
            new PollRecord(new FetchRecord { SourceId = "up", StartedAt = at, Duration = TimeSpan.FromSeconds(1), Outcome = FetchOutcome.Fetched }, PollState.Never, null, items),
            Token);

    private async Task<IReadOnlyList<string?>> SearchAsync(string text) =>
        (await _app.Get<ItemStore>().QueryAsync(new ItemQuery(null, null, 50, text), Token)).Items.Select(i => i.Item.Guid).ToList();

    [Fact]
    public async Task Search_FindsItemsWithEveryWord_ThePrefixOfTheLast_AndNoOperatorSyntax()
    {
        await PollAsync(
            Noon,
            new Item { Guid = "a", Title = "Robots learn to walk", Summary = "A lab in Zurich" },
            new Item { Guid = "b", Title = "Robotics funding", ContentHtml = "<p>Zurich startups raise money</p>" },
            new Item { Guid = "c", Title = "Weather", Summary = "Rain in Oslo, it's wet" });

        Assert.Equal(["a"], await SearchAsync("robots zurich"));
        Assert.Equal(["a", "b"], (await SearchAsync("robo* ")).Order());
        Assert.Equal(["b"], await SearchAsync("ZURICH startups"));
        Assert.Empty(await SearchAsync("robots oslo"));

        // Quotes, operators and backslashes are words, never query syntax.
        Assert.Empty(await SearchAsync("\"robots\" OR | & ! ( \\ 'x"));
        Assert.Equal(["c"], await SearchAsync("it's"));
    }

    [Fact]
    public async Task Pages_FollowTheCursor_NewestFirst_WithoutGapsOrRepeats_AndTimesComeBackInUtc()
    {
        var items = Enumerable.Range(1, 7)
            .Select(i => new Item { Guid = $"i{i}", Title = $"Story {i}", Published = new DateTimeOffset(2026, 11, 20 + (i / 2), 8, 0, 0, TimeSpan.FromHours(2)).AddTicks(i * 10) })
            .ToArray();
        await PollAsync(Noon, items);

        var store = _app.Get<ItemStore>();
        var seen = new List<StoredItem>();
        ItemCursor? cursor = null;
        do
        {
            var page = await store.QueryAsync(new ItemQuery("up", null, 3, After: cursor is null ? null : ItemCursor.TryDecode(cursor.Encode(), out var decoded) ? decoded : null), Token);
            seen.AddRange(page.Items);
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(string.Join(",", items.OrderByDescending(i => i.Published).ThenByDescending(i => i.Guid).Select(i => $"{i.Guid}@{i.Published!.Value.ToUniversalTime():o}")), string.Join(",", seen.Select(s => $"{s.Item.Guid}@{s.Item.Published:o}")));
        Assert.All(seen, s => Assert.Equal(TimeSpan.Zero, s.Item.Published!.Value.Offset));
        Assert.Equal(items.Select(i => i.Published!.Value.UtcDateTime).Order(), seen.Select(s => s.Item.Published!.Value.UtcDateTime).Order());
    }

    [Fact]
    public async Task AnEditWithoutANewDate_StillMovesUpdated()
    {
        var first = new Item { Guid = "e", Title = "Draft", Updated = Noon };
        await PollAsync(Noon, first);

        // Polled again at the same instant: the edit must still show as a later update.
        var fetch = await PollAsync(Noon, first with { Title = "Final" });

        var stored = (await _app.Get<ItemStore>().QueryAsync(new ItemQuery("up", null, 10), Token)).Items.Single();
        Assert.Equal((0, 1), (fetch.ItemsNew, fetch.ItemsUpdated));
        Assert.Equal("Final", stored.Item.Title);
        Assert.True(stored.Item.Updated > Noon, $"updated {stored.Item.Updated:o} moved past {Noon:o}");
    }

    [Fact]
    public async Task ALargePoll_InsertsTheNew_UpdatesTheEdited_AndLeavesTheRest_AcrossEveryLookupBatch()
    {
        // More items than one lookup of stored identities takes, so items of every batch are matched.
        var items = Enumerable.Range(1, 1_234)
            .Select(i => new Item { Guid = $"g{i}", Title = $"Story {i}", Categories = i % 3 == 0 ? ["tech"] : [], Authors = i % 5 == 0 ? [new ItemAuthor("Ann", null, null)] : [], Published = Noon.AddMinutes(-i) })
            .ToList();
        var first = await PollAsync(Noon, [.. items, items[0] with { Title = "A duplicate merges into the first" }]);

        var edited = items.Select(i => i.Guid is "g7" or "g777" or "g1234" ? i with { Title = i.Title + " (edited)" } : i).Append(new Item { Guid = "g-new", Title = "Fresh" }).ToArray();
        var second = await PollAsync(Noon.AddHours(1), edited);
        var third = await PollAsync(Noon.AddHours(2), edited);

        var store = _app.Get<ItemStore>();
        var stored = await store.QueryAsync(new ItemQuery("up", null, 2_000), Token);
        Assert.Equal((1_234, 0), (first.ItemsNew, first.ItemsUpdated));
        Assert.Equal((1, 3), (second.ItemsNew, second.ItemsUpdated));
        Assert.Equal((0, 0), (third.ItemsNew, third.ItemsUpdated));
        Assert.Equal(1_235, await store.CountAsync("up", Token));
        var byGuid = stored.Items.ToDictionary(i => i.Item.Guid!);
        Assert.Equal("Story 1", byGuid["g1"].Item.Title);
        Assert.Equal("Story 777 (edited)", byGuid["g777"].Item.Title);
        Assert.Equal(["tech"], byGuid["g999"].Item.Categories);
        Assert.Equal("Ann", byGuid["g1000"].Item.Authors.Single().Name);
        Assert.Equal(Noon.AddMinutes(-1000), byGuid["g1000"].Item.Published);
    }

    [Fact]
    public async Task LookupsBySet_TakeAnyCollection_AsChannelsPassThem()
    {
        await PollAsync(
            Noon,
            new Item { Guid = "x", Title = "One", Link = "https://up.example/1" },
            new Item { Guid = "y", Title = "Two", Link = "https://up.example/2" });
        var store = _app.Get<ItemStore>();

        // A channel passes the keys of its chosen sources, not a list: Npgsql writes only arrays and lists.
        var chosen = new Dictionary<string, int> { ["up"] = 0, ["gone"] = 1 };
        var arrivals = await store.ArrivalOrderAsync(chosen.Keys, Token);
        var linked = await store.FindByLinksAsync(new HashSet<string> { "https://up.example/2", "https://up.example/none" }, Token);
        var many = await store.GetManyAsync(arrivals.Select(a => a.Id).ToHashSet(), Token);

        Assert.Equal(2, arrivals.Count);
        Assert.Equal(["y"], linked.Select(i => i.Item.Guid));
        Assert.Equal(["x", "y"], many.Select(i => i.Item.Guid).Order());
    }
}

public sealed class SqliteItemStoreTests() : ItemStoreTests(StorageProvider.Sqlite);

public sealed class PostgresItemStoreTests() : ItemStoreTests(StorageProvider.Postgres);
