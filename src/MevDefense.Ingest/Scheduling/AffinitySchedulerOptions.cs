namespace MevDefense.Ingest.Scheduling;

/// <summary>Options of the <see cref="AffinityScheduler"/>.</summary>
public sealed class AffinitySchedulerOptions
{
    /// <summary>Gets or sets whether ingest threads are pinned to CPUs.</summary>
    /// <value>The default value is <see langword="false"/>: threads are dedicated and named but not pinned.</value>
    public bool PinThreads { get; set; }

    /// <summary>Gets or sets the network interface (e.g. <c>eth0</c>) whose NUMA node's CPUs are used when <see cref="Cpus"/> is empty.</summary>
    /// <value>The default value is <see langword="null"/>: all CPUs the process may use.</value>
    public string? NetworkInterface { get; set; }

    /// <summary>Gets the explicit CPUs to pin to, in order (threads take them round-robin). Takes precedence over <see cref="NetworkInterface"/>.</summary>
    /// <value>The default value is empty.</value>
    public IList<int> Cpus { get; } = [];

    /// <summary>Gets or sets the root of the sysfs tree, for tests.</summary>
    /// <value>The default value is <c>/sys</c>.</value>
    public string SysfsRoot { get; set; } = "/sys";
}
