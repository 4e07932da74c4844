using System.Collections.Concurrent;
using FeedHub.Model;
using FeedHub.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedHub.Polling;

/// <summary>
/// Hands due sources to a bounded pool of polls. The store is the schedule: this claims the earliest
/// due sources (<see cref="SourceStore.ClaimDueAsync"/>), no more than it can start soon, and polls
/// each within <see cref="PollingOptions.MaxConcurrency"/> (the fetcher keeps the per-host limit).
/// It dispatches every second on each node; an operator's change and every finished poll wake it
/// too, so a busy cycle never waits for the next second. Each node keeps its own second (a clustered
/// job fires on one node at a time, and that node took every poll), and the claims keep each due
/// poll on one node. It runs only in the server: a command's host never starts it, and a command's
/// changes are seen at the server's next dispatch.
/// </summary>
internal sealed partial class PollDispatcher(
    SourceStore sources,
    SourcePoller poller,
    ISchedulerFactory schedulers,
    IOptions<PollingOptions> options,
    TimeProvider time,
    ILogger<PollDispatcher> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // Every line logged during a poll, by FeedHub or by a library it calls, carries the source's id.
    private static readonly Func<ILogger, string, IDisposable?> PollScope = LoggerMessage.DefineScope<string>("Poll of {SourceId}");

    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _dispatching = new(1, 1);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private SemaphoreSlim _slots = null!;
    // This node's name on its claims: Quartz's scheduler instance id, unique in a cluster. Null until started.
    private string? _node;
    private int _inHand;
    private int _wanted;
    private Task _ticking = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var node = (await schedulers.GetScheduler(cancellationToken)).SchedulerInstanceId;

        // Claims this node left when it was killed (a single node's id does not change between runs).
        await sources.ReleaseClaimsAsync(node, id: null, cancellationToken);
        _slots = new SemaphoreSlim(options.Value.MaxConcurrency);
        Volatile.Write(ref _node, node);
        _ticking = TickAsync();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _node) is not { } node)
        {
            return;
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values.Append(_ticking)).WaitAsync(cancellationToken);

        // What was claimed and not polled goes back at once, not when the claims lapse. A host that
        // disposed the store first (a test host can) leaves them to lapse, or to this node's next start.
        try
        {
            await sources.ReleaseClaimsAsync(node, id: null, cancellationToken);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        // A host disposed without being stopped has nothing more to stop.
        Volatile.Write(ref _node, null);
        _stopping.Dispose();
        _dispatching.Dispose();
        _slots?.Dispose();
    }

    /// <summary>Dispatches soon, on another thread: after an operator's change, or when a poll frees a slot.</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _node) is not null)
        {
            _ = Task.Run(() => DispatchAsync(_stopping.Token));
        }
    }

    /// <summary>Dispatches now, then every <see cref="Interval"/>, until the server stops.</summary>
    private async Task TickAsync()
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await DispatchAsync(_stopping.Token);
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    /// <summary>Claims due sources and starts their polls, until nothing is due or the pool is full.</summary>
    public async Task DispatchAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _node) is not { } node || _stopping.IsCancellationRequested)
        {
            return;
        }

        // One dispatch at a time; a call that finds one running leaves it a note to look once more.
        Interlocked.Exchange(ref _wanted, 1);
        while (Volatile.Read(ref _wanted) == 1 && _dispatching.Wait(0, CancellationToken.None))
        {
            try
            {
                while (Interlocked.Exchange(ref _wanted, 0) == 1)
                {
                    await ClaimAndStartAsync(node, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A busy or briefly unreachable store: the next second's dispatch tries again.
                LogDispatchFailed(e);
                return;
            }
            finally
            {
                _dispatching.Release();
            }
        }
    }

    private async Task ClaimAndStartAsync(string node, CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // A pool's worth running and as many more in hand, so that a slot that frees has its next poll ready.
        var capacity = 2 * settings.MaxConcurrency;
        for (var room = capacity - Volatile.Read(ref _inHand); room > 0; room = capacity - Volatile.Read(ref _inHand))
        {
            var until = time.GetUtcNow() + settings.ClaimLease;
            var claimed = await sources.ClaimDueAsync(node, settings.ClaimLease, room, cancellationToken);
            foreach (var source in claimed)
            {
                Interlocked.Increment(ref _inHand);
                var poll = RunAsync(node, source, until);
                _running[source.Id] = poll;
                _ = poll.ContinueWith(done => _running.TryRemove(KeyValuePair.Create(source.Id, done)), TaskScheduler.Default);
            }

            if (claimed.Count < room)
            {
                return;
            }
        }
    }

    private async Task RunAsync(string node, Source source, DateTimeOffset claimedUntil)
    {
        await Task.Yield();
        try
        {
            await _slots.WaitAsync(_stopping.Token);
            try
            {
                // A poll that might outlast its claim could run beside another node's: it is given back.
                if (time.GetUtcNow() + options.Value.Timeout >= claimedUntil)
                {
                    LogGivenBack(source.Id);
                    await sources.ReleaseClaimsAsync(node, source.Id, _stopping.Token);
                    return;
                }

                using var scope = PollScope(logger, source.Id);
                await poller.PollAsync(source, _stopping.Token);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The server is stopping: the claim is given back by StopAsync.
        }
        catch (Exception e)
        {
            // The poller records every failure itself; this is the store failing to take even that.
            LogPollFailed(e, source.Id);
        }
        finally
        {
            if (Interlocked.Decrement(ref _inHand) <= options.Value.MaxConcurrency)
            {
                Wake();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching due polls failed; trying again at the next dispatch")]
    private partial void LogDispatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{SourceId} waited too long for a free slot to poll within its claim; it is given back")]
    private partial void LogGivenBack(string sourceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The poll of {SourceId} could not be recorded; its claim lapses and it is polled again")]
    private partial void LogPollFailed(Exception exception, string sourceId);
}
