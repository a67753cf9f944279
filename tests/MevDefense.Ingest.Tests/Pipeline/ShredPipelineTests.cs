using System.Buffers.Binary;
using FsCheck.Xunit;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shreds;
using MevDefense.Ingest.Tests.Merkle;
using MevDefense.TestUtils;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NSec.Cryptography;
using System.Diagnostics.Metrics;

namespace MevDefense.Ingest.Tests.Pipeline;

public class ShredPipelineTests
{
    private static ShredPipelineOptions DemoOptions() => new()
    {
        LeaderSchedule = new StaticLeaderScheduleProvider(Pubkey.Parse(ShredFixtures.DemoLeader)),
        Rules = ShredParseRules.CurrentFormat with { ExpectedVersion = 6051 },
    };

    [FixtureFact]
    public void Process_DemoPcap_DeshredsToDemoBinWithVerifiedSets()
    {
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(DemoOptions(), observer);
        long ts = 0;
        foreach (var s in ShredFixtures.Demo())
        {
            Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(s, ts++, 0));
        }

        var batch = Assert.Single(observer.Batches);
        Assert.Equal(ShredFixtures.DemoBin(), batch.Payload);
        Assert.Equal((0UL, 0u, 255u, 64, 1280, true), (batch.Slot, batch.First, batch.Last, batch.Entries, batch.Txs, batch.Decoded));
        Assert.Equal(8, pipeline.Stats.SignatureVerifications);

