namespace FeedHub;

/// <summary>
/// A wake-up call between background loops: <see cref="Next"/> completes at the next
/// <see cref="Ring"/>. A loop takes <see cref="Next"/> before doing its work, so a ring while it
/// works is never missed; rings made meanwhile fold into one.
/// </summary>
internal sealed class WakeUp
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Ring() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for <paramref name="next"/> (taken before the work) or <paramref name="timeout"/>, whichever comes first; false when stopping.</summary>
    public static async Task<bool> WaitAsync(Task next, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(next, Task.Delay(timeout, time, cancel.Token));
        await cancel.CancelAsync();
        return !cancellationToken.IsCancellationRequested;
    }
}
