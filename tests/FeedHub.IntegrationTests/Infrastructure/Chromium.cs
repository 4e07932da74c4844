using Microsoft.Playwright;

namespace FeedHub.IntegrationTests.Infrastructure;

/// <summary>Debian's Chromium, headless, driven by Playwright (which downloads no browser of its own).</summary>
public sealed class Chromium : IAsyncDisposable
{
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<Chromium> LaunchAsync()
    {
        var executable = DebianTool.Require("/usr/bin/chromium", "chromium");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true, Args = Args });
        return new Chromium(playwright, browser);
    }

    public Task<IPage> NewPageAsync(BrowserNewPageOptions? options = null) => _browser.NewPageAsync(options);

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
