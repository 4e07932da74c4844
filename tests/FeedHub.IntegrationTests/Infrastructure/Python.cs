using System.Diagnostics;
using System.Text.Json;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's Python with its feedparser and jsonschema packages: an independent consumer of what
/// FeedHub publishes. Tests that need it skip, saying what to install, when it is absent (CI installs
/// it and sets FEEDHUB_REQUIRE_TOOLS, which turns the skip into a failure).
/// </summary>
public static class Python
{
    private const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs a script that prints one JSON document, feeding it <paramref name="input"/> on standard input.</summary>
    public static async Task<JsonElement> RunAsync(string script, byte[] input, params string[] modules)
    {
        await RequireAsync(modules);
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        await process.StandardInput.BaseStream.WriteAsync(input);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"python exited {process.ExitCode}: {error}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static async Task RequireAsync(string[] modules)
    {
        var missing = !File.Exists(Interpreter);
        if (!missing)
        {
            using var check = Process.Start(new ProcessStartInfo(Interpreter, ["-c", $"import {string.Join(", ", modules)}"]) { RedirectStandardError = true })!;
            await check.WaitForExitAsync();
            missing = check.ExitCode != 0;
        }

        if (missing)
        {
            var message = $"{Interpreter} with {string.Join(" and ", modules)} is needed: apt-get install -y python3-feedparser python3-jsonschema.";
            if (Environment.GetEnvironmentVariable("FEEDHUB_REQUIRE_TOOLS") == "1")
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }
    }
}