        pipeline.Flush();
        Assert.Equal(8, observer.FecSets.Count);
        Assert.All(observer.FecSets, f => Assert.True(f.Complete && f.SignatureValid == true && f.DataShreds == 32 && f.CodeShreds == 32 && f.Recovered == 0));
        Assert.Equal("5cd46125edc524ae3d10a99d8856af859f78e3924f7d1887581895e1edcc4e45", Convert.ToHexStringLower(observer.FecSets.Single(f => f.FecSetIndex == 0).MerkleRoot.AsSpan()));
        Assert.Equal(0, pipeline.InFlightFecSets);
    }

    [FixtureFact]
    public void Process_OnlyCodingShredsAndFewData_RecoversEverything()
    {
        // Keep all 32 coding shreds of every set and no data shred except the last set's first: recovery rebuilds all data.
        var shreds = ShredFixtures.Demo().Where(s => s[0x40] is 0x66 or 0x76).ToList();
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(DemoOptions(), observer);
        foreach (var s in shreds)
        {
            pipeline.Process(s, 1, 0);
        }

        Assert.Equal(ShredFixtures.DemoBin(), Assert.Single(observer.Batches).Payload);
        Assert.Equal(256, pipeline.Stats.Recovered);
        Assert.Equal(0, pipeline.Stats.RecoveryFailures);
    }

    [FixtureFact]
    public void Recovery_RebuiltShreds_AreByteIdenticalToTheOriginals()
    {
        // Keep 16 data + 16 coding shreds of every set: 16 data and 16 coding shreds per set are rebuilt (headers, shard,
        // chained root, recomputed proof, retransmitter signature) and must equal the captured ones byte for byte.
        var demo = ShredFixtures.Demo();
        var originals = demo.ToDictionary(s => (ShredMerkleTests.Parse(s).IsData, ShredMerkleTests.Parse(s).Index), s => s);
        var kept = demo.Where(s => { var h = ShredMerkleTests.Parse(s); return h.IsData ? (h.Index - h.FecSetIndex) % 2 == 1 : h.Position % 2 == 0; });
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(DemoOptions(), observer);
        foreach (var s in kept)
        {
            pipeline.Process(s, 0, 0);
        }

        Assert.Equal(256, observer.Recovered.Count);
        foreach (var (_, index, isData, shred) in observer.Recovered)
        {
            Assert.Equal(originals[(isData, index)], shred);
        }

        Assert.Equal(ShredFixtures.DemoBin(), Assert.Single(observer.Batches).Payload);
        Assert.Equal(128, pipeline.Stats.Recovered);
    }

    /// <summary>Drop any subset leaving at least 32 of each set's 64 shreds, shuffle and duplicate the rest: output is identical.</summary>
    [FixtureFact]
    public void Process_DropShuffleDuplicate_OutputIsIdentical_Property()
    {
        var demo = ShredFixtures.Demo();
        var expected = ShredFixtures.DemoBin();
        var bySet = demo.GroupBy(s => ShredMerkleTests.Parse(s).FecSetIndex).ToDictionary(g => g.Key, g => g.ToList());
        var options = DemoOptions();
        var property = FsCheck.Fluent.Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var input = new List<byte[]>();
            foreach (var (_, set) in bySet)
            {
                int keep = rng.Next(32, 65);
                input.AddRange(set.OrderBy(_ => rng.Next()).Take(keep));
            }

            int dups = rng.Next(0, 100);
            for (int i = 0; i < dups; i++)
            {
                input.Add(input[rng.Next(input.Count)]);
            }

            input = input.OrderBy(_ => rng.Next()).ToList();
            var observer = new RecordingObserver();
            using var pipeline = new ShredPipeline(options, observer);
            foreach (var s in input)
            {
                pipeline.Process(s, 0, rng.Next(3));
            }

            pipeline.Flush();
            var batch = Assert.Single(observer.Batches);
            Assert.Equal(expected, batch.Payload);
            Assert.Equal((0u, 255u, 64, 1280), (batch.First, batch.Last, batch.Entries, batch.Txs));
            Assert.Equal(input.Count, pipeline.Stats.Accepted + pipeline.Stats.Duplicates);
            Assert.Equal(8, observer.FecSets.Count);
            Assert.All(observer.FecSets, f => Assert.True(f.Complete && f.SignatureValid == true));
            Assert.Equal(0, pipeline.Stats.RecoveryFailures);
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(40), property);
    }

    /// <summary>Several slots interleaved, each losing up to half of every FEC set, shuffled and duplicated: every slot deshreds to demo-shreds.bin.
    /// (Slots are rewritten and parity re-encoded, so this runs with Merkle/signature checks off.)</summary>
    [FixtureFact]
    public void Process_InterleavedSlotsWithLoss_EverySlotDeshreds_Property()
    {
        var expected = ShredFixtures.DemoBin();
        var slots = Enumerable.Range(0, 4).Select(i => Reslot(ShredFixtures.Demo(), 100 + (ulong)i)).ToList();
        var property = FsCheck.Fluent.Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var input = new List<byte[]>();
            foreach (var slot in slots)
            {
                foreach (var set in slot.GroupBy(x => ShredMerkleTests.Parse(x).FecSetIndex))
                {
                    input.AddRange(set.OrderBy(_ => rng.Next()).Take(rng.Next(32, 65)));
                }
            }

            input.AddRange(Enumerable.Range(0, 50).Select(_ => input[rng.Next(input.Count)]));
            var observer = new RecordingObserver();
            using var pipeline = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false, VerifyMerkleProofs = false }, observer);
            foreach (var d in input.OrderBy(_ => rng.Next()))
            {
                pipeline.Process(d, 0, 0);
            }

            Assert.Equal(4, observer.Batches.Count);
            Assert.All(observer.Batches, b => Assert.Equal(expected, b.Payload));
            Assert.Equal(new ulong[] { 100, 101, 102, 103 }, observer.Batches.Select(b => b.Slot).Order());
            Assert.Equal(0, pipeline.Stats.RecoveryFailures);
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(15), property);
    }

    /// <summary>Moves the demo capture to another slot: rewrites slot/parent in every header and re-encodes parity.</summary>
    private static List<byte[]> Reslot(List<byte[]> demo, ulong slot)
    {
        var copies = demo.Select(s => (byte[])s.Clone()).ToList();
        foreach (var c in copies)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(c.AsSpan(0x41), slot);
            if (c[0x40] is 0x96 or 0xB6)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(0x53), 1);
            }
        }

        foreach (var set in copies.GroupBy(c => ShredMerkleTests.Parse(c).FecSetIndex))
        {
            int len = ShredMerkleTests.Parse(set.First()).ShardLength;
            var data = set.Where(c => c[0x40] is 0x96 or 0xB6).OrderBy(c => ShredMerkleTests.Parse(c).Index).Select(c => (ReadOnlyMemory<byte>)c.AsMemory(64, len)).ToArray();
            var code = set.Where(c => c[0x40] is 0x66 or 0x76).OrderBy(c => ShredMerkleTests.Parse(c).Position).Select(c => (Memory<byte>)c.AsMemory(89, len)).ToArray();
            new MevDefense.Ingest.Fec.ReedSolomon(32, 32).Encode(data, code, len);
        }

        return copies;
    }

    [FixtureFact]
    public void Process_ResignedShredsWithDifferentRetransmitterSignatures_AreDuplicates()
    {
        var demo = ShredFixtures.Demo();
        var resigned = demo.Where(s => s[0x40] is 0xB6 or 0x76).ToList();
        using var pipeline = new ShredPipeline(DemoOptions());
        foreach (var s in resigned)
        {
            Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(s, 0, 0));
        }

        foreach (var s in resigned)
        {
            var other = (byte[])s.Clone();
            other[^1] ^= 0x5A; // another hop's retransmitter signature
            Assert.Equal(ShredProcessResult.Duplicate, pipeline.Process(other, 0, 1));
        }

        Assert.Equal(64, pipeline.Stats.Duplicates);
    }

    [FixtureFact]
    public void Process_SecondSignedVersionOfASet_ReportsEquivocationOnce()
    {
        var demo = ShredFixtures.Demo();
        var key = ShredFixtures.DemoKey();
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(DemoOptions(), observer);
        foreach (var s in demo.Take(10))
        {
            pipeline.Process(s, 0, 0);
        }

        // A conflicting shred: different entry bytes, its own root, validly signed by the leader.
        var forged = (byte[])demo[3].Clone();
        var h = ShredMerkleTests.Parse(forged);
        forged[200] ^= 0xFF;
        var root = ShredMerkleTests.RootOf(forged, h, new byte[ShredMerkle.LeafScratchSize]);
        using (var k = Key.Import(SignatureAlgorithm.Ed25519, key.AsSpan(0, 32), KeyBlobFormat.RawPrivateKey))
        {
            SignatureAlgorithm.Ed25519.Sign(k, root).CopyTo(forged, 0);
        }

        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(forged, 0, 1, out var reason));
        Assert.Equal(ShredRejectReason.Equivocation, reason);
        pipeline.Process(forged, 0, 1);
        var e = Assert.Single(observer.Equivocations);
        Assert.Equal(h.FecSetIndex, e.FecSetIndex);
        Assert.True(e.SecondSignatureVerified);
        Assert.Equal(1, pipeline.Stats.Equivocations);

        // An unsigned forgery (bad signature) is not an equivocation, just invalid.
        forged[5] ^= 1;
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(forged, 0, 1, out reason));
        Assert.Equal(ShredRejectReason.InvalidSignature, reason);
    }

    [FixtureFact]
    public void Process_TamperedPayloadOrWrongLeader_IsRejectedAndCounted()
    {
        var demo = ShredFixtures.Demo();
        using var pipeline = new ShredPipeline(DemoOptions());
        var first = (byte[])demo[0].Clone();
        first[300] ^= 1; // first shred of the set: root changes, signature fails
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(first, 0, 0, out var reason));
        Assert.Equal(ShredRejectReason.InvalidSignature, reason);
        Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(demo[1], 0, 0));
        var tampered = (byte[])demo[2].Clone();
        tampered[300] ^= 1; // later shred: its proof no longer reaches the verified root
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(tampered, 0, 0, out reason));
        Assert.Equal(ShredRejectReason.InvalidMerkleProof, reason);
        Assert.Equal(1, pipeline.Stats.GetRejected(ShredRejectReason.InvalidMerkleProof));

        var otherLeader = new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(new Pubkey(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray())) };
        using var wrong = new ShredPipeline(otherLeader);
        Assert.Equal(ShredProcessResult.Rejected, wrong.Process(demo[0], 0, 0, out reason));
        Assert.Equal(ShredRejectReason.InvalidSignature, reason);
        Assert.Equal(0, wrong.InFlightSlots); // rejected shreds never create slot or set state
        Assert.Equal(0, wrong.InFlightFecSets);
        using var unknown = new ShredPipeline(new ShredPipelineOptions());
        Assert.Equal(ShredProcessResult.Rejected, unknown.Process(demo[0], 0, 0, out reason));
        Assert.Equal(ShredRejectReason.UnknownLeader, reason);
        using var trusted = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false });
        Assert.Equal(ShredProcessResult.Accepted, trusted.Process(demo[0], 0, 0));
    }

    [FixtureFact]
    public void Process_RandomAndCorruptedDatagrams_NeverThrowAndAreAllCounted()
    {
        var demo = ShredFixtures.Demo();
        var rng = new Random(42);
        using var pipeline = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false });
        int n = 0;
        for (int i = 0; i < 4000; i++)
        {
            byte[] d;
            switch (rng.Next(4))
            {
                case 0:
                    d = new byte[rng.Next(0, 1400)];
                    rng.NextBytes(d);
                    break;
                case 1:
                    d = (byte[])demo[rng.Next(demo.Count)].Clone();
                    d[rng.Next(d.Length)] ^= (byte)(1 + rng.Next(255));
                    break;
                case 2:
                    d = demo[rng.Next(demo.Count)].AsSpan(0, rng.Next(0, 1203)).ToArray();
                    break;
                default:
                    d = demo[rng.Next(demo.Count)];
                    break;
            }

            pipeline.Process(d, i, rng.Next(4));
            n++;
        }

        var st = pipeline.Stats;
        Assert.Equal(n, st.Datagrams);
        Assert.Equal(n, st.Accepted + st.Duplicates + st.Rejected);
        Assert.True(st.Rejected > 0 && st.Accepted > 0);
        pipeline.Flush();
    }

    [FixtureFact]
    public void Process_SigVariableFecSet_RecoversFromAnyHalf()
    {
        var shreds = ShredFixtures.Read("sig/recovery_test_shreds_34_data_34_code.bin");
        var full = new RecordingObserver();
        using (var p = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false }, full))
        {
            foreach (var s in shreds)
            {
                p.Process(s, 0, 0);
            }
        }

        var expected = Assert.Single(full.Batches).Payload;
        for (int seed = 0; seed < 12; seed++)
        {
            var rng = new Random(seed);
            var subset = shreds.OrderBy(_ => rng.Next()).Take(34).ToList();
            if (subset.All(s => s[0x40] >> 4 == 0xB))
            {
                continue; // recovery needs at least one coding shred
            }

            var observer = new RecordingObserver();
            using var pipeline = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false }, observer);
            foreach (var s in subset)
            {
                pipeline.Process(s, 0, 0);
            }

            Assert.Equal(expected, Assert.Single(observer.Batches).Payload);
            Assert.Equal(0, pipeline.Stats.RecoveryFailures);
        }
    }

    [FixtureTheory]
    [InlineData("localnet/localnet-v14-slot0-shreds.ar", true)]
    [InlineData("localnet/localnet-slot0-shreds.ar", false)]
    public void Process_LocalnetSlot0_DeshredsToBatch0(string file, bool currentMerkleHashing)
    {
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false, VerifyMerkleProofs = currentMerkleHashing }, observer);
        foreach (var s in ShredFixtures.Read(file))
        {
            Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(s, 0, 0));
        }

        var batch = Assert.Single(observer.Batches);
        if (!currentMerkleHashing)
        {
            // The historical batch file belongs to the pre-2023 capture; the v14 capture has other PoH hashes, same shape.
            Assert.Equal(SharedFixtures.ReadBytes("shreds/localnet/localnet-slot0-batch0.bin"), batch.Payload);
        }

        Assert.Equal(3080, batch.Payload.Length);
        Assert.Equal((64, 0), (batch.Entries, batch.Txs));
    }

    [FixtureTheory]
    [InlineData("localnet/localnet-slot50-shreds.ar", 50UL)]
    [InlineData("localnet/localnet-v14-slot1-shreds.ar", 1UL)]
    public void Process_LocalnetLegacy_DeshredsIntoEightBatches(string file, ulong slot)
    {
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false }, observer);
        foreach (var s in ShredFixtures.Read(file))
        {
            Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(s, 0, 0));
        }

        Assert.Equal(8, observer.Batches.Count);
        Assert.All(observer.Batches, b => Assert.True(b.Decoded && b.Slot == slot && b.First == b.Last));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (uint)i), observer.Batches.Select(b => b.First).Order());
    }

    [FixtureFact]
    public void Process_SlotsBeyondWindow_AreEvictedAndCounted()
    {
        var template = ShredFixtures.Demo().First(s => s[0x40] == 0x96 && BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(0x49)) == 5);
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false, VerifyMerkleProofs = false, SlotWindow = 4 }, observer);
        for (ulong slot = 1; slot <= 20; slot++)
        {
            var s = (byte[])template.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(s.AsSpan(0x41), slot);
            BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(0x53), 1);
            Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(s, 0, 0));
        }

        Assert.Equal(15, pipeline.Stats.EvictedSlots);
        Assert.Equal(15, pipeline.Stats.EvictedIncompleteFecSets);
        Assert.Equal(5, pipeline.InFlightSlots);
        Assert.Equal(15, observer.FecSets.Count);

        var old = (byte[])template.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(old.AsSpan(0x41), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(old.AsSpan(0x53), 1);
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(old, 0, 0, out var reason));
        Assert.Equal(ShredRejectReason.SlotOutOfWindow, reason);
    }

    [FixtureFact]
    public void Process_SteadyState_AllocatesNothingPerShred()
    {
        var demo = ShredFixtures.Demo();
        using var pipeline = new ShredPipeline(DemoOptions());
        void RunOnce()
        {
            foreach (var s in demo)
            {
                pipeline.Process(s, 0, 0);
            }

            pipeline.Flush();
        }

        RunOnce();
        RunOnce();
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunOnce();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 512, $"allocated {allocated} bytes for 512 shreds");
    }

    [FixtureFact]
    public void Metrics_CountMessagesRejectionsAndBatches()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var messages = new MetricCollector<long>(factory, MevDefenseMeters.Ingest, "defensive.shredstream.messages");
        using var rejected = new MetricCollector<long>(factory, MevDefenseMeters.Ingest, "defensive.ingest.shreds.rejected");
        using var duplicates = new MetricCollector<long>(factory, MevDefenseMeters.Ingest, "defensive.ingest.shreds.duplicates");
        using var batches = new MetricCollector<long>(factory, MevDefenseMeters.Ingest, "defensive.ingest.entry_batches");
        using var pipeline = new ShredPipeline(DemoOptions(), meterFactory: factory);
        var demo = ShredFixtures.Demo();
        foreach (var s in demo)
        {
            pipeline.Process(s, 0, 0);
        }

        pipeline.Process(demo[0], 0, 1);
        pipeline.Process(new byte[10], 0, 1);
        Assert.Equal(514, messages.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, duplicates.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, batches.GetMeasurementSnapshot().EvaluateAsCounter());
        var r = Assert.Single(rejected.GetMeasurementSnapshot());
        Assert.Equal("too_short", r.Tags["reason"]);
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("options", () => new ShredPipeline(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShredPipeline(new ShredPipelineOptions { SlotWindow = 0 }));
        var p = new ShredPipeline(new ShredPipelineOptions());
        p.Dispose();
        Assert.Throws<ObjectDisposedException>(() => p.Process(new byte[1], 0, 0));
    }
}
