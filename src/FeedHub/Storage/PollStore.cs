using FeedHub.Model;
using Microsoft.Extensions.Options;

namespace FeedHub.Storage;

/// <summary>
/// Commits everything one poll learnt in one transaction: its items, its source's new state and its
/// fetch-log row. A process killed mid-poll leaves either all of it or none of it.
/// </summary>
internal sealed class PollStore(Database database, IOptions<StorageOptions> options)
{
    public async Task<FetchRecord> RecordAsync(PollRecord poll, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var (inserted, updated) = poll.Items.Count == 0
            ? (0, 0)
            : await ItemStore.UpsertAsync(connection, transaction, database.Dialect, poll.Fetch.SourceId, poll.Items, poll.Fetch.StartedAt, cancellationToken);
        var fetch = poll.Fetch with { ItemsSeen = poll.Items.Count, ItemsNew = inserted, ItemsUpdated = updated };

        await SourceStore.UpdateAfterPollAsync(connection, transaction, fetch.SourceId, poll.State, poll.Feed, poll.Change, cancellationToken);
        await FetchLogStore.AppendAsync(connection, transaction, fetch, options.Value.FetchHistoryPerSource, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return fetch;
    }

    /// <summary>Stores pushed items and the push's fetch-log row in one transaction; the source's poll state is not touched.</summary>
    public async Task<FetchRecord> RecordPushAsync(FetchRecord push, IReadOnlyList<Item> items, CancellationToken cancellationToken)
    {
        await using var writing = await database.EnterWriteAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (inserted, updated) = items.Count == 0
            ? (0, 0)
            : await ItemStore.UpsertAsync(connection, transaction, database.Dialect, push.SourceId, items, push.StartedAt, cancellationToken);
        var fetch = push with { ItemsSeen = items.Count, ItemsNew = inserted, ItemsUpdated = updated };
        await FetchLogStore.AppendAsync(connection, transaction, fetch, options.Value.FetchHistoryPerSource, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return fetch;
    }
}

/// <param name="Fetch">The attempt; its item counts are filled in here.</param>
/// <param name="State">The source's state after the attempt.</param>
/// <param name="Feed">What the feed said about itself, when it parsed.</param>
/// <param name="Items">The parsed items, empty unless the fetch succeeded.</param>
/// <param name="Change">A permanent move or retirement the poll decided, if any.</param>
internal sealed record PollRecord(FetchRecord Fetch, PollState State, ParsedFeedInfo? Feed, IReadOnlyList<Item> Items, SourceChange? Change = null);
