using System.ComponentModel.DataAnnotations;

namespace MevDefense.Ingest.Selection;

/// <summary>Options of <see cref="RpcLeaderScheduleProvider"/>.</summary>
public sealed class RpcLeaderScheduleProviderOptions
{
    /// <summary>Gets or sets how often the node's epoch position is polled (<c>getEpochInfo</c>) when all is well.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how close to the end of the current epoch (in slots) the next epoch's schedule is fetched.</summary>
    /// <value>The default value is 10,000 slots (about 67 minutes at 400 ms slots); the schedule of epoch N+1 is known to nodes
    /// throughout epoch N.</value>
    [Range(1UL, ulong.MaxValue)]
    public ulong PrefetchSlots { get; set; } = 10_000;

    /// <summary>Gets or sets the first retry delay after a failed refresh; it doubles on every further failure.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest retry delay after failed refreshes.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the shortest time between two refreshes when a lookup of a slot of the current or next epoch misses
    /// (such a miss wakes the refresh loop early, at most this often).</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how many epochs before the current one stay cached (for late or replayed shreds).</summary>
    /// <value>The default value is 1.</value>
    [Range(0, 16)]
    public int RetainedPastEpochs { get; set; } = 1;
}
