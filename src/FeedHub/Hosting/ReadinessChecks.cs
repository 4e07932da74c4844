using FeedHub.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace FeedHub.Hosting;

/// <summary>Ready when the store answers a query.</summary>
internal sealed class StoreReadiness(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await database.AnswersAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The store does not answer.");
}

/// <summary>Ready when Quartz is running: scheduled articles are published (polls are dispatched from the store).</summary>
internal sealed class SchedulerReadiness(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        return status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The scheduler is {status}, not running.");
    }
}
