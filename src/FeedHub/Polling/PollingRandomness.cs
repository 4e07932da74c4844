namespace FeedHub.Polling;

/// <summary>
/// The randomness in polling (backoff and schedule jitter), a dependency like the clock so that
/// tests can pin it.
/// </summary>
public class PollingRandomness
{
    /// <summary>A number in [0, 1).</summary>
    public virtual double NextFraction() => Random.Shared.NextDouble();
}
