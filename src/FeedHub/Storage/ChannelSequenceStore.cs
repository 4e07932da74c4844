using System.Collections.Concurrent;
using Dapper;

namespace FeedHub.Storage;

/// <summary>Numbers each channel's entries once, in the order the channel first published them, and never again.</summary>
internal sealed class ChannelSequenceStore(Database database) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, Numbering> _known = new(StringComparer.Ordinal);

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

            // The numbers are never changed or taken back, so this process keeps those it has seen and
            // reads only the ones numbered since (by another node), not the channel's whole history each time.
            var cache = _known.GetOrAdd(channelId, _ => new Numbering());
            foreach (var (key, sequence) in await connection.QueryAsync<(string Key, long Sequence)>(new CommandDefinition(
                "SELECT entry_key, sequence FROM channel_entries WHERE channel_id = @channelId AND sequence > @last",
                new { channelId, last = cache.Last },
                transaction,
                cancellationToken: cancellationToken)))
            {
                cache.Add(key, sequence);
            }

            var next = cache.Last + 1;
            var added = keysInArrivalOrder.Where(k => !cache.Numbers.ContainsKey(k)).Distinct(StringComparer.Ordinal).Select(k => new { channelId, key = k, sequence = next++ }).ToList();
            if (added.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO channel_entries (channel_id, entry_key, sequence) VALUES (@channelId, @key, @sequence)",
                    added,
                    transaction,
                    cancellationToken: cancellationToken));
            }

            await transaction.CommitAsync(cancellationToken);

            // Only numbers that are committed join what this process knows.
            foreach (var row in added)
            {
                cache.Add(row.key, row.sequence);
            }

            var numbers = new Dictionary<string, long>(keysInArrivalOrder.Count, StringComparer.Ordinal);
            foreach (var key in keysInArrivalOrder)
            {
                numbers[key] = cache.Numbers[key];
            }

            return numbers;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>A channel's numbers known to this process, and the highest of them; used under the gate only.</summary>
    private sealed class Numbering
    {
        public Dictionary<string, long> Numbers { get; } = new(StringComparer.Ordinal);

        public long Last { get; private set; }

        public void Add(string key, long sequence)
        {
            Numbers[key] = sequence;
            Last = Math.Max(Last, sequence);
        }
    }
}
