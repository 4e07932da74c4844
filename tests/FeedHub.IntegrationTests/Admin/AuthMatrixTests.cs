using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FeedHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.IntegrationTests.Admin;

/// <summary>
/// Every admin route the host maps, read from its routing table so a new one cannot be forgotten,
/// asked without a key, with a wrong key and with the right one.
/// </summary>
public sealed class AuthMatrixTests : IntegrationTest
{
    private FeedHubApp _app = null!;

    protected override ValueTask SetUpAsync()
    {
        // The matrix presents a wrong key on every route: more than a guesser is allowed in a minute.
        var settings = FeedHubApp.Sources(("a", new Uri("http://127.0.0.1:9/feed.xml")));
        settings["FeedHub:Admin:KeyGuessesPerMinute"] = "1000";
        _app = StartApp(settings: settings);
        return ValueTask.CompletedTask;
    }

    /// <summary>Each (method, path) under /api, with route parameters filled in.</summary>
    private List<(string Method, string Path)> AdminRoutes() =>
        [.. _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (method, Fill(e.RoutePattern.RawText!))))];

    private static string Fill(string pattern) => Regex.Replace(pattern, "{[^}]+}", "a");

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Token);
        return response.StatusCode;
    }

    [Fact]
    public async Task EveryAdminRoute_NeedsTheKey()
    {
        using var anonymous = _app.CreateClient();
        using var wrong = _app.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key-at-all-0000");
        using var basic = _app.CreateClient();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{FeedHubApp.ApiKey}")));
        using var admin = _app.Admin();

        var routes = AdminRoutes();
        var outcomes = new List<string>();
        foreach (var (method, path) in routes)
        {
            var none = await SendAsync(anonymous, method, path);
            var bad = await SendAsync(wrong, method, path);
            var otherScheme = await SendAsync(basic, method, path);
            var right = await SendAsync(admin, method, path);
            if (none != HttpStatusCode.Unauthorized || bad != HttpStatusCode.Unauthorized || otherScheme != HttpStatusCode.Unauthorized
                || right is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                outcomes.Add($"{method} {path}: none {(int)none}, wrong {(int)bad}, basic {(int)otherScheme}, key {(int)right}");
            }
        }

        Assert.True(routes.Count >= 12, $"only {routes.Count} admin routes found");
        Assert.Contains(("DELETE", "/api/sources/a"), routes);
        Assert.Empty(outcomes);
    }

    [Fact]
    public async Task GuessingTheApiKey_IsStoppedAfterTheLimit_EvenForTheRightKey()
    {
        var guesser = StartApp(settings: new Dictionary<string, string?> { ["FeedHub:Admin:KeyGuessesPerMinute"] = "5" });
        using var wrong = guesser.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key-at-all-0000");
        using var right = guesser.Admin();
        using var none = guesser.CreateClient();

        var guesses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            guesses.Add(await SendAsync(wrong, "GET", "/api/sources"));
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), HttpStatusCode.TooManyRequests], guesses);
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(right, "GET", "/api/sources"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(none, "GET", "/api/sources"));
    }
}
