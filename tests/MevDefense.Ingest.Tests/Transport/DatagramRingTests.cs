using System.Buffers.Binary;
using FsCheck;
using FsCheck.Xunit;
using MevDefense.Ingest.Ring;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class DatagramRingTests
{
    private sealed class ListSink : IDatagramSink
    {
        public List<(byte[] Data, long Ts, int Source)> Items { get; } = [];

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) => Items.Add((datagram.ToArray(), receiveTimestamp, sourceId));
    }

    private sealed class SequenceSink : IDatagramSink
    {
        public List<long> Seen { get; } = [];

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
        {
            Assert.Equal(receiveTimestamp, BinaryPrimitives.ReadInt64LittleEndian(datagram));
            Seen.Add(receiveTimestamp);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1 << 21)]
    public void Ctor_InvalidCapacity_Throws(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>("capacity", () => new DatagramRing(capacity));

    [Fact]
    public void TryEnqueue_Oversized_Throws()
    {
        var ring = new DatagramRing(4);
        Assert.Throws<ArgumentOutOfRangeException>("datagram", () => ring.TryEnqueue(new byte[DatagramRing.SlotSize + 1], 0, 0));
    }

    [Fact]
    public void Drain_ReturnsPayloadTimestampAndSource()
    {
        var ring = new DatagramRing(4);
        Assert.True(ring.TryEnqueue([1, 2, 3], 42, 7));
        Assert.True(ring.TryEnqueue(new byte[DatagramRing.SlotSize], 43, 8));
        var sink = new ListSink();
        Assert.Equal(2, ring.Drain(sink));
        Assert.Equal([1, 2, 3], sink.Items[0].Data);
        Assert.Equal((42L, 7), (sink.Items[0].Ts, sink.Items[0].Source));
        Assert.Equal(DatagramRing.SlotSize, sink.Items[1].Data.Length);
        Assert.Equal(0, ring.Drain(sink));
    }

    [Fact]
    public void DropNewest_WhenFull_RejectsAndCounts()
    {
        var ring = new DatagramRing(2, IngestFullMode.DropNewest);
        Assert.True(ring.TryEnqueue([1], 1, 0));
        Assert.True(ring.TryEnqueue([2], 2, 0));
        Assert.False(ring.TryEnqueue([3], 3, 0));
        Assert.Equal(1, ring.DroppedNewest);
        var sink = new ListSink();
        ring.Drain(sink);
        Assert.Equal([1, 2], sink.Items.Select(i => i.Data[0]));
    }

    [Fact]
    public void DropOldest_WhenFull_EvictsOldestAndCounts()
    {
        var ring = new DatagramRing(2, IngestFullMode.DropOldest);
        ring.TryEnqueue([1], 1, 0);
        ring.TryEnqueue([2], 2, 0);
        Assert.True(ring.TryEnqueue([3], 3, 0));
        Assert.Equal(1, ring.DroppedOldest);
        var sink = new ListSink();
        ring.Drain(sink);
        Assert.Equal([2, 3], sink.Items.Select(i => i.Data[0]));
    }

    [Fact]
    public void Drain_SinkThrows_SlotsAreStillReleased()
    {
        var ring = new DatagramRing(2, IngestFullMode.DropNewest);
        ring.TryEnqueue([1], 1, 0);
        ring.TryEnqueue([2], 2, 0);
        Assert.Throws<InvalidOperationException>(() => ring.Drain(new ThrowingSink()));
        Assert.True(ring.TryEnqueue([3], 3, 0));
        Assert.True(ring.TryEnqueue([4], 4, 0));
    }

    private sealed class ThrowingSink : IDatagramSink
    {
        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) => throw new InvalidOperationException();
    }

    /// <summary>Any interleaving of enqueues (positive op = payload length) and drains (negative op = batch size) behaves like a bounded FIFO model with the same full policy.</summary>
    [Property(MaxTest = 300)]
    public bool AnyOperationSequence_MatchesBoundedQueueModel(int[] ops, bool dropOldest, byte capacityLog)
    {
        var capacity = 1 << (2 + (capacityLog % 4));
        var mode = dropOldest ? IngestFullMode.DropOldest : IngestFullMode.DropNewest;
        var ring = new DatagramRing(capacity, mode);
        var model = new Queue<byte[]>();
        long modelNewest = 0, modelOldest = 0, seq = 0;
        var sink = new ListSink();
        foreach (var op in ops ?? [])
        {
            if (op >= 0)
            {
                var len = op % (DatagramRing.SlotSize + 1);
                var payload = new byte[len];
                new Random((int)seq).NextBytes(payload);
                var ok = ring.TryEnqueue(payload, seq, (int)(seq % 5));
                seq++;
                if (model.Count == capacity)
                {
                    if (mode == IngestFullMode.DropNewest)
                    {
                        modelNewest++;
                        if (ok)
                        {
                            return false;
                        }

                        continue;
                    }

                    model.Dequeue();
                    modelOldest++;
                }

                if (!ok)
                {
                    return false;
                }

                model.Enqueue(payload);
            }
            else
            {
                var batch = op == int.MinValue ? 1 : Math.Max(1, (-op) % 300);
                sink.Items.Clear();
                var n = ring.Drain(sink, batch);
                if (n != Math.Min(batch, model.Count) || n != sink.Items.Count)
                {
                    return false;
                }

                foreach (var item in sink.Items)
                {
                    if (!item.Data.AsSpan().SequenceEqual(model.Dequeue()))
                    {
                        return false;
                    }
                }
            }
        }

        return ring.DroppedNewest == modelNewest && ring.DroppedOldest == modelOldest && ring.Count == model.Count;
    }

    [Fact]
    public void ConcurrentProducerConsumer_NotFull_NoLossNoDuplicationInOrder()
    {
        const int N = 200_000;
        var ring = new DatagramRing(1024, IngestFullMode.DropNewest);
        var sink = new SequenceSink();
        var producer = new Thread(() =>
        {
            Span<byte> buf = stackalloc byte[64];
            for (long i = 0; i < N; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(buf, i);
                while (!ring.TryEnqueue(buf, i, 0))
                {
                    Thread.SpinWait(20); // full: the producer retries, so nothing may be lost
                }
            }
        });
        producer.Start();
        while (sink.Seen.Count < N)
        {
            if (ring.Drain(ref sink, 256) == 0)
            {
                Thread.Yield();
            }
        }

        producer.Join();
        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), sink.Seen);
        Assert.Equal(0, ring.Drain(sink));
    }

    [Fact]
    public void ConcurrentProducerConsumer_DropOldest_OrderedAndAccounted()
    {
        const int N = 200_000;
        var ring = new DatagramRing(64, IngestFullMode.DropOldest);
        var sink = new SequenceSink();
        var done = 0;
        var producer = new Thread(() =>
        {
            Span<byte> buf = stackalloc byte[16];
            for (long i = 0; i < N; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(buf, i);
                ring.TryEnqueue(buf, i, 0);
            }

            Volatile.Write(ref done, 1);
        });
        producer.Start();
        while (Volatile.Read(ref done) == 0 || !ring.IsEmpty)
        {
            if (ring.Drain(ref sink, 7) == 0)
            {
                Thread.Yield();
            }
        }

        producer.Join();
        for (var i = 1; i < sink.Seen.Count; i++)
        {
            Assert.True(sink.Seen[i] > sink.Seen[i - 1], $"out of order or duplicated at {i}");
        }

        Assert.Equal(N, sink.Seen.Count + ring.DroppedNewest + ring.DroppedOldest);
        Assert.Equal(N, ring.Enqueued + ring.DroppedNewest);
    }
}
