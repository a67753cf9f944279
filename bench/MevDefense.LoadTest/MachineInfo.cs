using System.Runtime.InteropServices;

namespace MevDefense.LoadTest;

/// <summary>What the figures were measured on.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        string cpu = "unknown CPU";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            }
        }
        catch (IOException)
        {
        }

        string flags = string.Join('/', new[]
        {
            System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : null,
            System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512" : null,
            System.Runtime.Intrinsics.X86.Gfni.IsSupported ? "GFNI" : null,
            File.Exists("/proc/cpuinfo") && File.ReadAllText("/proc/cpuinfo").Contains(" sha_ni", StringComparison.Ordinal) ? "SHA-NI" : null,
        }.Where(f => f is not null));
        long memBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return $"{cpu} ({flags}), {Environment.ProcessorCount} logical cores, {memBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
