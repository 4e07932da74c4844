using Quartz;

namespace FeedHub.Polling;

/// <summary>
/// The poll schedule's clock: every second, and one at a time across a cluster, it asks the
/// <see cref="PollDispatcher"/> of the node it fires on to claim what is due. The schedule itself is
/// in the store; this job has no state.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class DispatchJob(PollDispatcher dispatcher) : IJob
{
    public static readonly JobKey Key = new("dispatch", "polling");

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await dispatcher.DispatchAsync(cancellationToken);
}
