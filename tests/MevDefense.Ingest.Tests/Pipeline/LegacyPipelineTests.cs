using System.Buffers.Binary;
using FsCheck.Xunit;
using MevDefense.Crypto;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Tests.Pipeline;

/// <summary>Legacy (pre-Merkle) FEC sets through <see cref="ShredPipeline"/>: coding shreds accepted, lost data shreds recovered
/// with <c>LegacyErasure</c>, every shred's own signature checked, deshredded output independent of loss, order and duplicates.</summary>
public class LegacyPipelineTests
{
    private const ushort Version = 4242;

    [Property(MaxTest = 15)]
    public void Process_AnyLossLeavingNumDataPerSet_ShuffledDuplicated_SameEntryBatches(int seed)
    {
        var rng = new Random(seed);
        using var leader = Key(rng);
        var sets = BuildSlots(leader, rng, out int batchCount);

        var (baseline, baseStats, baseSets) = Run(sets.SelectMany(s => s.Data.Concat(s.Code)), Verified(leader));
        Assert.Equal(batchCount, baseline.Count);
        Assert.Equal(sets.Sum(s => s.Data.Count + s.Code.Count), baseStats.SignatureVerifications); // one Ed25519 per legacy shred
        Assert.Equal(0, baseStats.Recovered);
        Assert.All(baseSets, r => Assert.True(r.Complete && r.SignatureValid == true, r.ToString()));

        // Keep any >= num_data of each set's shreds, some data stored trimmed, duplicate some, shuffle everything.
        var stream = new List<byte[]>();
        int dropped = 0;
        foreach (var set in sets)
        {
            var all = set.Data.Select((d, i) => (Shred: rng.Next(3) == 0 ? LegacyTestShredder.Trimmed(d) : d, IsData: true))
                .Concat(set.Code.Select(c => (Shred: c, IsData: false))).OrderBy(_ => rng.Next()).ToList();
            int keep = rng.Next(set.Data.Count, all.Count + 1);
            dropped += all.Skip(keep).Count(x => x.IsData);
            foreach (var (shred, _) in all.Take(keep))
            {
                stream.Add(shred);
                if (rng.Next(5) == 0)
                {
                    stream.Add(shred.Length < ShredConstants.CodePayloadSize ? Padded(shred) : shred); // a duplicate, possibly in the other storage form
                }
            }
        }

        stream = [.. stream.OrderBy(_ => rng.Next())];
        foreach (var options in new[] { Verified(leader), new ShredPipelineOptions { VerifySignatures = false } })
        {
            var (batches, stats, fecSets) = Run(stream, options);
            Assert.Equal(baseline, batches);
            Assert.Equal(0, stats.Rejected);
            Assert.Equal(0, stats.RecoveryFailures);
            Assert.Equal(0, stats.Equivocations);
            Assert.True(stats.Recovered >= dropped, $"recovered {stats.Recovered} < dropped {dropped}");
            Assert.Equal(stats.Recovered, fecSets.Sum(r => r.Recovered));
            Assert.Equal(sets.Count, fecSets.Count);
            foreach (var r in fecSets)
            {
                var set = sets.Single(s => s.Slot == r.Slot && s.FecSetIndex == r.FecSetIndex);
                Assert.True(r.Complete || r.CodeShreds == 0, r.ToString()); // without a coding shred num_data is unknown mid-batch
                Assert.Equal(set.Data.Count, r.DataShreds + r.Recovered);
                Assert.Equal(options.VerifySignatures ? true : null, r.SignatureValid);
            }
        }
    }

    [Fact]
    public void Process_CorruptedCodingShred_RejectedBySignatureAndRecoveryUsesTheOthers()
    {
        var rng = new Random(5);
        using var leader = Key(rng);
        var set = BigSet(leader, rng);
        var (baseline, _, _) = Run(set.Data.Concat(set.Code), Verified(leader));

        var bad = (byte[])set.Code[0].Clone();
        bad[500] ^= 0x10;
        var stream = new List<byte[]> { bad };
        stream.AddRange(set.Data.Skip(3));
        stream.AddRange(set.Code.Skip(1));
        var (batches, stats, fecSets) = Run(stream, Verified(leader));
        Assert.Equal(baseline, batches);
        Assert.Equal(1, stats.GetRejected(ShredRejectReason.InvalidSignature));
        Assert.Equal(3, stats.Recovered);
        Assert.Equal(3, Assert.Single(fecSets).Recovered);
    }

