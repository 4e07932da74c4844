using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FeedHub.Hosting;
using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Testing;
using FeedHub.Model;
using Microsoft.AspNetCore.Http;

namespace FeedHub.IntegrationTests.Admin;

/// <summary>
/// The command line, run in-process through the entry the program itself uses, against a temporary
/// content root and upstreams on loopback: what it prints, and the exit codes scripts rely on.
/// </summary>
public sealed class CommandLineTests : IntegrationTest
{

    protected override async ValueTask SetUpAsync()
    {
        await StartUpstreamAsync();
        Upstream.ServeFeed("feed.xml", Feeds.Numbered(3));
        Upstream.ServeFeed("other.xml", Feeds.Numbered(1));
        Upstream.Map("broken.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task AddListPollRemove_WorkOnTheStore_AndNothingPollsInTheBackground()
    {
        var feed = Upstream.Url("feed.xml").AbsoluteUri;

        var add = await RunAsync("sources", "add", feed, "--id", "upstream", "--schedule", "2h", "--tag", "tech", "--license", "Excerpt");
        Assert.Equal(0, add.Code);
        Assert.Contains("Added upstream", add.Out, StringComparison.Ordinal);

        var table = await RunAsync("sources", "list");
        Assert.Equal(0, table.Code);
        var lines = table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID ", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^upstream\s+NeverPolled\s+2h\s+never\s+0\s+due now\s+" + Regex.Escape(feed) + "$", lines[1]);

        // Neither command polled, and no host outlived its command to poll later.
        Assert.Empty(Upstream.RequestsTo("feed.xml"));

        var poll = await RunAsync("poll", "upstream");
        Assert.Equal(0, poll.Code);
        Assert.Contains("upstream: fetched (HTTP 200", poll.Out, StringComparison.Ordinal);
        Assert.Contains("3 new, 0 updated, 3 in the feed", poll.Out, StringComparison.Ordinal);
        Assert.Contains("+ Story 3", poll.Out, StringComparison.Ordinal);
        Assert.Contains("Next poll due at", poll.Out, StringComparison.Ordinal);

        var again = await RunAsync("poll", "upstream");
        Assert.Equal(0, again.Code);
        Assert.Contains("not modified (HTTP 304", again.Out, StringComparison.Ordinal);

        var json = await RunAsync("sources", "list", "--json");
        Assert.Equal(0, json.Code);
        var source = JsonDocument.Parse(json.Out).RootElement.GetProperty("sources").EnumerateArray().Single();
        Assert.Equal("upstream", source.GetProperty("id").GetString());
        Assert.Equal("Active", source.GetProperty("status").GetString());
        Assert.Equal("Ok", source.GetProperty("health").GetString());
        Assert.Equal("Excerpt", source.GetProperty("license").GetString());
        Assert.Equal(["tech"], source.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));
        Assert.EndsWith("Z", source.GetProperty("lastSuccessAt").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, source.GetProperty("errorStreak").GetInt32());

        var remove = await RunAsync("sources", "remove", "upstream");
        Assert.Equal(0, remove.Code);
        Assert.Equal("No sources.", (await RunAsync("sources", "list")).Out.Trim());
        Assert.Equal(2, Upstream.RequestsTo("feed.xml").Count);
    }

