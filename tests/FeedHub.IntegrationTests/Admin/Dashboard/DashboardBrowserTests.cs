using FeedHub.IntegrationTests.Infrastructure;
using FeedHub.Model;
using FeedHub.Polling;
using FeedHub.Storage;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FeedHub.IntegrationTests.Admin.Dashboard;

/// <summary>An operator's session on the dashboard, in Debian's Chromium, against a loopback upstream.</summary>
public sealed class DashboardBrowserTests
{
    private const string Key = "browser-test-key-0123456789";

    [Fact]
    public async Task Operator_SignsIn_AddsPollsReschedulesAndPausesASource()
    {
        await using var upstream = await TestUpstream.StartAsync();
        upstream.ServeFeed("feed.xml", Feeds.Numbered(3));
        using var root = new TestDirectory();
        await using var hub = await RunningFeedHub.StartAsync(root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Admin:ApiKey"] = Key,
            ["FeedHub:Polling:AllowPrivateNetworks"] = "true",
            ["FeedHub:Polling:DefaultSchedule"] = "1h",
        });
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();

        // A guard, not a measure: on two cores shared with the rest of the suite a navigation can take
        // longer than Playwright's 30 s default, and nothing here is about speed.
        page.SetDefaultTimeout(90_000);

        // Signing in takes the keyboard alone: the key field has the focus, Enter sends it.
        await page.GotoAsync(new Uri(hub.BaseUrl, "admin").AbsoluteUri);
        await ArriveAsync(page, "/admin/sign-in?returnUrl=%2Fadmin");
        var key = page.GetByLabel("Admin key");
        await Assertions.Expect(key).ToBeFocusedAsync();
        await page.Keyboard.InsertTextAsync(Key);
        await Assertions.Expect(key).ToHaveValueAsync(Key);
        await page.Keyboard.PressAsync("Enter");
        await ArriveAsync(page, "/admin");
        Assert.Equal("Sources", await page.Locator("h1").InnerTextAsync());

        await page.Locator("summary", new() { HasText = "Add a source" }).ClickAsync();
        await page.GetByLabel("Feed URL").FillAsync(upstream.Url("feed.xml").AbsoluteUri);
        await page.GetByLabel("Id").FillAsync("local");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add and poll" }).ClickAsync();
        await ArriveAsync(page, "/admin/sources/local?done=added");
        Assert.Contains("Added local", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);

        // The first poll runs on its own; the items it stored show on the source's page.
        await Eventually.TrueAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator(".items li").CountAsync() == 3;
        }, "the first poll's items on the page");
        Assert.Contains("Story 3", await page.Locator(".items").InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Poll now" }).ClickAsync();
        await ArriveAsync(page, "/admin/sources/local?done=polled");
        await Eventually.TrueAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("[aria-label='Fetch history'] tbody tr").CountAsync() == 2;
        }, "the second poll in the history");
        Assert.Contains("NotModified", await page.Locator("[aria-label='Fetch history'] tbody tr").First.InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByLabel("New schedule").FillAsync("0 0/15 * * * ?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
        await ArriveAsync(page, "/admin/sources/local?done=scheduled");
        var store = hub.Services.GetRequiredService<SourceStore>();
        var nextFire = (await store.GetAsync("local", CancellationToken.None))!.State.NextAttemptAt;
        Assert.NotNull(nextFire);
        Assert.Equal(0, nextFire.Value.Minute % 15);
        Assert.Equal(0, nextFire.Value.Second);

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await ArriveAsync(page, "/admin/sources/local?done=paused");
        Assert.Equal(SourceStatus.Paused, (await store.GetAsync("local", CancellationToken.None))!.Status);
        Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).CountAsync());

        await page.GotoAsync(new Uri(hub.BaseUrl, "admin").AbsoluteUri);
        var row = page.Locator("tr[data-source=local]");
        Assert.Contains("Paused", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("0 0/15 * * * ?", await row.InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-sources.png"), FullPage = true });
    }

    [Fact]
    public async Task OnAPhone_ThePageDoesNotScrollSideways()
    {
        using var root = new TestDirectory();
        await using var hub = await RunningFeedHub.StartAsync(root.Path, new Dictionary<string, string?>
        {
            ["FeedHub:Admin:ApiKey"] = Key,
            ["FeedHub:Sources:0:Id"] = "a-source-with-a-rather-long-identifier",
            ["FeedHub:Sources:0:Url"] = "https://feeds.example/a/very/long/path/to/a/feed/that/goes/on/and/on.xml",
        });
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });

        await page.GotoAsync(new Uri(hub.BaseUrl, "admin/sign-in").AbsoluteUri);
        await page.GetByLabel("Admin key").FillAsync(Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ArriveAsync(page, "/admin");
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-sources-phone.png"), FullPage = true });

        // The wide table scrolls inside its own region; the page itself fits the screen.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        Assert.Equal(1, await page.Locator("tr[data-source='a-source-with-a-rather-long-identifier']").CountAsync());
    }

    /// <summary>
    /// Waits for the browser to reach <paramref name="url"/>; when it does not, says where it is and
    /// what the page shows. Reaching it is enough (the navigation committed): the page's load event
    /// is not awaited, since under load it was seen not to come within 90 s although the page was
    /// there and whole, and every later step waits for the element it needs anyway.
    /// </summary>
    /// <summary>
    /// Waits until the page is at <paramref name="path"/> (and query), by polling its address rather
    /// than waiting for a navigation event: on a loaded machine the page was seen at the address, whole,
    /// while a wait for the navigation to commit ran out after 90 s.
    /// </summary>
    private static async Task ArriveAsync(IPage page, string path)
    {
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("^https?://[^/]+" + Regex.Escape(path) + "$"), new() { Timeout = 90_000 });
        }
        catch (PlaywrightException e)
        {
            throw new TimeoutException($"Still at {page.Url}, not {path}; the page says: {await page.InnerTextAsync("body", new() { Timeout = 5_000 })}", e);
        }
    }
}
