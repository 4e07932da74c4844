using FeedHub.Model;
using Microsoft.Extensions.Options;

namespace FeedHub.Storage;

/// <summary>
/// Commits everything a poll learnt in one transaction: its items, its source's new state and its
/// fetch-log row. Several polls may share one transaction (the poll writer's group commit); each is
/// still all or nothing, since the transaction is. A process killed mid-commit leaves none of them.
/// </summary>
internal sealed class PollStore(Database database, ContentVersion content, IOptions<StorageOptions> options)
{
    /// <returns>The poll's fetch-log row with its item counts.</returns>
    public async Task<FetchRecord> RecordAsync(PollRecord poll, CancellationToken cancellationToken) =>
        (await RecordAsync([poll], cancellationToken))[0];

    /// <returns>Each poll's fetch-log row with its item counts, in the order given.</returns>
    public async Task<IReadOnlyList<FetchRecord>> RecordAsync(IReadOnlyList<PollRecord> polls, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lastItem = await ItemStore.LastIdAsync(connection, transaction, database.Dialect, cancellationToken);

        var fetches = new List<FetchRecord>(polls.Count);
        foreach (var poll in polls)
        {
            var (inserted, updated) = poll.Items.Count == 0
                ? (0, 0)
                : await ItemStore.UpsertAsync(connection, transaction, database.Dialect, poll.Fetch.SourceId, poll.Items, poll.Fetch.StartedAt, cancellationToken);
            var fetch = poll.Fetch with { ItemsSeen = poll.Items.Count, ItemsNew = inserted, ItemsUpdated = updated };

            await SourceStore.UpdateAfterPollAsync(connection, transaction, fetch.SourceId, poll.State, poll.Feed, poll.Change, poll.Schedule, cancellationToken);
            await FetchLogStore.AppendAsync(connection, transaction, fetch, options.Value.FetchHistoryPerSource, cancellationToken);
            fetches.Add(fetch);
        }

        await ItemStore.IndexNewAsync(connection, transaction, database.Dialect, lastItem, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // A 304 or a failure changes nothing a feed shows; a parsed document, a move or a retirement may.
        if (polls.Any(p => p.Change is not null || p.HubChanged))
        {
            content.SourcesChanged();
        }
        else if (polls.Any(p => p.Feed is not null))
        {
            content.Changed();
        }

        return fetches;
    }

    /// <summary>Stores pushed items and the push's fetch-log row in one transaction; the source's poll state is not touched.</summary>
    public async Task<FetchRecord> RecordPushAsync(FetchRecord push, IReadOnlyList<Item> items, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lastItem = await ItemStore.LastIdAsync(connection, transaction, database.Dialect, cancellationToken);
        var (inserted, updated) = items.Count == 0
            ? (0, 0)
            : await ItemStore.UpsertAsync(connection, transaction, database.Dialect, push.SourceId, items, push.StartedAt, cancellationToken);
        await ItemStore.IndexNewAsync(connection, transaction, database.Dialect, lastItem, cancellationToken);
        var fetch = push with { ItemsSeen = items.Count, ItemsNew = inserted, ItemsUpdated = updated };
        await FetchLogStore.AppendAsync(connection, transaction, fetch, options.Value.FetchHistoryPerSource, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (inserted + updated > 0)
        {
            content.Changed();
        }

        return fetch;
    }
}

/// <param name="Fetch">The attempt; its item counts are filled in here.</param>
/// <param name="State">The source's state after the attempt.</param>
/// <param name="Feed">What the feed said about itself, when it parsed.</param>
/// <param name="Items">The parsed items, empty unless the fetch succeeded.</param>
/// <param name="Change">A permanent move or retirement the poll decided, if any.</param>
/// <param name="Schedule">The schedule the next attempt was computed from: if an operator changed it while the poll ran, the time their change set stands.</param>
/// <param name="HubChanged">The feed now advertises another WebSub hub or topic than the source had: the subscriber must look again.</param>
internal sealed record PollRecord(FetchRecord Fetch, PollState State, ParsedFeedInfo? Feed, IReadOnlyList<Item> Items, SourceChange? Change = null, string? Schedule = null, bool HubChanged = false);