    [Fact]
    public async Task Poll_WhenTheUpstreamFails_Exits5_AndSaysWhy()
    {
        Assert.Equal("No source is behind its schedule.", (await RunAsync("sources", "list", "--behind")).Out.Trim());
        Assert.Equal(0, (await RunAsync("sources", "add", Upstream.Url("broken.xml").AbsoluteUri, "--id", "broken")).Code);

        var poll = await RunAsync("poll", "broken");

        Assert.Equal(5, poll.Code);
        Assert.Contains("broken: the poll failed (HTTP 500", poll.Error, StringComparison.Ordinal);
        Assert.Contains("HTTP 500 Internal Server Error", poll.Error, StringComparison.Ordinal);
        var list = await RunAsync("sources", "list");
        Assert.Matches(@"broken\s+Failing\s+\S+\s+never\s+1\s+HTTP 500 Internal Server Error", list.Out);
        Assert.Equal(0, (await RunAsync("sources", "add", Upstream.Url("feed.xml").AbsoluteUri, "--id", "healthy")).Code);
        Assert.Equal(0, (await RunAsync("poll", "healthy")).Code);
        var behind = await RunAsync("sources", "list", "--behind", "--json");
        Assert.Equal("broken", JsonDocument.Parse(behind.Out).RootElement.GetProperty("sources").EnumerateArray().Single().GetProperty("id").GetString());

        var json = await RunAsync("poll", "broken", "--json");
        Assert.Equal(5, json.Code);
        var fetch = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal("Failed", fetch.GetProperty("outcome").GetString());
        Assert.Equal(500, fetch.GetProperty("httpStatus").GetInt32());
    }

