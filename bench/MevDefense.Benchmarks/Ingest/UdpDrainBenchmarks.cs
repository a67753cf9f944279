using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Internal.Net;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Scheduling;
using MevDefense.Ingest.Sources;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// Receive-only capacity of <see cref="UdpShredSource"/> without a sender competing for the cores: a PREFILLED-SOCKET DRAIN.
/// Each iteration binds a fresh source (SO_REUSEPORT sockets with a SO_RCVBUFFORCE receive buffer far above
/// <c>net.core.rmem_max</c>), faults in its rings, queues <see cref="Datagrams"/> 1,232-byte datagrams in the kernel from
/// several sender ports while the receive loops are NOT running (checked: per-socket <c>rx_queue</c> and drops in
/// <c>/proc/net/udp</c>, <c>RcvbufErrors</c> in <c>/proc/net/snmp</c>), then the measured call starts the loops (pinned:
/// rx-0 on CPU 0, rx-1 on CPU 1; the consumer on CPU 1) and returns once every datagram is in the rings. The consumer (the real
/// <see cref="RingConsumer"/> with a sink that only counts) drains concurrently; its completion time is printed separately.
/// </summary>
public class UdpDrainBenchmarks
{
    private const int Datagrams = 1 << 18;
    private const int Size = DatagramRing.SlotSize;
    private const int SendersPerSocket = 2;

    private readonly CountingSink _sink = new();
    private readonly List<string> _notes = [];
    private HashSet<string?> _threadsBefore = [];
    private double _rxRunNs;
    private double _rxWaitNs;
    private double _consumerRunNs;
    private UdpShredSource? _source;
    private byte[] _payload = null!;
    private Stopwatch _clock = new();
    private TimeSpan _cpu0;
    private double _rxSeconds;
    private double _deliverSeconds;
    private double _cpuSeconds;
    private int _iterations;

