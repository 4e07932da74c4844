namespace FeedHub.Storage;

/// <summary>
/// A counter that this process's writers bump after committing something a published document may
/// show (items, a source's definition or status), so that caches of rendered documents know their
/// copy may be stale without asking the store on every request.
/// </summary>
internal sealed class StoreChanges
{
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    public void Changed() => Interlocked.Increment(ref _version);
}