    [Fact]
    public async Task Poll_WhenNothingListens_Exits5_WithTheConnectionError()
    {
        var closed = new Uri($"http://127.0.0.1:{Loopback.FreePort()}/feed.xml");
        Assert.Equal(0, (await RunAsync("sources", "add", closed.AbsoluteUri, "--id", "gone")).Code);

        var poll = await RunAsync("poll", "gone");

        Assert.Equal(5, poll.Code);
        Assert.Contains("Could not connect", poll.Error, StringComparison.Ordinal);
        Assert.Contains("ConnectionRefused", poll.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeclaredSources_AreListedWithTheServersIds_AndCannotBeRemoved()
    {
        var declared = $"--FeedHub:Sources:0:Id=declared";
        var url = $"--FeedHub:Sources:0:Url={Upstream.Url("feed.xml").AbsoluteUri}";

        var list = await RunAsync("sources", "list", declared, url);
        var remove = await RunAsync("sources", "remove", "declared", declared, url);

        Assert.Matches(@"^declared\s+NeverPolled", list.Out.Split('\n')[1]);
        Assert.Equal(4, remove.Code);
        Assert.Contains("'declared' is declared in FeedHub:Sources; change it there.", remove.Error, StringComparison.Ordinal);

        // A command's configuration may lack the server's declarations: it never retires them.
        var without = await RunAsync("sources", "list", "--json");
        Assert.Equal("Active", JsonDocument.Parse(without.Out).RootElement.GetProperty("sources")[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("sources", "remove", "nope")]
    [InlineData("sources", "pause", "nope")]
    [InlineData("sources", "resume", "nope")]
    [InlineData("poll", "nope")]
    public async Task AnUnknownId_Exits3(params string[] args)
    {
        var run = await RunAsync(args);

        Assert.Equal(3, run.Code);
        Assert.Equal("error: Unknown source: No source has the id 'nope'.", run.Error.Trim());
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("schedule", "--schedule", "every tuesday")]
    [InlineData("schedule", "--schedule", "0 0 0 1 1 ? 2001")]
    [InlineData("license", "--license", "Borrowed")]
    [InlineData("id", "--id", "Not An Id")]
    public async Task BadInput_Exits6_NamingTheField(string field, string option, string value)
    {
        var run = await RunAsync("sources", "add", Upstream.Url("feed.xml").AbsoluteUri, option, value);

        Assert.Equal(6, run.Code);
        Assert.Contains($"\n  {field}: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(value, run.Error, StringComparison.Ordinal);
        Assert.Equal("No sources.", (await RunAsync("sources", "list")).Out.Trim());
    }

    [Fact]
    public async Task ABadUrl_Exits6()
    {
        var run = await RunAsync("sources", "add", "ftp://example.org/feed");

        Assert.Equal(6, run.Code);
        Assert.Contains("url: 'ftp://example.org/feed' is not an absolute http or https URL.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingAFollowedUrlOrATakenId_Exits4()
    {
        Assert.Equal(0, (await RunAsync("sources", "add", Upstream.Url("feed.xml").AbsoluteUri, "--id", "first")).Code);

        var sameUrl = await RunAsync("sources", "add", Upstream.Url("feed.xml").AbsoluteUri, "--id", "second");
        var sameId = await RunAsync("sources", "add", Upstream.Url("other.xml").AbsoluteUri, "--id", "first");

        Assert.Equal(4, sameUrl.Code);
        Assert.Contains("The source 'first' already polls", sameUrl.Error, StringComparison.Ordinal);
        Assert.Equal(4, sameId.Code);
        Assert.Contains("A source with the id 'first' exists.", sameId.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseAndResume_TakeTheSourceOffItsScheduleAndBack()
    {
        Assert.Equal(0, (await RunAsync("sources", "add", Upstream.Url("feed.xml").AbsoluteUri, "--id", "upstream")).Code);

        Assert.Equal(0, (await RunAsync("sources", "pause", "upstream")).Code);
        Assert.Matches(@"upstream\s+Paused", (await RunAsync("sources", "list")).Out);
        var pausedPoll = await RunAsync("poll", "upstream");
        Assert.Equal(4, pausedPoll.Code);
        Assert.Contains("'upstream' is Paused: resume it first.", pausedPoll.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("sources", "resume", "upstream")).Code);
        Assert.Equal(0, (await RunAsync("poll", "upstream")).Code);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("sources")]
    [InlineData("sources", "frobnicate")]
    [InlineData("sources", "add")]
    [InlineData("sources", "list", "--bogus")]
    [InlineData("sources", "remove", "a", "b")]
    [InlineData("poll")]
    [InlineData("opml", "import")]
    [InlineData("--json")]
    public async Task AUsageError_Exits2_AndPointsToHelp(params string[] args)
    {
        var run = await RunAsync(args);

        Assert.Equal(2, run.Code);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("--help'.", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);

        // A line that does not parse never reaches the store.
        Assert.False(File.Exists(Path.Combine(Root.Path, "data", "feedhub.db")));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("sources", "--help")]
    [InlineData("sources", "list", "--help")]
    [InlineData("sources", "add", "-h")]
    [InlineData("sources", "remove", "--help")]
    [InlineData("poll", "--help")]
    [InlineData("opml", "import", "--help")]
    [InlineData("opml", "export", "--help")]
    public async Task EveryCommand_HasHelp(params string[] args)
    {
        var run = await RunAsync(args);

        Assert.Equal(0, run.Code);
        Assert.Contains("Usage:", run.Out, StringComparison.Ordinal);
        Assert.Contains("Description:", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadSetting_Exits1_NamingTheKey_WithACommandOrWithout()
    {
        var command = await RunAsync("sources", "list", "--FeedHub:Polling:MaxConcurrency=0");
        var server = await RunRawAsync(["--contentRoot", Root.Path, "--urls", "http://127.0.0.1:0", "--FeedHub:SourcesOpml=", "--FeedHub:Polling:ClaimLease=00:00:00"]);

        Assert.Equal(1, command.Code);
        Assert.StartsWith("FeedHub cannot start:", command.Error, StringComparison.Ordinal);
        Assert.Contains("  FeedHub:Polling:MaxConcurrency: ", command.Error, StringComparison.Ordinal);
        Assert.Equal(1, server.Code);
        Assert.StartsWith("FeedHub cannot start:", server.Error, StringComparison.Ordinal);
        Assert.Contains("  FeedHub:Polling:ClaimLease: ", server.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--FeedHub:Polling:MaxConcurrency=eight", null, "  FeedHub:Polling:MaxConcurrency: 'eight' is not a whole number.")]
    [InlineData("--FeedHub:Polling:Timeout=30", null, "  FeedHub:Polling:Timeout: '30' would be read as 30 days; write 00:00:30 for 30 seconds, 00:30:00 for minutes or 30.00:00:00 for days.")]
    [InlineData("--FeedHub:Polling:Timeout=00:00:30", """{ "FeedHub": { "PublicBaseUrl": "http://localhost:5080" "Polling": {} } }""", "appsettings.json")]
    [InlineData("--FeedHub:Proxy:KnownProxies:0=proxy.internal", null, "  FeedHub:Proxy:KnownProxies: each entry must be an IP address")]
    public async Task ASettingThatCannotBeRead_StopsTheServer_WithTheKeyAndNoStackTrace(string setting, string? appsettings, string expected)
    {
        if (appsettings is not null)
        {
            Root.Write("appsettings.json", appsettings);
        }

        var server = await RunProcessAsync("--contentRoot", Root.Path, "--urls", "http://127.0.0.1:0", "--FeedHub:SourcesOpml=", setting);

        Assert.Equal(1, server.Code);
        Assert.StartsWith("FeedHub cannot start:", server.Error, StringComparison.Ordinal);
        Assert.Contains(expected, server.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Out + server.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACommand_ReadsItsOpmlFile_AndStopsWhenItIsNotOpml()
    {
        Root.Write("feeds/sources.opml", "<html><body>not OPML</body></html>");

        var run = await RunRawAsync(["sources", "list", "--contentRoot", Root.Path]);

        Assert.Equal(1, run.Code);
        Assert.Contains("FeedHub:SourcesOpml: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostArguments_WorkBeforeAndAfterTheCommand()
    {
        var before = await RunRawAsync(["--FeedHub:Storage:ConnectionString=Data Source=data/first.db", "--contentRoot", Root.Path, "--FeedHub:SourcesOpml=", "sources", "list"]);
        var after = await RunRawAsync(["sources", "list", "--contentRoot", Root.Path, "--FeedHub:SourcesOpml", "", "--FeedHub:Storage:ConnectionString", "Data Source=data/second.db"]);

        Assert.Equal((0, 0), (before.Code, after.Code));
        Assert.True(File.Exists(Path.Combine(Root.Path, "data", "first.db")));
        Assert.True(File.Exists(Path.Combine(Root.Path, "data", "second.db")));
    }

    [Fact]
    public async Task OpmlImport_ReportsAddedUpdatedUnchangedAndInvalid_WithLines()
    {
        Assert.Equal(0, (await RunAsync("sources", "add", Upstream.Url("other.xml").AbsoluteUri, "--id", "other", "--schedule", "1h")).Code);
        var file = Root.Write("import.opml", $"""
            <?xml version="1.0"?>
            <opml version="2.0" xmlns:feedhub="urn:feedhub:opml:1">
              <head><title>Mine</title></head>
              <body>
                <outline text="Tech">
                  <outline text="Science">
                    <outline type="rss" text="Feed" xmlUrl="{Upstream.Url("feed.xml")}" feedhub:id="feed"/>
                  </outline>
                  <outline type="rss" text="Again" xmlUrl="{Upstream.Url("feed.xml")}"/>
                </outline>
                <outline type="rss" text="Other" xmlUrl="{Upstream.Url("other.xml")}" feedhub:schedule="2h"/>
                <outline type="rss" text="Not http" xmlUrl="gopher://example.org/feed"/>
                <outline type="rss" text="Bad schedule" xmlUrl="https://example.org/a.xml" feedhub:schedule="sometimes"/>
              </body>
            </opml>
            """);

        var run = await RunAsync("opml", "import", file);

        Assert.Equal(0, run.Code);
        Assert.Contains("Added: 1 (feed)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Updated: 1 (other)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Unchanged: 0", run.Out, StringComparison.Ordinal);
        Assert.Contains("Invalid: 3", run.Out, StringComparison.Ordinal);
        Assert.Contains($"  line 9: {Upstream.Url("feed.xml")} is already listed (as 'feed'); skipped.", run.Out, StringComparison.Ordinal);
        Assert.Contains("  line 12: 'gopher://example.org/feed' is not an absolute http or https URL.", run.Out, StringComparison.Ordinal);
        Assert.Contains("  line 13: 'sometimes' is neither an interval", run.Out, StringComparison.Ordinal);

        var list = JsonDocument.Parse((await RunAsync("sources", "list", "--json")).Out).RootElement.GetProperty("sources");
        var feed = list.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "feed");
        Assert.Equal(["Tech", "Science"], feed.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal("2h", list.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "other").GetProperty("schedule").GetString());

        var again = await RunAsync("opml", "import", file, "--json");
        var report = JsonDocument.Parse(again.Out).RootElement;
        Assert.Empty(report.GetProperty("added").EnumerateArray());
        Assert.Empty(report.GetProperty("updated").EnumerateArray());
        Assert.Equal(["feed", "other"], report.GetProperty("skipped").EnumerateArray().Select(s => s.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(3, report.GetProperty("invalid").GetArrayLength());
    }

    /// <summary>
    /// Hostile OPML files (the same cases the reader and the API are tried with): each import ends with
    /// its report (exit 0) or one message (exit 6, invalid input), never an exception or a crash, and the store still answers.
    /// </summary>
    [Fact]
    public async Task OpmlImport_OfAHostileFile_ReportsOrRefusesWithAMessage()
    {
        foreach (var input in HostileDocuments.Opml.Cases(30))
        {
            await HostileSurface.TryAsync(input, async input =>
            {
                var file = Path.Combine(Root.Path, $"hostile-{input.Index}.opml");
                await File.WriteAllBytesAsync(file, input.Body, Token);
                var run = await RunAsync("opml", "import", file);
                Assert.True(
                    (run.Code == 0 && run.Out.Contains("Added:", StringComparison.Ordinal)) || (run.Code == 6 && run.Error.Trim().Length > 0),
                    $"{input}: exit {run.Code}, out '{run.Out}', error '{run.Error}'");
            });
        }

        Assert.Equal(0, (await RunAsync("sources", "list")).Code);
    }

    [Fact]
    public async Task ExportThenImport_ChangesNothing()
    {
        Assert.Equal(0, (await RunAsync("sources", "add", Upstream.Url("feed.xml").AbsoluteUri, "--id", "feed", "--schedule", "0 0/15 * * * ?", "--tag", "a", "--tag", "b", "--license", "LinkOnly")).Code);
        Assert.Equal(0, (await RunAsync("sources", "add", Upstream.Url("other.xml").AbsoluteUri, "--title", "The other one")).Code);
        Assert.Equal(0, (await RunAsync("poll", "feed")).Code);
        var before = (await RunAsync("sources", "list", "--json")).Out;
        var file = Path.Combine(Root.Path, "export.opml");

        var toStdout = await RunAsync("opml", "export");
        var toFile = await RunAsync("opml", "export", file);
        var import = await RunAsync("opml", "import", file);

        Assert.Equal(0, toStdout.Code);
        var outlines = XDocument.Parse(toStdout.Out).Descendants("outline").ToList();
        Assert.Equal(2, outlines.Count);
        Assert.Equal(0, toFile.Code);
        Assert.Equal(XDocument.Parse(toStdout.Out).Root!.Element("body")!.ToString(), XDocument.Load(file).Root!.Element("body")!.ToString());
        Assert.Equal(0, import.Code);
        Assert.Contains("Added: 0", import.Out, StringComparison.Ordinal);
        Assert.Contains("Updated: 0", import.Out, StringComparison.Ordinal);
        Assert.Contains("Unchanged: 2", import.Out, StringComparison.Ordinal);
        Assert.Equal(before, (await RunAsync("sources", "list", "--json")).Out);
    }

    [Fact]
    public async Task OpmlImport_OfAFileThatIsNotOpml_Exits6_AndOfNoFile_Exits3()
    {
        var html = Root.Write("page.html", "<html><body>hello</body></html>");
        var broken = Root.Write("broken.opml", "<opml><body><outline");

        var notOpml = await RunAsync("opml", "import", html);
        var illFormed = await RunAsync("opml", "import", broken);
        var missing = await RunAsync("opml", "import", Path.Combine(Root.Path, "none.opml"));

        Assert.Equal(6, notOpml.Code);
        Assert.Contains("error: Not OPML: Not an OPML document", notOpml.Error, StringComparison.Ordinal);
        Assert.Equal(6, illFormed.Code);
        Assert.Contains("Not well-formed XML", illFormed.Error, StringComparison.Ordinal);
        Assert.Equal(3, missing.Code);
        Assert.Contains("No such file", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpmlImport_ShowsProgress_OnlyOnATerminal()
    {
        var outlines = string.Concat(Enumerable.Range(1, 300).Select(i => $"<outline type=\"rss\" text=\"F{i}\" xmlUrl=\"https://example.org/{i}.xml\"/>"));
        var file = Root.Write("many.opml", $"<opml version=\"2.0\"><head/><body>{outlines}</body></opml>");

        var terminal = await RunRawAsync(["opml", "import", file, .. HostArgs()], errorIsTerminal: true);
        var redirected = await RunRawAsync(["opml", "import", file, .. HostArgs()], errorIsTerminal: false);

        Assert.Equal((0, 0), (terminal.Code, redirected.Code));
        Assert.Contains("Added: 300", terminal.Out, StringComparison.Ordinal);
        Assert.Contains("\rReading ", terminal.Error, StringComparison.Ordinal);
        Assert.Contains("\rMerging outlines: 150/300 (50%)", terminal.Error, StringComparison.Ordinal);
        Assert.Contains("\rMerging outlines: 300/300 (100%)", terminal.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", terminal.Out, StringComparison.Ordinal);
        Assert.Empty(redirected.Error);
        Assert.Contains("Unchanged: 300", redirected.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRealProcess_ExitsWithTheDocumentedCodes()
    {
        var unknown = await RunProcessAsync("sources", "remove", "nope", "--contentRoot", Root.Path, "--FeedHub:SourcesOpml=");
        var usage = await RunProcessAsync("sources", "frobnicate", "--contentRoot", Root.Path);
        var added = await RunProcessAsync("--contentRoot", Root.Path, "--FeedHub:SourcesOpml=", "sources", "add", "https://example.org/feed.xml", "--id", "example");
        var exported = await RunProcessAsync("opml", "export", "--contentRoot", Root.Path, "--FeedHub:SourcesOpml=");
        var piped = await RunProcessWithInputAsync(exported.Out.Replace("https://example.org/feed.xml", "https://example.org/other.xml", StringComparison.Ordinal), "opml", "import", "-", "--contentRoot", Root.Path, "--FeedHub:SourcesOpml=");

        Assert.Equal(3, unknown.Code);
        Assert.Contains("No source has the id 'nope'.", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, usage.Code);
        Assert.Contains("Unrecognized command or argument 'frobnicate'", usage.Error, StringComparison.Ordinal);
        Assert.Equal(0, added.Code);
        Assert.StartsWith("Added example: https://example.org/feed.xml", added.Out, StringComparison.Ordinal);
        Assert.Equal(0, piped.Code);
        Assert.StartsWith("Added: 1 (example-2)", piped.Out, StringComparison.Ordinal);
    }

    private string[] HostArgs() =>
    [
        "--contentRoot", Root.Path,
        "--FeedHub:SourcesOpml=",
        "--FeedHub:Polling:AllowPrivateNetworks=true",
        "--FeedHub:Polling:DefaultSchedule=1h",
    ];

    private Task<CommandRun> RunAsync(params string[] args) => RunRawAsync([.. args, .. HostArgs()]);

    private static async Task<CommandRun> RunRawAsync(string[] args, bool errorIsTerminal = false)
    {
        await using var output = new StringWriter();
        await using var error = new StringWriter();
        var code = await FeedHubCommandLine.RunAsync(args, output, error, errorIsTerminal, Token);
        return new CommandRun(code, output.ToString(), error.ToString());
    }

    /// <summary>The built <c>FeedHub.dll</c> in a process of its own, as an operator's script runs it.</summary>
    private static Task<CommandRun> RunProcessAsync(params string[] args) => RunProcessWithInputAsync(input: null, args);

    private static async Task<CommandRun> RunProcessWithInputAsync(string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FeedHub.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Token);
        var error = process.StandardError.ReadToEndAsync(Token);
        await process.WaitForExitAsync(Token);
        return new CommandRun(process.ExitCode, await output, await error);
    }


    private sealed record CommandRun(int Code, string Out, string Error);
}
