using Dapper;

namespace FeedHub.Storage;

/// <summary>Numbers each channel's entries once, in the order the channel first published them, and never again.</summary>
internal sealed class ChannelSequenceStore(Database database) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// The sequence number of every key, giving keys seen for the first time the next numbers in the
    /// order they are listed.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> NumberAsync(string channelId, IReadOnlyList<string> keysInArrivalOrder, CancellationToken cancellationToken)
    {
        // Two requests numbering the same new entries must not race for the same numbers: the gate
        // orders this process's requests, the dialect's lock those of other nodes sharing the store.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var writing = await database.EnterWriteAsync(cancellationToken);
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (database.Dialect.TransactionLock is { } lockStatement)
            {
                await connection.ExecuteAsync(new CommandDefinition(lockStatement, new { lockName = $"feedhub:channel:{channelId}" }, transaction, cancellationToken: cancellationToken));
            }

            var known = (await connection.QueryAsync<(string Key, long Sequence)>(new CommandDefinition(
                    "SELECT entry_key, sequence FROM channel_entries WHERE channel_id = @channelId",
                    new { channelId },
                    transaction,
                    cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Key, r => r.Sequence, StringComparer.Ordinal);

            var next = known.Count == 0 ? 1 : known.Values.Max() + 1;
            var added = keysInArrivalOrder.Where(k => !known.ContainsKey(k)).Distinct(StringComparer.Ordinal).Select(k => new { channelId, key = k, sequence = next++ }).ToList();
            if (added.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO channel_entries (channel_id, entry_key, sequence) VALUES (@channelId, @key, @sequence)",
                    added,
                    transaction,
                    cancellationToken: cancellationToken));
                foreach (var row in added)
                {
                    known[row.key] = row.sequence;
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return known;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
