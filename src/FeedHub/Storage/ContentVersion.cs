namespace FeedHub.Storage;

/// <summary>
/// A number that moves whenever this process commits something a published document may show, with
/// a wake-up at each move. One rule moves it: the store that commits the change moves it right after
/// the commit (<see cref="SourceStore"/> for sources, <see cref="PollStore"/> for polls and pushes),
/// and the article library when it has read the articles again; no caller has to remember to.
/// Caches of rendered documents compare <see cref="Version"/> to know their copy may be stale without
/// asking the store on every request, and those who push channels onward (the WebSub hub) wake at
/// <see cref="Next"/> to look at once. Other processes' commits (a command, another node) do not move
/// it: the document cache also reads the store again each second, and the hub checks on its interval.
/// Changes to the set of sources are also told apart, for those who only care about those (the
/// WebSub subscriber) and should not look at every source after every poll.
/// </summary>
internal sealed class ContentVersion
{
    private readonly WakeUp _signal = new();
    private readonly WakeUp _sources = new();
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Completes at the next change; take it before looking, so a change made meanwhile is not missed.</summary>
    public Task Next => _signal.Next;

    /// <summary>Completes at the next <see cref="SourcesChanged"/>; take it before looking.</summary>
    public Task NextSourcesChange => _sources.Next;

    public void Changed()
    {
        Interlocked.Increment(ref _version);
        _signal.Ring();
    }

    /// <summary>A source was added, removed, paused, resumed, retired or moved, or its feed now advertises another WebSub hub.</summary>
    public void SourcesChanged()
    {
        Changed();
        _sources.Ring();
    }
}
