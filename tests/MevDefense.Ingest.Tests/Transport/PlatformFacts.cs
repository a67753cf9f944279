using MevDefense.Ingest.Scheduling;

namespace MevDefense.Ingest.Tests.Transport;

/// <summary>A fact that needs 64-bit Linux (sched_setaffinity, recvmmsg, SO_TXTIME); skipped with a message elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!AffinityScheduler.IsSupported)
        {
            Skip = "needs 64-bit Linux (sched_setaffinity / recvmmsg / SO_TXTIME); this platform uses the portable paths";
        }
    }
}

/// <summary>A fact that needs the NUMA sysfs tree (/sys/devices/system/node/node0).</summary>
public sealed class NumaSysfsFactAttribute : FactAttribute
{
    public NumaSysfsFactAttribute()
    {
        if (!Directory.Exists("/sys/devices/system/node/node0"))
        {
            Skip = "no /sys/devices/system/node/node0 on this machine";
        }
    }
}
