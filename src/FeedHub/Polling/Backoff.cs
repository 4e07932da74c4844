namespace FeedHub.Polling;

/// <summary>
/// How long a failing source waits: its regular interval doubled for each further failure in a row,
/// capped, with jitter so sources that failed together do not retry together.
/// </summary>
internal static class Backoff
{
    private static readonly TimeSpan Floor = TimeSpan.FromMinutes(1);

    /// <param name="errorStreak">Failures in a row, this one included (1 or more).</param>
    /// <param name="interval">The source's regular interval.</param>
    /// <param name="jitter">A number in [0, 1): the random part, passed in so tests can pin it.</param>
    public static TimeSpan Delay(int errorStreak, TimeSpan interval, TimeSpan cap, double jitter)
    {
        var baseDelay = interval < Floor ? Floor : interval;
        var exponent = Math.Clamp(errorStreak - 1, 0, 30);
        var delay = Math.Min(cap.TotalSeconds, baseDelay.TotalSeconds * Math.Pow(2, exponent));

        // Up to a fifth shorter, never longer than the cap.
        return TimeSpan.FromSeconds(delay * (1 - (0.2 * jitter)));
    }

    /// <summary>How much later than its interval a healthy source polls: up to a tenth of the interval, at most five minutes.</summary>
    /// <param name="random">A number in [0, 1).</param>
    public static TimeSpan Jitter(TimeSpan interval, double random) =>
        TimeSpan.FromSeconds(Math.Min(interval.TotalSeconds * 0.1, 300) * random);
}
