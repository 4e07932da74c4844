using System.Net;
using FeedHub.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace FeedHub.IntegrationTests.Hosting;

public sealed class HealthTests
{
    [Fact]
    public async Task Liveness_AndReadiness_ReportTheStoreAndTheScheduler()
    {
        await using var app = new FeedHubApp();
        using var client = app.CreateClient();
        var token = TestContext.Current.CancellationToken;

        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/healthz", UriKind.Relative), token));
        await Eventually.TrueAsync(async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative), token)).StatusCode == HttpStatusCode.OK, "readiness once the scheduler runs");

        // With the scheduler on standby, FeedHub is alive but not ready.
        await (await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(token)).Standby(token);
        var notReady = await client.GetAsync(new Uri("/readyz", UriKind.Relative), token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("Unhealthy", await notReady.Content.ReadAsStringAsync(token));
        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/healthz", UriKind.Relative), token));
    }
}
