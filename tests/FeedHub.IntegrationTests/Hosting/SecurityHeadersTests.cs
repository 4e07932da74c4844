using System.Net;
using FeedHub.IntegrationTests.Infrastructure;

namespace FeedHub.IntegrationTests.Hosting;

/// <summary>Pages and API answers tell the browser to run no script, sniff no type and stay out of frames; feed reads are not pages and skip it.</summary>
public sealed class SecurityHeadersTests : IntegrationTest
{
    [Theory]
    [InlineData("/", "form-action 'none'")]
    [InlineData("/articles/no-such-article", "form-action 'none'")]
    [InlineData("/admin/sign-in", "form-action 'self'")]
    [InlineData("/api/sources", "form-action 'none'")]
    public async Task APageOrApiAnswer_CarriesTheSecurityHeaders(string path, string formAction)
    {
        var app = StartApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Token);

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'none';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains(formAction, policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task AFeedRead_SkipsThePageHeaders()
    {
        var app = StartApp(settings: new Dictionary<string, string?>
        {
            ["FeedHub:Channels:0:Id"] = "news",
            ["FeedHub:Channels:0:Title"] = "News",
            ["FeedHub:Channels:0:Articles"] = "true",
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/feeds/news.atom", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }
}
