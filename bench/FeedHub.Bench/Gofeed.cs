using System.Diagnostics;
using System.Globalization;

namespace FeedHub.Bench;

/// <summary>
/// B4's parse-only peer: gofeed (Go's most used feed parser, Debian's package) in <c>bench/gofeed/main.go</c>, built
/// into the run's temporary folder (never committed) and run over the same files as FeedHub's parser.
/// </summary>
internal sealed class Gofeed
{
    private const string GoPath = "/usr/share/gocode";

    /// <summary>Where Debian's golang-go puts the go command.</summary>
    private static readonly string[] GoCommands = ["/usr/bin/go", "/usr/lib/go/bin/go"];

    private Gofeed(string binary, string version)
    {
        Binary = binary;
        Version = version;
    }

    public string Binary { get; }

    /// <summary>"gofeed 1.1.3" (Debian's package version), or "gofeed" when dpkg cannot say.</summary>
    public string Version { get; }

    /// <summary>Builds the peer; null, with why on <paramref name="skipped"/>, without Go or gofeed or when the build fails.</summary>
    public static async Task<(Gofeed? Peer, string? Skipped)> BuildAsync(BenchContext bench)
    {
        var go = GoCommands.FirstOrDefault(File.Exists);
        if (go is null)
        {
            return (null, "Go is missing: apt-get install -y golang-go");
        }

        if (!Directory.Exists(Path.Combine(GoPath, "src", "github.com", "mmcdole", "gofeed")))
        {
            return (null, "gofeed is missing: apt-get install -y golang-github-mmcdole-gofeed-dev");
        }

        var bin = Path.Combine(bench.WorkDirectory, "bin");
        Directory.CreateDirectory(bin);
        var binary = Path.Combine(bin, "gofeed-bench");
        var info = new ProcessStartInfo(go) { WorkingDirectory = Path.Combine(bench.Repository, "bench", "gofeed"), RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("build");
        info.ArgumentList.Add("-o");
        info.ArgumentList.Add(binary);
        info.ArgumentList.Add("main.go");

        info.Environment["GOPATH"] = GoPath;
        info.Environment["GO111MODULE"] = "off";
        var (exit, _, error) = await RunAsync(info);
        if (exit != 0)
        {
            return (null, $"bench/gofeed did not build: {error.Trim()}");
        }

        var dpkg = new ProcessStartInfo("dpkg-query") { RedirectStandardOutput = true, RedirectStandardError = true };
        dpkg.ArgumentList.Add("-W");
        dpkg.ArgumentList.Add("-f");
        dpkg.ArgumentList.Add("${Version}");
        dpkg.ArgumentList.Add("golang-github-mmcdole-gofeed-dev");

        string version;
        try
        {
            var (dpkgExit, output, _) = await RunAsync(dpkg);
            version = dpkgExit == 0 && output.Trim().Split('-')[0] is { Length: > 0 } v ? $"gofeed {v}" : "gofeed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            version = "gofeed";
        }

        return (new Gofeed(binary, version), null);
    }

    /// <returns>Items per second over <paramref name="passes"/> timed passes (after one untimed), the items of one pass and the files gofeed refused.</returns>
    public async Task<(double ItemsPerSecond, long Items, int Refused)> ParseAsync(string listFile, int passes)
    {
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(listFile);
        info.ArgumentList.Add(passes.ToString(CultureInfo.InvariantCulture));
        var (exit, output, error) = await RunAsync(info);
        if (exit != 0)
        {
            throw new InvalidOperationException($"gofeed-bench exited with {exit}: {error.Trim()}");
        }

        var parts = output.Trim().Split(' ');
        var items = long.Parse(parts[0], CultureInfo.InvariantCulture);
        var seconds = double.Parse(parts[1], CultureInfo.InvariantCulture);
        return (items * passes / seconds, items, int.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
