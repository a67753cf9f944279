using System.Buffers.Binary;
using FsCheck.Xunit;
using MevDefense.Crypto;
using MevDefense.Ingest.Fec;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Tests.Fec;

/// <summary>Legacy (0xA5 / 0x5A) FEC sets: parity over the 1,139-byte legacy shards and recovery of lost data shreds.</summary>
public class LegacyErasureTests
{
    private const ulong Slot = 123_456;
    private const ushort Version = 50_093;

    private static readonly Ed25519Keypair Leader = Ed25519Keypair.FromSeed(Enumerable.Range(0, 32).Select(i => (byte)(i * 3)).ToArray());

    [Property(MaxTest = 40)]
    public void Recover_AnyLossUpToCodingCount_RestoresSignedDataShreds(int seed)
    {
        var rng = new Random(seed);
        int k = rng.Next(1, 33);
        int m = rng.Next(1, 33);
        uint fec = (uint)rng.Next(0, 1000) * 32;
        var (data, code) = BuildSet(rng, k, m, fec);

        var lost = Enumerable.Range(0, k + m).OrderBy(_ => rng.Next()).Take(rng.Next(0, m + 1)).ToHashSet();
        var buffers = data.Select((d, i) => (Memory<byte>)(lost.Contains(i) ? Garbage(rng) : (byte[])d.Clone())).ToArray();
        var dataPresent = Enumerable.Range(0, k).Select(i => !lost.Contains(i)).ToArray();
        var codePresent = Enumerable.Range(0, m).Select(j => !lost.Contains(k + j)).ToArray();
        var codeIn = code.Select((c, j) => codePresent[j] ? (ReadOnlyMemory<byte>)c : ReadOnlyMemory<byte>.Empty).ToArray();

        Assert.True(LegacyErasure.TryRecoverData(new ReedSolomon(k, m), Slot, Version, fec, buffers, dataPresent, codeIn, codePresent));
        for (int i = 0; i < k; i++)
        {
            var payload = buffers[i].Span[..ShredConstants.CodePayloadSize];
            Assert.True(payload.SequenceEqual(data[i]), $"data shred {i} (k={k} m={m})");
            Assert.True(ShredParser.TryRead(payload, out var h, out _));
            Assert.Equal((ShredKind.LegacyData, Slot, fec + (uint)i, fec), (h.Kind, h.Slot, h.Index, h.FecSetIndex));
            Assert.True(Ed25519Verifier.Verify(Leader.PublicKey.AsSpan(), payload[64..], payload[..64]));
        }
    }

    [Fact]
    public void Recover_TooFewShreds_False()
    {
        var rng = new Random(3);
        var (data, code) = BuildSet(rng, 8, 4, 64);
        var buffers = data.Select(d => (Memory<byte>)(byte[])d.Clone()).ToArray();
        var dataPresent = Enumerable.Range(0, 8).Select(i => i >= 5).ToArray(); // 3 data + 4 code = 7 < 8
        var codeIn = code.Select(c => (ReadOnlyMemory<byte>)c).ToArray();
        Assert.False(LegacyErasure.TryRecoverData(new ReedSolomon(8, 4), Slot, Version, 64, buffers, dataPresent, codeIn, [true, true, true, true]));
    }

