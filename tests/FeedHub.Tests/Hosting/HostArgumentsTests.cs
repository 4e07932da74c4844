using FeedHub.Hosting;
using FeedHub.Model;

namespace FeedHub.Tests.Hosting;

public sealed class HostArgumentsTests
{
    private static readonly HashSet<string> CommandOptions = new(StringComparer.Ordinal) { "--json", "--schedule", "--id", "--help", "-h" };

    [Fact]
    public void Split_GivesTheHostWhatItReads_WhereverItStands()
    {
        string[] args =
        [
            "--FeedHub:Storage:ConnectionString=Data Source=x.db", "sources", "--contentRoot", "/srv/feedhub", "add",
            "https://example.org/feed", "--schedule", "1h", "--FeedHub:Polling:Timeout", "00:00:10", "--json", "--urls=http://127.0.0.1:1",
        ];

        var (host, command) = HostArguments.Split(args, CommandOptions);

        Assert.Equal(["--FeedHub:Storage:ConnectionString=Data Source=x.db", "--contentRoot", "/srv/feedhub", "--FeedHub:Polling:Timeout", "00:00:10", "--urls=http://127.0.0.1:1"], host);
        Assert.Equal(["sources", "add", "https://example.org/feed", "--schedule", "1h", "--json"], command);
    }

    [Fact]
    public void Split_TakesEveryKeyEqualsValue_ForTheHost_UnlessACommandOwnsTheName()
    {
        // What WebApplicationFactory passes the entry point: every setting as --key=value, sections included.
        string[] args = ["--FeedHub=", "--FeedHub:SourcesOpml=", "--environment=Testing", "--applicationName=FeedHub", "--schedule=2h"];

        var (host, command) = HostArguments.Split(args, CommandOptions);

        Assert.Equal(["--FeedHub=", "--FeedHub:SourcesOpml=", "--environment=Testing", "--applicationName=FeedHub"], host);
        Assert.Equal(["--schedule=2h"], command);
    }

    [Fact]
    public void Split_LeavesUnknownFlagsAndPlainWords_ToTheCommandLine_ToRefuseOrRead()
    {
        string[] args = ["opml", "import", "-", "--bogus", "--", "-h", "--contentRoot"];

        var (host, command) = HostArguments.Split(args, CommandOptions);

        Assert.Empty(host);
        Assert.Equal(args, command);
    }
}
