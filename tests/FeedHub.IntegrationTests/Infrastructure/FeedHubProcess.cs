using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// FeedHub as a separate process (the built FeedHub.dll), for what only a process shows: being
/// killed with SIGKILL, and how much memory it took.
/// </summary>
public sealed class FeedHubProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private FeedHubProcess(Process process) => _process = process;

    /// <param name="settings">Configuration as <c>--Key=value</c> arguments, after FeedHub's test defaults (no OPML, loopback allowed, warnings only).</param>
    public static FeedHubProcess Start(string contentRoot, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "FeedHub.dll"),
            "--contentRoot", contentRoot,
            "--urls", "http://127.0.0.1:0",
            "--FeedHub:SourcesOpml=",
            "--FeedHub:Polling:AllowPrivateNetworks=true",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(settings.Select(s => $"--{s.Key}={s.Value}")))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var node = new FeedHubProcess(process);

        // Drain the pipes so the process never blocks on a full one, keeping the last lines for a failure message.
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>The last lines the process wrote (standard output and error), to explain a failure.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 40 && _output.TryDequeue(out _))
        {
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The most resident memory the process has had (Linux's VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>SIGKILL: no shutdown, no flushing, as a crash or the OOM killer would do it.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
