using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;

namespace FeedHub.IntegrationTests.Sources;

public sealed class DeclaredSourcesTests
{
    private const string Opml = """
        <?xml version="1.0"?>
        <opml version="2.0" xmlns:feedhub="urn:feedhub:opml:1">
          <body>
            <outline text="Tech">
              <outline text="From OPML" xmlUrl="http://127.0.0.1:9/opml.xml" feedhub:id="from-opml" feedhub:schedule="0 0/5 * * * ?" feedhub:license="Excerpt"/>
              <outline text="Duplicate of config" xmlUrl="http://127.0.0.1:9/config.xml"/>
              <outline text="Broken" xmlUrl="not a url"/>
            </outline>
          </body>
        </opml>
        """;

    private static Dictionary<string, string?> Settings(bool withConfigSource = true)
    {
        var settings = new Dictionary<string, string?> { ["FeedHub:SourcesOpml"] = "feeds/sources.opml" };
        if (withConfigSource)
        {
            settings["FeedHub:Sources:0:Id"] = "from-config";
            settings["FeedHub:Sources:0:Title"] = "Configured";
            settings["FeedHub:Sources:0:Url"] = "http://127.0.0.1:9/config.xml";
            settings["FeedHub:Sources:0:Schedule"] = "2h";
            settings["FeedHub:Sources:0:Tags:0"] = "news";
            settings["FeedHub:Sources:0:License"] = "LinkOnly";
        }

        return settings;
    }

    private static TestDirectory ContentRootWithOpml(string opml = Opml)
    {
        var root = new TestDirectory();
        root.Write("feeds/sources.opml", opml);
        return root;
    }

    [Fact]
    public async Task Start_MergesConfigAndOpmlIntoTheStore_AndSchedulesEachSource()
    {
        using var root = ContentRootWithOpml();
        await using var app = FeedHubApp.Start(root.Path, Settings());

        var sources = (await app.Get<SourceStore>().ListAsync(CancellationToken.None)).ToDictionary(s => s.Id);

        Assert.Equal(["from-config", "from-opml"], sources.Keys.Order());
        var configured = sources["from-config"];
        Assert.Equal(("Configured", "2h", LicensePolicy.LinkOnly, SourceOrigin.Config), (configured.Title, configured.Schedule, configured.License, configured.Origin));
        Assert.Equal(["news"], configured.Tags);
        var fromOpml = sources["from-opml"];
        Assert.Equal(("0 0/5 * * * ?", LicensePolicy.Excerpt, SourceOrigin.Opml), (fromOpml.Schedule, fromOpml.License, fromOpml.Origin));
        Assert.Equal(["Tech"], fromOpml.Tags);
        foreach (var id in sources.Keys)
        {
            Assert.NotNull(await app.NextPollAsync(id));
        }
    }

    [Fact]
    public async Task Undeclared_IsRetiredWithItsHistory_AndRedeclaredComesBack()
    {
        using var root = ContentRootWithOpml();
        await using (var first = new FeedHubApp(root.Path, Settings()))
        {
            _ = first.Server;
            await first.WaitForFetchesAsync("from-config");
        }

        await using (var second = new FeedHubApp(root.Path, Settings(withConfigSource: false)))
        {
            _ = second.Server;
            var retired = await second.Get<SourceStore>().GetAsync("from-config", CancellationToken.None);
            Assert.Equal(SourceStatus.Retired, retired!.Status);
            Assert.Equal(SourceStore.NoLongerDeclared, retired.StatusReason);
            Assert.Null(await second.NextPollAsync("from-config"));
            var shown = await second.GetJsonAsync("/api/sources/from-config");
            Assert.Equal("Retired", shown.GetProperty("status").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, shown.GetProperty("nextPollAt").ValueKind);
            Assert.NotEmpty(await second.Get<FetchLogStore>().ListAsync("from-config", 10, CancellationToken.None));
        }

        await using var third = FeedHubApp.Start(root.Path, Settings());
        var back = await third.Get<SourceStore>().GetAsync("from-config", CancellationToken.None);
        Assert.Equal(SourceStatus.Active, back!.Status);
        Assert.NotNull(back.State.LastAttemptAt);
    }

    [Fact]
    public async Task ChangedSchedule_TakesEffectAtRestart_AndAMovedUrlStartsAfresh()
    {
        using var root = ContentRootWithOpml();
        var settings = Settings();
        settings["FeedHub:Sources:0:Schedule"] = "1d";
        await using (var first = new FeedHubApp(root.Path, settings))
        {
            _ = first.Server;
            var fetch = (await first.WaitForFetchesAsync("from-config"))[0];
            Assert.Equal(FetchOutcome.Failed, fetch.Outcome);
        }

        settings["FeedHub:Sources:0:Schedule"] = "5m";
        await using (var second = new FeedHubApp(root.Path, settings))
        {
            _ = second.Server;
            var next = await second.NextPollAsync("from-config");
            Assert.True(next < DateTimeOffset.UtcNow.AddMinutes(6), $"a 5m schedule polls within 5 minutes, not a day (next {next:o})");
        }

        settings["FeedHub:Sources:0:Url"] = "http://127.0.0.1:9/moved.xml";
        await using var third = FeedHubApp.Start(root.Path, settings);
        await third.WaitForFetchesAsync("from-config", count: 2);
        var moved = await third.Get<SourceStore>().GetAsync("from-config", CancellationToken.None);
        Assert.Equal("http://127.0.0.1:9/moved.xml", moved!.Url);
        Assert.Equal(1, moved.State.ErrorStreak);
    }

    [Fact]
    public async Task MissingOpmlFile_KeepsItsSources()
    {
        using var root = ContentRootWithOpml();
        await using (var first = new FeedHubApp(root.Path, Settings()))
        {
            _ = first.Server;
        }

        File.Delete(Path.Combine(root.Path, "feeds", "sources.opml"));
        await using var second = FeedHubApp.Start(root.Path, Settings());

        var fromOpml = await second.Get<SourceStore>().GetAsync("from-opml", CancellationToken.None);
        Assert.Equal(SourceStatus.Active, fromOpml!.Status);
        Assert.NotNull(await second.NextPollAsync("from-opml"));
    }

    [Fact]
    public async Task InMemoryDatabase_IsRefusedAtStart()
    {
        var error = await FeedHubApp.StartFailureAsync(new Dictionary<string, string?> { ["FeedHub:Storage:ConnectionString"] = "Data Source=:memory:" });

        Assert.Contains("in-memory SQLite database would lose every item", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSourceInConfig_StopsStartWithTheKeyAtFault()
    {
        var settings = new Dictionary<string, string?>
        {
            ["FeedHub:Sources:0:Id"] = "bad",
            ["FeedHub:Sources:0:Url"] = "http://127.0.0.1:9/x.xml",
            ["FeedHub:Sources:0:Schedule"] = "every so often",
        };
        var error = await FeedHubApp.StartFailureAsync(settings);

        Assert.Contains("FeedHub:Sources:0:Schedule", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedOpml_StopsStartRatherThanRetireItsSources()
    {
        using var root = ContentRootWithOpml("<opml><body><outline text=");

        var error = await FeedHubApp.StartFailureAsync(Settings(), root.Path);

        Assert.Contains("sources.opml cannot be read", error.ToString(), StringComparison.Ordinal);
    }
}
