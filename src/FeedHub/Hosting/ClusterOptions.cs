using System.ComponentModel.DataAnnotations;

namespace FeedHub.Hosting;

/// <summary>
/// How a node takes part in the cluster that shares one schedule, when the store is PostgreSQL
/// (with SQLite there is one process and no cluster, and these settings are not used).
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "FeedHub:Cluster";

    /// <summary>The scheduler's name, the same on every node: it is what makes them one cluster.</summary>
    internal const string SchedulerName = "FeedHub";

    /// <summary>This node's id, unique in the cluster; left empty, one is made from the host name and the start time.</summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// How often a node tells the others it is alive. A node silent for this long past its last
    /// check-in is taken for dead: its triggers and the polls it was running go to the others.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "FeedHub:Cluster:CheckinInterval must be from 1 second to 10 minutes.")]
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(10);
}
