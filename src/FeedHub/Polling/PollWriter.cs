using System.Threading.Channels;
using FeedHub.Model;
using FeedHub.Storage;

namespace FeedHub.Polling;

/// <summary>
/// The one writer of poll results (group commit). Polls hand their records to a bounded queue; one
/// loop takes whatever has queued up, at most <see cref="MaxBatch"/>, and commits it in one
/// transaction, so a thousand polls cost a few dozen commits rather than a thousand, and fetching
/// never waits for the store's write lock. A poll stays all or nothing: when a shared commit fails,
/// each of its polls is committed again alone, and only the one at fault fails.
/// The loop starts with the first write, so a command that polls once needs no hosted service.
/// </summary>
internal sealed partial class PollWriter(PollStore store, ILogger<PollWriter> logger) : IAsyncDisposable
{
    /// <summary>Enough to share a commit among a busy cycle's polls, small enough that one commit stays short.</summary>
    private const int MaxBatch = 64;

    // Fetches that outrun the store wait here rather than pile up results in memory.
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(4 * MaxBatch) { SingleReader = true });
    private readonly Lock _starting = new();
    private Task? _loop;

    /// <summary>Commits one poll's record (with others queued at the same time).</summary>
    /// <returns>Its fetch-log row, with its item counts.</returns>
    /// <exception cref="Exception">The commit of this poll, tried alone, failed.</exception>
    public async Task<FetchRecord> WriteAsync(PollRecord poll, CancellationToken cancellationToken)
    {
        lock (_starting)
        {
            _loop ??= Task.Run(WriteLoopAsync, CancellationToken.None);
        }

        var pending = new Pending(poll, new TaskCompletionSource<FetchRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);

        // Once queued it is committed whether or not the caller still waits: its fetch happened.
        return await pending.Done.Task;
    }

    /// <summary>Commits what is queued, then ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? loop;
        lock (_starting)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop;
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                var fetches = await store.RecordAsync([.. batch.Select(p => p.Poll)], CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(fetches[i]);
                }
            }
            catch (Exception e) when (batch.Count == 1)
            {
                batch[0].Done.TrySetException(e);
            }
            catch (Exception shared)
            {
                LogBatchFailed(shared, batch.Count);
                foreach (var pending in batch)
                {
                    await CommitAloneAsync(pending);
                }
            }

            batch.Clear();
        }
    }

    private async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            pending.Done.TrySetResult(await store.RecordAsync(pending.Poll, CancellationToken.None));
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e);
        }
    }

    private sealed record Pending(PollRecord Poll, TaskCompletionSource<FetchRecord> Done);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A commit of {Polls} polls failed; committing each alone")]
    private partial void LogBatchFailed(Exception exception, int polls);
}