    [Property(MaxTest = 40)]
    public void Recover_CorruptCodingShard_RejectedOrSignatureFails(int seed, ushort where, byte flip)
    {
        var rng = new Random(seed);
        const int K = 6, M = 6;
        var (data, code) = BuildSet(rng, K, M, 0);
        int victim = rng.Next(M);
        code[victim][ShredConstants.CodeHeadersSize + (where % LegacyErasure.ShardLength)] ^= (byte)(flip | 1);
        var buffers = data.Select((d, i) => (Memory<byte>)(i < 3 ? new byte[ShredConstants.CodePayloadSize] : (byte[])d.Clone())).ToArray();
        var dataPresent = Enumerable.Range(0, K).Select(i => i >= 3).ToArray();
        var codePresent = Enumerable.Range(0, M).Select(j => j < 3 || j == victim).ToArray();
        if (codePresent.Count(p => p) > 3)
        {
            codePresent[Array.FindIndex(codePresent, p => p) == victim ? Array.FindLastIndex(codePresent, p => p) : Array.FindIndex(codePresent, p => p)] = false;
        }

        var codeIn = code.Select(c => (ReadOnlyMemory<byte>)c).ToArray();
        bool ok = LegacyErasure.TryRecoverData(new ReedSolomon(K, M), Slot, Version, 0, buffers, dataPresent, codeIn, codePresent);
        bool allVerify = Enumerable.Range(0, 3).All(i =>
            Ed25519Verifier.Verify(Leader.PublicKey.AsSpan(), buffers[i].Span[64..ShredConstants.CodePayloadSize], buffers[i].Span[..64]));
        Assert.True(!ok || !allVerify, "a corrupted coding shard produced shreds that all verify");
    }

    [Fact]
    public void EncodeParity_MatchesPlainCodecOverLegacyShardRanges()
    {
        var rng = new Random(11);
        var (data, code) = BuildSet(rng, 32, 32, 0);
        var rs = new ReedSolomon(32, 32) { UseVector = false };
        var parity = Enumerable.Range(0, 32).Select(_ => (Memory<byte>)new byte[LegacyErasure.ShardLength]).ToArray();
        rs.Encode(data.Select(d => (ReadOnlyMemory<byte>)d.AsMemory(0, 1139)).ToArray(), parity, LegacyErasure.ShardLength);
        for (int j = 0; j < 32; j++)
        {
            Assert.True(parity[j].Span.SequenceEqual(code[j].AsSpan(89)), $"parity {j}");
        }
    }

    /// <summary>A legacy FEC set: k signed data shreds (1,228 B, zero padded) and m coding shreds with parity, signed.</summary>
    private static (byte[][] Data, byte[][] Code) BuildSet(Random rng, int k, int m, uint fec)
    {
        var data = new byte[k][];
        for (int i = 0; i < k; i++)
        {
            var p = new byte[ShredConstants.CodePayloadSize];
            int size = ShredConstants.DataHeadersSize + rng.Next(0, ShredConstants.LegacyDataCapacity + 1);
            Common(p, LegacyErasure.DataVariant, fec + (uint)i, fec);
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(83), 1); // parent offset
            p[85] = (byte)(i == k - 1 ? ShredConstants.DataCompleteFlag : 0);
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(86), (ushort)size);
            rng.NextBytes(p.AsSpan(ShredConstants.DataHeadersSize, size - ShredConstants.DataHeadersSize));
            Leader.Sign(p.AsSpan(64), p.AsSpan(0, 64));
            data[i] = p;
        }

        var code = new byte[m][];
        for (int j = 0; j < m; j++)
        {
            var p = new byte[ShredConstants.CodePayloadSize];
            Common(p, LegacyErasure.CodeVariant, fec + (uint)j, fec);
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(83), (ushort)k);
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(85), (ushort)m);
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(87), (ushort)j);
            code[j] = p;
        }

        LegacyErasure.EncodeParity(new ReedSolomon(k, m), data.Select(d => (ReadOnlyMemory<byte>)d).ToArray(), code.Select(c => (Memory<byte>)c).ToArray());
        foreach (var c in code)
        {
            Leader.Sign(c.AsSpan(64), c.AsSpan(0, 64));
        }

        return (data, code);
    }

    private static void Common(byte[] p, byte variant, uint index, uint fec)
    {
        p[64] = variant;
        BinaryPrimitives.WriteUInt64LittleEndian(p.AsSpan(65), Slot);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(73), index);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(77), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(79), fec);
    }

    private static byte[] Garbage(Random rng)
    {
        var b = new byte[ShredConstants.CodePayloadSize + rng.Next(0, 8)];
        rng.NextBytes(b);
        return b;
    }
}