    /// <summary>Gets or sets the number of receive loops (SO_REUSEPORT sockets).</summary>
    [Params(1, 2)]
    public int Loops { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Size];
        new Random(1).NextBytes(_payload);
        if (!LinuxNative.IsSupported)
        {
            throw new PlatformNotSupportedException("the drain benchmark needs 64-bit Linux (recvmmsg, /proc/net/udp)");
        }
    }

    [IterationSetup]
    public void Prefill()
    {
        _sink.Reset();
        _source = new UdpShredSource(
            new UdpShredSourceOptions
            {
                ListenAddress = IPAddress.Loopback,
                Port = 0,
                ReceiveLoops = Loops,
                ReceiveBufferBytes = int.MaxValue / 2,
                ForceReceiveBuffer = true,
                RingCapacity = Datagrams,
            },
            _sink,
            scheduler: new AffinityScheduler(new AffinitySchedulerOptions { PinThreads = true, Cpus = { 1, 0, 1 } }));
        _source.Prepare();
        var sockets = _source.Sockets;
        var rcvbuf = sockets[0].ReceiveBufferSize;
        if (rcvbuf < int.MaxValue / 2)
        {
            throw new InvalidOperationException($"SO_RCVBUFFORCE was refused (SO_RCVBUF {rcvbuf}): run as root / with CAP_NET_ADMIN");
        }

        // Fault in every ring slot (a long-running source reuses its ring; a fresh one would page-fault inside the measurement).
        foreach (var ring in _source.Rings)
        {
            for (var i = 0; i < ring.Capacity; i++)
            {
                ring.TryEnqueue(_payload, 0, 0);
            }

            while (ring.Drain(NullSink.Instance, ring.Capacity) > 0)
            {
            }
        }

        var senders = ProbeSenders(sockets);
        var perSocket = Datagrams / sockets.Count;
        var perSender = perSocket / SendersPerSocket;
        var errors0 = ReadRcvbufErrors();
        foreach (var s in senders)
        {
            var done = 0;
            while (done < perSender)
            {
                var n = BatchSender.SendRepeated(s, _payload, Math.Min(BatchSender.MaxBatch, perSender - done));
                done += Math.Max(n, 0);
            }

            s.Dispose();
        }

        var errors = ReadRcvbufErrors() - errors0;
        var queues = sockets.Select(ReadQueue).ToArray();
        if (errors != 0 || queues.Any(q => q.Drops != 0))
        {
            throw new InvalidOperationException($"the kernel dropped datagrams during the prefill (RcvbufErrors +{errors}, socket drops {string.Join('/', queues.Select(q => q.Drops))})");
        }

        if (_notes.Count < 2 * Loops)
        {
            _notes.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"prefill: SO_RCVBUF {rcvbuf} B; rx_queue per socket {string.Join(" / ", queues.Select(q => $"{q.RxQueue} B ({q.RxQueue / (double)perSocket:F0} B per datagram)"))}; {perSocket} datagrams per socket, RcvbufErrors +0"));
        }

        _threadsBefore = [.. Directory.GetDirectories("/proc/self/task").Select(Path.GetFileName)!];
        _cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        _clock = Stopwatch.StartNew();
    }

    /// <summary>Starts the receive loops on the prefilled sockets and waits until every datagram is in the rings.</summary>
    [Benchmark(OperationsPerInvoke = Datagrams)]
    public long Drain()
    {
        var source = _source!;
        source.StartAsync().GetAwaiter().GetResult();

        // Poll with 1 ms sleeps: a spinning waiter would take a third core's worth of CPU from the two receive loops. The
        // completion time is therefore up to ~1 ms late, a fraction of a percent of a drain of 262,144 datagrams.
        while (source.Statistics.Received < Datagrams)
        {
            Thread.Sleep(1);
        }

        _rxSeconds += _clock.Elapsed.TotalSeconds;
        while (_sink.Count < Datagrams)
        {
            Thread.Sleep(1);
        }

        _deliverSeconds += _clock.Elapsed.TotalSeconds;
        _cpuSeconds += (Process.GetCurrentProcess().TotalProcessorTime - _cpu0).TotalSeconds;
        _iterations++;
        ReadThreadTimes();
        var s = source.Statistics;
        if (s.DroppedNewest + s.DroppedOldest + s.Oversized + s.Empty != 0)
        {
            throw new InvalidOperationException("datagrams were dropped or discarded: the figure would be invalid");
        }

        return s.Received;
    }

    [IterationCleanup]
    public void Stop()
    {
        _source?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _source = null;
    }

    [GlobalCleanup]
    public void Report()
    {
        foreach (var n in _notes)
        {
            Console.WriteLine($"// UDP drain Loops={Loops} {n}");
        }

        if (_iterations > 0)
        {
            var total = (double)Datagrams * _iterations;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// UDP drain Loops={Loops} over {_iterations} iterations (warm-up included): into the rings {total / _rxSeconds / 1e3:F0} k datagrams/s wall " +
                $"({total / _rxSeconds / Loops / 1e3:F0} k per receive-loop core); delivered by the consumer {total / _deliverSeconds / 1e3:F0} k/s; " +
                $"process CPU {_cpuSeconds * 1e9 / total:F0} ns per datagram (receive loops + consumer + start-up, to delivery)"));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// UDP drain Loops={Loops} thread times (schedstat): receive loops {_rxRunNs / total:F0} ns on CPU per datagram " +
                $"(=> {total / _rxRunNs * 1e9 / 1e3:F0} k datagrams per receive-loop CPU-second), {_rxWaitNs / total:F0} ns per datagram waiting " +
                $"for a CPU (other load); consumer {_consumerRunNs / total:F0} ns on CPU per datagram"));
        }
    }

    private void ReadThreadTimes()
    {
        // The source's threads are the new ones pinned to a single CPU, started consumer first, then rx-0, rx-1 (ascending tids).
        // /proc/self/task/TID/schedstat: ns on CPU, ns waiting on a run queue, time slices.
        var started = Directory.GetDirectories("/proc/self/task").Select(Path.GetFileName)
            .Where(t => !_threadsBefore.Contains(t))
            .Select(t => (Tid: int.Parse(t!, CultureInfo.InvariantCulture), Dir: "/proc/self/task/" + t))
            .Where(t => File.ReadLines(t.Dir + "/status").Any(static l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal) && !l.Contains('-', StringComparison.Ordinal) && !l.Contains(',', StringComparison.Ordinal)))
            .OrderBy(static t => t.Tid)
            .ToArray();
        if (started.Length != Loops + 1)
        {
            Console.WriteLine($"// UDP drain: expected {Loops + 1} pinned source threads, found {started.Length}; thread times skipped");
            return;
        }

        for (var i = 0; i < started.Length; i++)
        {
            var f = File.ReadAllText(started[i].Dir + "/schedstat").Split(' ');
            var run = double.Parse(f[0], CultureInfo.InvariantCulture);
            var wait = double.Parse(f[1], CultureInfo.InvariantCulture);
            if (i == 0)
            {
                _consumerRunNs += run;
            }
            else
            {
                _rxRunNs += run;
                _rxWaitNs += wait;
            }
        }
    }

    private Socket[] ProbeSenders(IReadOnlyList<Socket> sockets)
    {
        // One datagram from each candidate port shows which socket the kernel's REUSEPORT hash picks for it (the loops are not
        // running, so it waits in that socket's queue and is read off here).
        var chosen = new List<Socket>[sockets.Count];
        for (var i = 0; i < chosen.Length; i++)
        {
            chosen[i] = [];
        }

        var probe = new byte[1];
        for (var attempt = 0; attempt < 256 && chosen.Any(c => c.Count < SendersPerSocket); attempt++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            s.Connect(_source!.LocalEndPoint);
            s.Send(probe);
            var target = -1;
            for (var i = 0; i < sockets.Count; i++)
            {
                if (sockets[i].Available > 0)
                {
                    target = i;
                    sockets[i].Receive(new byte[Size]);
                }
            }

            if (target >= 0 && chosen[target].Count < SendersPerSocket)
            {
                chosen[target].Add(s);
            }
            else
            {
                s.Dispose();
            }
        }

        if (chosen.Any(c => c.Count < SendersPerSocket))
        {
            throw new InvalidOperationException("could not find sender ports for every receive socket");
        }

        return [.. chosen.SelectMany(static c => c)];
    }

    private static long ReadRcvbufErrors()
    {
        var lines = File.ReadAllLines("/proc/net/snmp").Where(static l => l.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
        var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(values[Array.IndexOf(names, "RcvbufErrors")], CultureInfo.InvariantCulture);
    }

    private static (long RxQueue, long Drops) ReadQueue(Socket socket)
    {
        // /proc/net/udp: "sl local rem st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode ref pointer drops"; matched by inode.
        var link = new FileInfo($"/proc/self/fd/{SocketTuning.Descriptor(socket)}").LinkTarget ?? string.Empty;
        var inode = link.Replace("socket:[", string.Empty, StringComparison.Ordinal).TrimEnd(']');
        foreach (var line in File.ReadLines("/proc/net/udp").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 12 && f[9] == inode)
            {
                var rx = long.Parse(f[4].AsSpan(f[4].IndexOf(':', StringComparison.Ordinal) + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return (rx, long.Parse(f[12], CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"socket inode {inode} not found in /proc/net/udp");
    }

    private sealed class CountingSink : IDatagramSink
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void Reset() => Volatile.Write(ref _count, 0);

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) => Volatile.Write(ref _count, _count + 1);
    }

    private sealed class NullSink : IDatagramSink
    {
        public static readonly NullSink Instance = new();

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
        {
        }
    }
}
