using System.Buffers.Binary;
using FsCheck.Xunit;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Replay;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Shreds;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Pipeline;

/// <summary>Batches from the ring (<see cref="DatagramRing.Drain(IDatagramBatchSink, int)"/>, <see cref="RingConsumer"/>) and replay
/// (<see cref="ShredReplayer.Replay(ShredReplayReader, ShredPipeline, int, int)"/>) deliver exactly what the per-datagram paths do.</summary>
public class BatchDeliveryTests
{
    [Property(MaxTest = 60)]
    public void RingBatchDrain_AnyFillAndWrap_DeliversEveryDatagramInOrderOnce(int seed)
    {
        var rng = new Random(seed);
        var ring = new DatagramRing(capacity: 1 << rng.Next(1, 7), IngestFullMode.DropNewest);
        var sink = new BatchSink();
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 30; round++)
        {
            int add = rng.Next(0, ring.Capacity + 1);
            for (int i = 0; i < add; i++)
            {
                var d = new byte[rng.Next(9, DatagramRing.SlotSize + 1)];
                BinaryPrimitives.WriteInt64LittleEndian(d, next);
                d[^1] = (byte)d.Length;
                if (ring.TryEnqueue(d, next, (int)(next % 5)))
                {
                    next++;
                }
            }

            int max = rng.Next(1, 300);
            int taken = ring.Drain(sink, max);
            Assert.True(taken <= max);
            expected += taken;
            Assert.Equal(expected, sink.Seen.Count);
        }

        while (ring.Drain(sink, 7) > 0)
        {
        }

        Assert.Equal(Enumerable.Range(0, (int)next).Select(i => (long)i), sink.Seen);
        Assert.DoesNotContain(sink.BatchSizes, n => n == 0);
    }

    [Fact]
    public void RingConsumer_BatchSink_GetsBatchesNotSingleDatagrams()
    {
        var ring = new DatagramRing(capacity: 8);
        var sink = new BatchSink();
        using var consumer = new RingConsumer([ring], sink, batchSize: 4);
        for (int i = 0; i < 6; i++)
        {
            var d = new byte[16];
            BinaryPrimitives.WriteInt64LittleEndian(d, i);
            d[^1] = 16;
            Assert.True(ring.TryEnqueue(d, i, i % 5));
        }

        Assert.Equal(4, consumer.DrainOnce());
        Assert.Equal(2, consumer.DrainOnce());
        Assert.Equal([4, 2], sink.BatchSizes);
        Assert.Equal(0, sink.SingleCalls);
        Assert.Equal(6, consumer.Delivered);
    }

    [FixtureFact]
    public void Replay_IntoPipeline_EqualsPerDatagramProcess()
    {
        // The demo capture plus a junk record longer than any UDP packet in the middle, as a length-prefixed file.
        var demo = ShredFixtures.Demo();
        var records = demo.Take(300).Append(new byte[1500]).Concat(demo.Skip(300)).Concat(demo.Take(40)).ToList();
        using var file = new MemoryStream();
        Span<byte> len = stackalloc byte[8];
        foreach (var r in records)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)r.Length);
            file.Write(len);
            file.Write(r);
        }

        var options = new ShredPipelineOptions
        {
            LeaderSchedule = new StaticLeaderScheduleProvider(Pubkey.Parse(ShredFixtures.DemoLeader)),
            Rules = ShredParseRules.CurrentFormat with { ExpectedVersion = 6051 },
        };
        var expected = new RecordingObserver();
        using var one = new ShredPipeline(options, expected);
        long ts = 0;
        foreach (var r in records)
        {
            one.Process(r, ts++, 3);
        }

        var actual = new RecordingObserver();
        using var batched = new ShredPipeline(options, actual);
        file.Position = 0;
        using var reader = new ShredReplayReader(file, ShredFileFormat.LengthPrefixed, leaveOpen: true);
        Assert.Equal(records.Count, ShredReplayer.Replay(reader, batched, sourceId: 3, batchSize: 100));

        Assert.Equal(one.Stats.Datagrams, batched.Stats.Datagrams);
        Assert.Equal(one.Stats.Accepted, batched.Stats.Accepted);
        Assert.Equal(40, batched.Stats.Duplicates);
        Assert.Equal(1, batched.Stats.GetRejected(ShredRejectReason.Oversized));
        Assert.Equal(one.Stats.Transactions, batched.Stats.Transactions);
        var e = Assert.Single(expected.Batches);
        var a = Assert.Single(actual.Batches);
        Assert.Equal(e.Payload, a.Payload);
        Assert.Equal((e.Slot, e.First, e.Last, e.Txs), (a.Slot, a.First, a.Last, a.Txs));
    }

    private sealed class BatchSink : IDatagramBatchSink
    {
        public List<long> Seen { get; } = [];

        public List<int> BatchSizes { get; } = [];

        public int SingleCalls { get; private set; }

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) => SingleCalls++;

        public void OnDatagrams(in DatagramBatch batch)
        {
            BatchSizes.Add(batch.Count);
            for (int i = 0; i < batch.Count; i++)
            {
                var d = batch[i];
                Assert.Equal(d.Length, d[^1] == (byte)d.Length ? d.Length : -1);
                long seq = BinaryPrimitives.ReadInt64LittleEndian(d);
                Assert.Equal(seq, batch.ReceiveTimestamps[i]);
                Assert.Equal((int)(seq % 5), batch.SourceIds[i]);
                Seen.Add(seq);
            }
        }
    }
}
