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

/// <summary>A fact that needs Linux SO_RCVBUFFORCE to be permitted (CAP_NET_ADMIN); skipped with a message where the kernel refuses it.</summary>
public sealed class ReceiveBufferForceFactAttribute : FactAttribute
{
    public ReceiveBufferForceFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "SO_RCVBUFFORCE is Linux-only";
            return;
        }

        if (long.TryParse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), out var rmemMax) && rmemMax >= 256 << 20)
        {
            Skip = $"net.core.rmem_max is {rmemMax}: too large to show SO_RCVBUFFORCE exceeding it";
            return;
        }

        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        try
        {
            probe.SetRawSocketOption(1, 33, BitConverter.GetBytes(1 << 20)); // SOL_SOCKET, SO_RCVBUFFORCE
        }
        catch (System.Net.Sockets.SocketException e)
        {
            Skip = $"the kernel refuses SO_RCVBUFFORCE here ({e.SocketErrorCode}: needs CAP_NET_ADMIN)";
        }
    }
}
