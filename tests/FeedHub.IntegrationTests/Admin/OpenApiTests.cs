using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Admin;
using FeedHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.IntegrationTests.Admin;

public sealed class OpenApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDocument_DescribesEveryAdminRoute_AndItsKey()
    {
        await using var app = new FeedHubApp();
        using var client = app.Admin();

        var document = await client.GetFromJsonAsync<JsonElement>("/api/openapi.json", Token);
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal) && e.RoutePattern.RawText != "/api/openapi.json")
            .SelectMany(e => e.Metadata.GetRequiredMetadata<HttpMethodMetadata>().HttpMethods.Select(m => (Path: WithoutConstraints(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToList();

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        Assert.NotEmpty(routes);
        foreach (var (path, method) in routes)
        {
            var operation = paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out var found) ? found : default;
            Assert.True(operation.ValueKind == JsonValueKind.Object, $"{method} {path} is not described");
            Assert.Equal("AdminKey", operation.GetProperty("security")[0].EnumerateObject().Single().Name);
        }

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("AdminKey");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));

        // The shapes clients code against are there, with the fields of the product's contract.
        var source = document.GetProperty("components").GetProperty("schemas").GetProperty("SourceResponse").GetProperty("properties");
        foreach (var field in new[] { "id", "title", "url", "siteUrl", "schedule", "tags", "license", "status", "lastSuccessAt", "errorStreak", "nextPollAt", "lastError" })
        {
            Assert.True(source.TryGetProperty(field, out _), $"SourceResponse lacks {field}");
        }

        Assert.True(paths.GetProperty("/api/sources/{id}").GetProperty("delete").GetProperty("responses").TryGetProperty("409", out _));
    }

    [Fact]
    public async Task TheDocument_NeedsTheKey()
    {
        await using var app = new FeedHubApp();
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync(new Uri("/api/openapi.json", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>A route as OpenAPI writes its path: "{id:long}" is "{id}".</summary>
    private static string WithoutConstraints(string route) => System.Text.RegularExpressions.Regex.Replace(route, @"\{(\w+):[^}]+\}", "{$1}");
}
