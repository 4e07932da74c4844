using System.Data.Common;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;

namespace FeedHub.IntegrationTests.Polling;

/// <summary>The group commit on a real SQLite file: polls share transactions, yet each lands whole or not at all.</summary>
public sealed class PollWriterTests
{
    [Fact]
    public async Task APollThatCannotBeStored_FailsAlone_AndThePollsCommittedWithItLand()
    {
        await using var app = FeedHubApp.Start();
        var ids = await app.CreatePausedSourcesAsync("w", 12);

        // Queued together, so that they share commits: one names a source that does not exist, and
        // its items break the store's foreign key.
        var writer = app.Get<PollWriter>();
        var writes = ids.Take(6).Append("ghost").Concat(ids.Skip(6)).Select(id => writer.WriteAsync(Poll(id), CancellationToken.None)).ToList();
        var ghost = writes[6];
        await Assert.ThrowsAnyAsync<DbException>(() => ghost.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        var stored = await Task.WhenAll(writes.Where(w => w != ghost)).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.All(stored, fetch => Assert.Equal(3, fetch.ItemsNew));
        foreach (var id in ids)
        {
            Assert.Equal(3, await app.Get<ItemStore>().CountAsync(id, CancellationToken.None));
            Assert.Single(await app.Get<FetchLogStore>().ListAsync(id, 10, CancellationToken.None));
        }

        Assert.Empty(await app.Get<FetchLogStore>().ListAsync("ghost", 10, CancellationToken.None));
    }

    private static PollRecord Poll(string id)
    {
        var now = DateTimeOffset.UtcNow;
        return new PollRecord(
            new FetchRecord { SourceId = id, StartedAt = now, Duration = TimeSpan.Zero, Outcome = FetchOutcome.Fetched, HttpStatus = 200 },
            PollState.Never with { LastAttemptAt = now, LastSuccessAt = now, NextAttemptAt = now.AddHours(1), ScheduledAt = now.AddHours(1) },
            null,
            [.. Enumerable.Range(1, 3).Select(n => new Item { Guid = $"{id}-{n}", Title = $"Item {n}" })]);
    }
}
