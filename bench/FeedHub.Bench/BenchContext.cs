namespace FeedHub.Bench;

/// <summary>Where things are, and how much to repeat, for one harness run.</summary>
internal sealed class BenchContext : IDisposable
{
    public required string Repository { get; init; }

    public required string WorkDirectory { get; init; }

    public required string FeedHubDll { get; init; }

    public required string BenchDll { get; init; }

    public required int Repetitions { get; init; }

    public required TimeSpan WrkDuration { get; init; }

    public required int Sources { get; init; }

    public required string UpstreamUrl { get; init; }

    /// <summary>B7: articles or items pushed per repetition.</summary>
    public int PushItems { get; init; } = 20;

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine while a figure was taken.</summary>
    public static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public void Dispose() => Client.Dispose();
}
