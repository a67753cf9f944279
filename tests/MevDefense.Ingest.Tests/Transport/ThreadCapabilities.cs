using System.Runtime.InteropServices;

namespace MevDefense.Ingest.Tests.Transport;

/// <summary>Drops a capability from the calling thread's effective set (Linux capabilities are per thread; the rest of the
/// process keeps it). Lets a test running as root see what an unprivileged process sees.</summary>
internal static partial class ThreadCapabilities
{
    public const int CapNetAdmin = 12;
    private const uint LinuxCapabilityVersion3 = 0x20080522;

    public static void DropEffective(int capability)
    {
        uint[] header = [LinuxCapabilityVersion3, 0]; // pid 0 = the calling thread
        var data = new uint[6]; // two {effective, permitted, inheritable} words
        if (CapGet(header, data) != 0)
        {
            throw new InvalidOperationException($"capget failed, errno {Marshal.GetLastPInvokeError()}");
        }

        data[(capability / 32) * 3] &= ~(1u << (capability % 32));
        if (CapSet(header, data) != 0)
        {
            throw new InvalidOperationException($"capset failed, errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "capget", SetLastError = true)]
    private static partial int CapGet(uint[] header, uint[] data);

    [LibraryImport("libc", EntryPoint = "capset", SetLastError = true)]
    private static partial int CapSet(uint[] header, uint[] data);
}
