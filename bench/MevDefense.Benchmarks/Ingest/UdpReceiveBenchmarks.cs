using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Internal.Net;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Sources;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// Loopback UDP receive throughput of <see cref="UdpShredSource"/>: two SO_REUSEPORT receive loops (recvmmsg into the rings) and the
/// consumer thread, fed by two sender threads (one per loop, chosen by probing the kernel's REUSEPORT hash) that keep at most
/// <see cref="Window"/> datagrams in flight so the kernel never drops. Sender and receiver share the machine, so this is a
/// closed-loop send+receive figure (a lower bound of receive capacity).
/// </summary>
[MemoryDiagnoser]
public class UdpReceiveBenchmarks
{
    private const int PerInvoke = 1 << 16;
    private const int Window = 2048;

    private readonly CountingSink _sink = new();
    private UdpShredSource _source = null!;
    private Socket[] _senders = null!;
    private byte[] _payload = null!;
    private TimeSpan _cpu;
    private long _measured;

    /// <summary>Gets or sets whether recvmmsg (else the portable receive path) is used.</summary>
    [Params(true, false)]
    public bool RecvMmsg { get; set; }

    /// <summary>Gets or sets the datagram size (1,203 = a Merkle data shred, 1,228 = a code shred).</summary>
    [Params(1228)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Size];
        new Random(1).NextBytes(_payload);
        _source = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 2, UseRecvMmsg = RecvMmsg, RingCapacity = 1 << 16 },
            _sink);
        _source.StartAsync().GetAwaiter().GetResult();
        _senders = ProbeOneSenderPerLoop();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_measured > 0)
        {
            // Wall-clock figures on a shared machine mostly measure the load; CPU time per datagram does not.
            Console.WriteLine(
                $"// UDP RecvMmsg={RecvMmsg}: {_cpu.TotalNanoseconds / _measured:F0} ns of process CPU per datagram " +
                $"(senders + 2 receive loops + consumer) over {_measured} datagrams => {_measured / _cpu.TotalSeconds:F0} datagrams per CPU-second");
        }

        _source.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var s in _senders)
        {
            s.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public long ReceiveTwoLoops()
    {
        var start = _sink.Count;
        var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var threads = new Thread[_senders.Length];
        var perSender = PerInvoke / _senders.Length;
        for (var i = 0; i < threads.Length; i++)
        {
            var sender = _senders[i];
            var ring = _source.Rings[i];
            threads[i] = new Thread(() => Send(sender, ring, perSender));
            threads[i].Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        var spin = new SpinWait();
        while (_sink.Count - start < PerInvoke)
        {
            spin.SpinOnce();
        }

        _cpu += System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        _measured += PerInvoke;
        var s = _source.Statistics;
        if (s.DroppedNewest + s.DroppedOldest != 0)
        {
            throw new InvalidOperationException("the ring dropped datagrams: the figure would be invalid");
        }

        return _sink.Count;
    }

    private void Send(Socket sender, DatagramRing ring, int count)
    {
        // sendmmsg in batches of 64 on Linux (the sender's per-call cost would otherwise dominate the figure).
        var baseline = ring.Enqueued;
        var done = 0;
        while (done < count)
        {
            while (done - (ring.Enqueued - baseline) > Window - BatchSender.MaxBatch)
            {
                Thread.SpinWait(50);
            }

            var n = BatchSender.SendRepeated(sender, _payload, Math.Min(BatchSender.MaxBatch, count - done));
            if (n < 0)
            {
                sender.Send(_payload);
                n = 1;
            }

            done += n;
        }
    }

    private Socket[] ProbeOneSenderPerLoop()
    {
        var chosen = new Socket?[2];
        var target = _source.LocalEndPoint;
        for (var attempt = 0; attempt < 64 && (chosen[0] is null || chosen[1] is null); attempt++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            s.Connect(target);
            var before = _source.Rings.Select(r => r.Enqueued).ToArray();
            s.Send(_payload);
            while (_source.Rings.Select(r => r.Enqueued).Sum() == before.Sum())
            {
                Thread.Sleep(1);
            }

            var loop = _source.Rings[0].Enqueued != before[0] ? 0 : 1;
            if (chosen[loop] is null)
            {
                chosen[loop] = s;
            }
            else
            {
                s.Dispose();
            }
        }

        return [.. chosen.Where(static s => s is not null)!];
    }

    private sealed class CountingSink : IDatagramSink
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) => Volatile.Write(ref _count, _count + 1);
    }
}