    [Theory]
    [InlineData(true, 300)] // parity corrupted in the data region: recovered shreds fail their leader signature
    [InlineData(false, 64 + 9)] // parity corrupted in the header region (index): recovered shreds do not parse as the set's
    public void Process_LeaderSignedBadParity_RecoveryFailsAndNoDataIsEmitted(bool verify, int shardOffset)
    {
        var rng = new Random(6);
        using var leader = Key(rng);
        var set = BigSet(leader, rng);
        var bad = (byte[])set.Code[0].Clone();
        bad[ShredConstants.CodeHeadersSize + shardOffset] ^= 0x01;
        new LegacyTestShredder(leader, Version).Sign(bad); // a validly signed coding shred with wrong parity

        var stream = set.Data.Skip(2).Append(bad).Append(set.Code[1]).ToList(); // exactly num_data shreds, the bad one needed
        var options = verify ? Verified(leader) : new ShredPipelineOptions { VerifySignatures = false };
        var observer = new RecordingObserver();
        using (var pipeline = new ShredPipeline(options, observer))
        {
            foreach (var s in stream)
            {
                Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(s, 0, 0));
            }

            Assert.Equal(1, pipeline.Stats.RecoveryFailures);
            Assert.Equal(0, pipeline.Stats.Recovered);
            Assert.Empty(observer.Recovered);
            Assert.Empty(observer.Batches); // shreds 0 and 1 never became known, so no batch could be emitted

            // The real data shreds arriving later still complete the set.
            pipeline.Process(set.Data[0], 0, 0);
            pipeline.Process(set.Data[1], 0, 0);
            pipeline.Flush();
        }

