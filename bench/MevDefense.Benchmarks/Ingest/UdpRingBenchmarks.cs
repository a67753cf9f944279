using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Ring;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// <see cref="DatagramRing"/> throughput: enqueue (copy of a 1,228-byte shred) plus batch drain, on one thread (pure cost) and
/// with a producer thread and a consumer thread (SPSC hand-off, the way the UDP source uses it).
/// </summary>
[MemoryDiagnoser]
public class UdpRingBenchmarks
{
    private const int Batch = 256;
    private const int CrossThreadCount = 1 << 18;

    private readonly byte[] _shred = new byte[1228];
    private DatagramRing _ring = null!;
    private CountingSink _sink;

    [GlobalSetup]
    public void Setup()
    {
        new Random(2).NextBytes(_shred);
        _ring = new DatagramRing(DatagramRing.DefaultCapacity, IngestFullMode.DropNewest);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int EnqueueDrain_OneThread()
    {
        for (var i = 0; i < Batch; i++)
        {
            _ring.TryEnqueue(_shred, i, 0);
        }

        return _ring.Drain(ref _sink, Batch);
    }

    [Benchmark(OperationsPerInvoke = CrossThreadCount)]
    public long EnqueueDrain_ProducerConsumerThreads()
    {
        var ring = _ring;
        var shred = _shred;
        var producer = new Thread(() =>
        {
            for (var i = 0; i < CrossThreadCount; i++)
            {
                while (!ring.TryEnqueue(shred, i, 0))
                {
                    Thread.SpinWait(10);
                }
            }
        });
        var start = _sink.Count;
        producer.Start();
        var spin = new SpinWait();
        while (_sink.Count - start < CrossThreadCount)
        {
            if (ring.Drain(ref _sink, Batch) == 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        producer.Join();
        return _sink.Count;
    }

    private struct CountingSink : IDatagramSink
    {
        public long Count;
        public long Bytes;

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
        {
            Count++;
            Bytes += datagram[0];
        }
    }
}
