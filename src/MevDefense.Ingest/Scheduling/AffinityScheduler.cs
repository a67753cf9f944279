using System.Globalization;
using MevDefense.Ingest.Internal.Net;
using MevDefense.Ingest.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Ingest.Scheduling;

/// <summary>
/// Starts the ingest loops on dedicated, named threads (<c>MevDefense.Ingest:{name}</c>), optionally pinned with
/// <c>sched_setaffinity</c> to the CPUs of the NIC's NUMA node (read from <c>/sys/class/net/&lt;nic&gt;/device/numa_node</c> and
/// <c>/sys/devices/system/node/node&lt;n&gt;/cpulist</c>) or to an explicit CPU list.
/// </summary>
/// <remarks>Where pinning is unsupported (not 64-bit Linux) it logs once and runs the threads unpinned.</remarks>
public sealed class AffinityScheduler
{
    private readonly ILogger _logger;
    private readonly bool _pin;
    private int _next;

    /// <summary>Creates a scheduler.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public AffinityScheduler(AffinitySchedulerOptions options, ILogger<AffinityScheduler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var cpus = new List<int>(options.Cpus);
        if (cpus.Count == 0 && !string.IsNullOrEmpty(options.NetworkInterface)
            && ReadNicNumaNode(options.NetworkInterface, options.SysfsRoot) is { } node
            && ReadNodeCpus(node, options.SysfsRoot) is { Count: > 0 } nodeCpus)
        {
            cpus.AddRange(nodeCpus);
            TransportLog.NumaCpus(_logger, options.NetworkInterface, node, FormatCpuList(nodeCpus));
        }

        if (cpus.Count == 0)
        {
            for (var i = 0; i < Environment.ProcessorCount; i++)
            {
                cpus.Add(i);
            }
        }

        Cpus = cpus;
        _pin = options.PinThreads;
        if (_pin && !IsSupported)
        {
            TransportLog.AffinityUnsupported(_logger, $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {IntPtr.Size * 8}-bit");
            _pin = false;
        }
    }

    /// <summary>Gets whether thread pinning is supported on this platform (64-bit Linux).</summary>
    public static bool IsSupported => LinuxNative.IsSupported;

    /// <summary>Gets the CPUs threads are assigned to, round-robin.</summary>
    public IReadOnlyList<int> Cpus { get; }

    /// <summary>Gets whether started threads are pinned.</summary>
    public bool PinsThreads => _pin;