        var (baseline, _, _) = Run(set.Data.Concat(set.Code), Verified(leader));
        Assert.Equal(baseline, observer.Batches.Select(Describe).ToList());
        Assert.True(Assert.Single(observer.FecSets).Complete);
    }

    [Fact]
    public void Process_WrongLeader_RejectsEveryShredOrMarksTheSetInvalid()
    {
        var rng = new Random(7);
        using var leader = Key(rng);
        using var other = Key(rng);
        var set = BigSet(leader, rng);
        var shreds = set.Data.Skip(1).Concat(set.Code).ToList();

        var (batches, stats, fecSets) = Run(shreds, Verified(other));
        Assert.Empty(batches);
        Assert.Empty(fecSets);
        Assert.Equal(shreds.Count, stats.GetRejected(ShredRejectReason.InvalidSignature));

        var lenient = Verified(other);
        lenient.RejectInvalidSignatures = false;
        (batches, stats, fecSets) = Run(shreds, lenient);
        Assert.Equal(0, stats.Rejected);
        var result = Assert.Single(fecSets);
        Assert.False(result.SignatureValid);
        Assert.False(result.Complete); // the recovered shred's signature does not verify either: not emitted
        Assert.Equal(1, stats.RecoveryFailures);
    }

    [Fact]
    public void Process_ConflictingSignedShreds_AreEquivocations()
    {
        var rng = new Random(8);
        using var leader = Key(rng);
        var shredder = new LegacyTestShredder(leader, Version);
        var set = BigSet(leader, rng);

        var otherCode = (byte[])set.Code[2].Clone();
        otherCode[700] ^= 0xFF;
        shredder.Sign(otherCode);
        var otherData = (byte[])set.Data[4].Clone();
        otherData[100] ^= 0xFF;
        shredder.Sign(otherData);
        var otherConfig = (byte[])set.Code[3].Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(otherConfig.AsSpan(85), (ushort)(set.Code.Count + 1)); // num_coding differs
        shredder.Sign(otherConfig);
        var forged = (byte[])set.Code[5].Clone();
        forged[700] ^= 0xFF; // not re-signed

        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(Verified(leader), observer);
        Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(set.Code[2], 0, 0));
        Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(set.Data[4], 0, 0));
        Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(set.Code[5], 0, 0));
        Assert.Equal(ShredProcessResult.Duplicate, pipeline.Process(set.Code[2], 0, 0));
        Assert.Equal(ShredProcessResult.Duplicate, pipeline.Process(LegacyTestShredder.Trimmed(set.Data[4]), 0, 0));
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(forged, 0, 0, out var reason));
        Assert.Equal(ShredRejectReason.InvalidSignature, reason);
        Assert.Empty(observer.Equivocations);

        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(otherCode, 0, 0, out reason));
        Assert.Equal(ShredRejectReason.Equivocation, reason);
        var e = Assert.Single(observer.Equivocations);
        Assert.True(e.SecondSignatureVerified);
        Assert.Equal(new Signature(set.Code[2].AsSpan(0, 64)), e.FirstSignature);
        Assert.Equal(new Signature(otherCode.AsSpan(0, 64)), e.SecondSignature);

        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(otherData, 0, 0, out reason));
        Assert.Equal(ShredRejectReason.Equivocation, reason);
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(otherConfig, 0, 0, out reason));
        Assert.Equal(ShredRejectReason.Equivocation, reason);
        Assert.Single(observer.Equivocations); // reported once per set
        Assert.Equal(3, pipeline.Stats.GetRejected(ShredRejectReason.Equivocation));
        pipeline.Flush();
        Assert.True(Assert.Single(observer.FecSets).Equivocated);
    }

    [Fact]
    public void Process_InconsistentLegacyShreds_Rejected()
    {
        var rng = new Random(9);
        using var leader = Key(rng);
        var shredder = new LegacyTestShredder(leader, Version);
        var set = BigSet(leader, rng);
        using var pipeline = new ShredPipeline(Verified(leader));
        Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(set.Code[0], 0, 0));

        // A data shred of the set beyond num_data.
        var beyond = (byte[])set.Data[0].Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(beyond.AsSpan(73), set.FecSetIndex + (uint)set.Data.Count);
        shredder.Sign(beyond);
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(beyond, 0, 0, out var reason));
        Assert.Equal(ShredRejectReason.InconsistentWithFecSet, reason);

        // Another shred version for the set.
        var version = (byte[])set.Code[1].Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(version.AsSpan(77), Version + 1);
        shredder.Sign(version);
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(version, 0, 0, out reason));
        Assert.Equal(ShredRejectReason.InconsistentWithFecSet, reason);

        // position >= num_coding (parser rule).
        var position = (byte[])set.Code[1].Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(position.AsSpan(87), (ushort)set.Code.Count);
        shredder.Sign(position);
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(position, 0, 0, out reason));
        Assert.Equal(ShredRejectReason.InvalidCodingHeader, reason);
        Assert.Equal(0, pipeline.Stats.Unsupported());
    }

    private static ShredPipelineOptions Verified(Ed25519Keypair leader) => new() { LeaderSchedule = new StaticLeaderScheduleProvider(leader.PublicKey) };

    private static Ed25519Keypair Key(Random rng) => Ed25519Keypair.FromSeed(Enumerable.Range(0, 32).Select(_ => (byte)rng.Next(256)).ToArray());

    private static List<LegacyTestShredder.Set> BuildSlots(Ed25519Keypair leader, Random rng, out int batchCount)
    {
        var shredder = new LegacyTestShredder(leader, Version);
        var sets = new List<LegacyTestShredder.Set>();
        batchCount = 0;
        ulong slot = 1_000 + (ulong)rng.Next(1_000);
        for (int s = rng.Next(1, 4); s > 0; s--)
        {
            slot += (ulong)rng.Next(1, 3);
            var batches = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => LegacyTestShredder.EntryBatch(rng, rng.Next(2) == 0 ? rng.Next(1, 40) : rng.Next(40, 900))).ToList();
            batchCount += batches.Count;
            sets.AddRange(shredder.ShredSlot(slot, slot - 1, batches, rng));
        }

        return sets;
    }

    /// <summary>A single-batch slot whose one FEC set has at least 8 data and 8 coding shreds.</summary>
    private static LegacyTestShredder.Set BigSet(Ed25519Keypair leader, Random rng)
    {
        var shredder = new LegacyTestShredder(leader, Version);
        while (true)
        {
            var sets = shredder.ShredSlot(77, 76, [LegacyTestShredder.EntryBatch(rng, 400)], rng);
            if (sets.Count == 1 && sets[0].Data.Count >= 8 && sets[0].Code.Count >= 8)
            {
                return sets[0];
            }
        }
    }

    private static (List<string> Batches, ShredPipelineStats Stats, List<FecSetResult> FecSets) Run(IEnumerable<byte[]> stream, ShredPipelineOptions options)
    {
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(options, observer);
        foreach (var s in stream)
        {
            pipeline.Process(s, 0, 0);
        }

        pipeline.Flush();
        Assert.All(observer.Batches, b => Assert.True(b.Decoded, $"batch {b.Slot} {b.First}-{b.Last} not decoded"));
        return ([.. observer.Batches.Select(Describe).Order(StringComparer.Ordinal)], pipeline.Stats, observer.FecSets);
    }

    private static string Describe((ulong Slot, uint First, uint Last, int Entries, int Txs, bool Decoded, byte[] Payload) b)
        => $"{b.Slot:D12} {b.First:D6}-{b.Last} e{b.Entries} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(b.Payload))}";

    private static byte[] Padded(byte[] shred)
    {
        var p = new byte[ShredConstants.CodePayloadSize];
        shred.CopyTo(p, 0);
        return p;
    }
}

internal static class LegacyStatsExtensions
{
    public static long Unsupported(this ShredPipelineStats stats) => stats.GetRejected(ShredRejectReason.Unsupported);
}
