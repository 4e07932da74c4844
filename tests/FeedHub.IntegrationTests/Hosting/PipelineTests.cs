using FeedHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FeedHub.IntegrationTests.Hosting;

/// <summary>The middleware a request crosses: a feed read skips authentication, every other request is authenticated once.</summary>
public sealed class PipelineTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFeedRead_IsNotAuthenticated_AndAPage_IsAuthenticatedOnce()
    {
        await using var app = new FeedHubApp(
            settings: new Dictionary<string, string?> { ["FeedHub:Channels:0:Id"] = "news", ["FeedHub:Channels:0:Title"] = "News", ["FeedHub:Channels:0:Articles"] = "true" },
            services: services => services.AddSingleton<IAuthenticationSchemeProvider, CountingSchemes>());
        using var client = app.CreateClient();
        var schemes = (CountingSchemes)app.Get<IAuthenticationSchemeProvider>();

        (await client.GetAsync(new Uri("/feeds/news.atom", UriKind.Relative), Token)).EnsureSuccessStatusCode();
        Assert.Equal(0, schemes.Authentications);

        (await client.GetAsync(new Uri("/admin/sign-in", UriKind.Relative), Token)).EnsureSuccessStatusCode();
        Assert.Equal(1, schemes.Authentications);
    }

    /// <summary>Counts the authentication middleware's runs: it asks for the request handler schemes once per request it sees.</summary>
    private sealed class CountingSchemes(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
    {
        private int _authentications;

        public int Authentications => Volatile.Read(ref _authentications);

        public override Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
        {
            Interlocked.Increment(ref _authentications);
            return base.GetRequestHandlerSchemesAsync();
        }
    }
}
