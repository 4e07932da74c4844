namespace FeedHub.Storage;

/// <summary>
/// Told by this process's writers after they commit something a published document may show (items,
/// a source's definition or status, the articles): caches of rendered documents compare
/// <see cref="Version"/> to know their copy may be stale without asking the store on every request,
/// and those who push channels onward (the WebSub hub) wake at <see cref="Next"/> to look at once.
/// </summary>
internal sealed class StoreChanges
{
    private readonly Signal _signal = new();
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Completes at the next change; take it before looking, so a change made meanwhile is not missed.</summary>
    public Task Next => _signal.Next;

    public void Changed()
    {
        Interlocked.Increment(ref _version);
        _signal.Notify();
    }
}