    /// <summary>Starts <paramref name="body"/> on a new dedicated background thread named <c>MevDefense.Ingest:{name}</c>, pinned to the next CPU when pinning is on.</summary>
    /// <param name="name">The thread's short name.</param>
    /// <param name="body">The loop to run.</param>
    /// <returns>The started thread.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public Thread Start(string name, Action body)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(body);
        var threadName = "MevDefense.Ingest:" + name;
        int? cpu = _pin ? Cpus[(Interlocked.Increment(ref _next) - 1) % Cpus.Count] : null;
        var thread = new Thread(() =>
        {
            if (cpu is int c)
            {
                if (TryPinCurrentThread(c, out var errno))
                {
                    TransportLog.ThreadPinned(_logger, threadName, c);
                }
                else
                {
                    TransportLog.ThreadPinFailed(_logger, threadName, c, errno);
                }
            }

            body();
        })
        {
            IsBackground = true,
            Name = threadName,
        };
        thread.Start();
        return thread;
    }

    /// <summary>Pins the calling thread to one CPU with <c>sched_setaffinity</c>.</summary>
    /// <param name="cpu">The CPU number.</param>
    /// <param name="errno">The error number when it failed (0 when unsupported).</param>
    /// <returns><see langword="true"/> when the thread is now pinned.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cpu"/> is negative or 1,024 or more.</exception>
    public static unsafe bool TryPinCurrentThread(int cpu, out int errno)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, 1024);
        errno = 0;
        if (!IsSupported)
        {
            return false;
        }

        var mask = stackalloc byte[128]; // cpu_set_t: 1,024 bits
        new Span<byte>(mask, 128).Clear();
        mask[cpu >> 3] = (byte)(1 << (cpu & 7));
        if (LinuxNative.sched_setaffinity(0, 128, mask) == 0)
        {
            return true;
        }

        errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return false;
    }

    /// <summary>Returns the CPUs the calling thread may run on (<c>sched_getaffinity</c>), or <see langword="null"/> where unsupported.</summary>
    /// <returns>The CPU numbers, ascending.</returns>
    public static unsafe IReadOnlyList<int>? GetCurrentThreadAffinity()
    {
        if (!IsSupported)
        {
            return null;
        }

        var mask = stackalloc byte[128];
        if (LinuxNative.sched_getaffinity(0, 128, mask) != 0)
        {
            return null;
        }

        var cpus = new List<int>();
        for (var i = 0; i < 1024; i++)
        {
            if ((mask[i >> 3] & (1 << (i & 7))) != 0)
            {
                cpus.Add(i);
            }
        }

        return cpus;
    }

    /// <summary>Parses a Linux CPU list such as <c>0-3,8-11</c> (blank text = none).</summary>
    /// <param name="text">The list.</param>
    /// <returns>The CPUs, ascending and distinct.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not a CPU list.</exception>
    public static IReadOnlyList<int> ParseCpuList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var set = new SortedSet<int>();
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return [];
        }

        foreach (var part in trimmed.Split(','))
        {
            var range = part.Trim();
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            var first = ParseCpu(dash < 0 ? range : range[..dash]);
            var last = dash < 0 ? first : ParseCpu(range[(dash + 1)..]);
            if (last < first || last - first > 65_535)
            {
                throw new FormatException($"Invalid range '{part}' in CPU list '{text}'.");
            }

            for (var c = first; c <= last; c++)
            {
                set.Add(c);
            }
        }

        return [.. set];
    }

    /// <summary>Formats CPUs as a compact Linux CPU list (<c>0-3,8</c>).</summary>
    /// <param name="cpus">The CPUs.</param>
    /// <returns>The list text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cpus"/> is <see langword="null"/>.</exception>
    public static string FormatCpuList(IEnumerable<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        var sorted = new SortedSet<int>(cpus).ToArray();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }

        return string.Join(',', parts);
    }

    /// <summary>Reads the NUMA node of a network interface from sysfs.</summary>
    /// <param name="networkInterface">The interface name, e.g. <c>eth0</c>.</param>
    /// <param name="sysfsRoot">The sysfs root.</param>
    /// <returns>The node, or <see langword="null"/> when unknown (no file, virtual NIC, or -1).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static int? ReadNicNumaNode(string networkInterface, string sysfsRoot = "/sys")
    {
        ArgumentNullException.ThrowIfNull(networkInterface);
        ArgumentNullException.ThrowIfNull(sysfsRoot);
        if (networkInterface.Contains('/', StringComparison.Ordinal) || networkInterface.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.Combine(sysfsRoot, "class", "net", networkInterface, "device", "numa_node");
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var node) && node >= 0 ? node : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads the CPUs of a NUMA node from <c>/sys/devices/system/node/node&lt;n&gt;/cpulist</c>.</summary>
    /// <param name="node">The NUMA node.</param>
    /// <param name="sysfsRoot">The sysfs root.</param>
    /// <returns>The CPUs, or <see langword="null"/> when the file is missing or malformed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sysfsRoot"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<int>? ReadNodeCpus(int node, string sysfsRoot = "/sys")
    {
        ArgumentNullException.ThrowIfNull(sysfsRoot);
        var path = Path.Combine(sysfsRoot, "devices", "system", "node", "node" + node.ToString(CultureInfo.InvariantCulture), "cpulist");
        try
        {
            return ParseCpuList(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static int ParseCpu(string s)
    {
        if (!int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v > 1 << 20)
        {
            throw new FormatException($"Invalid CPU number '{s}'.");
        }

        return v;
    }
}
