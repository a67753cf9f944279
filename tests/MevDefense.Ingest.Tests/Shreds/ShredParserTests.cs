using System.Buffers;
using System.Text.Json;
using FsCheck.Xunit;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Shreds;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Shreds;

public class ShredParserTests
{
    [FixtureTheory]
    [InlineData("agave/agave_test_serde_compat_shred_data.bin", "agave_test_serde_compat_shred_data.bin")]
    [InlineData("agave/agave_test_serde_compat_shred_data_empty.bin", "agave_test_serde_compat_shred_data_empty.bin")]
    public void TryRead_AgaveSerdeCompatShreds_MatchExpectedJson(string key, string file)
    {
        var bytes = SharedFixtures.ReadBytes("shreds/" + file);
        using var doc = JsonDocument.Parse(SharedFixtures.ReadText("shreds/EXPECTED.json"));
        var e = doc.RootElement.GetProperty(key);

        Assert.True(ShredParser.TryRead(bytes, out var h, out var reason), reason.ToString());
        Assert.Equal(e.GetProperty("len").GetInt32(), h.PayloadLength);
        Assert.Equal(e.GetProperty("variant").GetString(), h.Variant.ToString("x2"));
        Assert.Equal(e.GetProperty("slot").GetUInt64(), h.Slot);
        Assert.Equal(e.GetProperty("index").GetUInt32(), h.Index);
        Assert.Equal(e.GetProperty("fec_set_index").GetUInt32(), h.FecSetIndex);
        Assert.Equal(e.GetProperty("version").GetUInt16(), h.Version);
        Assert.Equal(e.GetProperty("parent_offset").GetUInt16(), h.ParentOffset);
        Assert.Equal(e.GetProperty("flags").GetString(), h.Flags.ToString("x2"));
        Assert.Equal(e.GetProperty("size").GetUInt16(), h.Size);
        Assert.Equal(e.GetProperty("signature_b58").GetString(), new Signature(bytes.AsSpan(0, 64)).ToString());

        Span<byte> leaf = stackalloc byte[32];
        Span<byte> root = stackalloc byte[32];
        ShredMerkle.HashLeaf(bytes, h, new byte[ShredMerkle.LeafScratchSize], leaf);
        Assert.True(ShredMerkle.TryGetRoot(leaf, (int)(h.Index - h.FecSetIndex), bytes.AsSpan(h.ProofOffset, h.ProofSize * 20), root));
        Assert.Equal(e.GetProperty("merkle_root_hex").GetString(), Convert.ToHexStringLower(root));
    }

    [FixtureFact]
    public void TryRead_DemoPcap_LayoutMatchesReference()
    {
        var shreds = ShredFixtures.Demo();
        Assert.Equal(512, shreds.Count);
        foreach (var s in shreds)
        {
            Assert.True(ShredParser.TryRead(s, ShredParseRules.CurrentFormat with { ExpectedVersion = 6051 }, out var h, out var reason), reason.ToString());
            Assert.Equal(0UL, h.Slot);
            bool resigned = h.FecSetIndex == 224;
            Assert.Equal(resigned, h.IsResigned);
            Assert.Equal(resigned ? 923 : 987, h.ShardLength);
            if (h.IsData)
            {
                Assert.Equal(1203, s.Length);
                Assert.Equal(resigned ? 899 : 963, h.Capacity);
                Assert.Equal(h.Index == 255, h.IsLastInSlot);
            }
            else
            {
                Assert.Equal(1228, s.Length);
                Assert.Equal(32, h.NumDataShreds);
                Assert.Equal(32, h.NumCodingShreds);
            }
        }
    }

    [FixtureFact]
    public void TryRead_RepairNonceTrailer_IsIgnored()
    {
        var shred = ShredFixtures.Demo()[0];
        var withNonce = shred.Concat(new byte[] { 1, 2, 3, 4 }).ToArray();
        Assert.Equal(OperationStatus.Done, ShredParser.TryReadShred(withNonce, out var h, out int consumed));
        Assert.Equal(shred.Length, consumed);
        Assert.Equal(shred.Length, h.PayloadLength);
    }

    [FixtureFact]
    public void TryRead_EveryTruncation_IsRejectedAsTooShort()
    {
        foreach (var shred in ShredFixtures.Demo().Take(2).Concat(ShredFixtures.Demo().Skip(510)))
        {
            for (int len = 0x41; len < shred.Length; len++)
            {
                Assert.False(ShredParser.TryRead(shred.AsSpan(0, len), out _, out var reason));
                Assert.Equal(ShredRejectReason.TooShort, reason);
                Assert.Equal(OperationStatus.NeedMoreData, ShredParser.TryReadShred(shred.AsSpan(0, len), out _, out _));
            }
        }
    }

    [Fact]
    public void TryRead_OversizedAndNonShredDatagrams_AreRejectedWithReason()
    {
        Assert.False(ShredParser.TryRead(new byte[1233], out _, out var reason));
        Assert.Equal(ShredRejectReason.Oversized, reason);

        // A Jito TraceShred protobuf: field 1 (region string), field 3 (seq_num).
        var trace = new byte[120];
        trace[0] = 0x0A;
        trace[1] = 0x09;
        "amsterdam"u8.CopyTo(trace.AsSpan(2));
        trace[0x40] = 0x22;
        Assert.False(ShredParser.TryRead(trace, out _, out reason));
        Assert.Equal(ShredRejectReason.UnknownVariant, reason);
        Assert.False(ShredParser.TryRead(ReadOnlySpan<byte>.Empty, out _, out reason));
        Assert.Equal(ShredRejectReason.TooShort, reason);
    }

    [FixtureFact]
    public void TryRead_HeaderSanityRules_RejectWithSpecificReasons()
    {
        var data = ShredFixtures.Demo().First(s => s[0x40] == 0x96);
        var code = ShredFixtures.Demo().First(s => s[0x40] == 0x66);

        Assert.Equal(ShredRejectReason.InvalidIndex, Mutate(data, b => BitConverter.TryWriteBytes(b.AsSpan(0x49), 40000u)));
        Assert.Equal(ShredRejectReason.InvalidFecSetIndex, Mutate(data, b => BitConverter.TryWriteBytes(b.AsSpan(0x4F), 5000u)));
        Assert.Equal(ShredRejectReason.InvalidParentOffset, Mutate(data, b => BitConverter.TryWriteBytes(b.AsSpan(0x53), (ushort)1)));
        Assert.Equal(ShredRejectReason.InvalidSize, Mutate(data, b => BitConverter.TryWriteBytes(b.AsSpan(0x56), (ushort)87)));
        Assert.Equal(ShredRejectReason.InvalidSize, Mutate(data, b => BitConverter.TryWriteBytes(b.AsSpan(0x56), (ushort)(88 + 964))));
        Assert.Equal(ShredRejectReason.InvalidFlags, Mutate(data, b => b[0x55] = 0x80));
        Assert.Equal(ShredRejectReason.InvalidCodingHeader, Mutate(code, b => BitConverter.TryWriteBytes(b.AsSpan(0x57), (ushort)32)));
        Assert.Equal(ShredRejectReason.InvalidCodingHeader, Mutate(code, b => BitConverter.TryWriteBytes(b.AsSpan(0x53), (ushort)0)));
        Assert.Equal(ShredRejectReason.InvalidProofSize, Mutate(data, b => b[0x40] = 0x90));
        Assert.Equal(ShredRejectReason.UnknownVariant, Mutate(data, b => b[0x40] = 0x12));
        Assert.False(ShredParser.TryRead(data, new ShredParseRules { ExpectedVersion = 1 }, out _, out var reason));
        Assert.Equal(ShredRejectReason.VersionMismatch, reason);

        var legacy = ShredFixtures.Read("localnet/localnet-slot50-shreds.ar")[0];
        Assert.True(ShredParser.TryRead(legacy, out var lh, out _));
        Assert.Equal(ShredKind.LegacyData, lh.Kind);
        Assert.False(ShredParser.TryRead(legacy, ShredParseRules.CurrentFormat, out _, out reason));
        Assert.Equal(ShredRejectReason.HistoricalFormat, reason);
    }

    [FixtureFact]
    public void TryRead_AllFixtureVariants_Parse()
    {
        var expected = new Dictionary<string, ShredKind[]>
        {
            ["localnet/localnet-slot0-shreds.ar"] = [ShredKind.MerkleData],
            ["localnet/localnet-v14-slot0-shreds.ar"] = [ShredKind.MerkleData],
            ["localnet/localnet-slot50-shreds.ar"] = [ShredKind.LegacyData],
            ["localnet/localnet-v14-slot1-shreds.ar"] = [ShredKind.LegacyData],
            ["sig/merkle_proof_test_shreds_34_data_34_code.bin"] = [ShredKind.MerkleData, ShredKind.MerkleCode],
            ["sig/merkle_root_metas_coding_test_shreds_3_1228.bin"] = [ShredKind.MerkleCode],
        };
        foreach (var (file, kinds) in expected)
        {
            var shreds = ShredFixtures.Read(file);
            Assert.NotEmpty(shreds);
            foreach (var s in shreds)
            {
                Assert.True(ShredParser.TryRead(s, out var h, out var reason), $"{file}: {reason}");
                Assert.Contains(h.Kind, kinds);
            }
        }
    }

    [Property(MaxTest = 300)]
    public void TryRead_ArbitraryBytes_NeverThrows(byte[] bytes)
    {
        bytes ??= [];
        bool ok = ShredParser.TryRead(bytes, out var h, out var reason);
        Assert.Equal(ok, reason == ShredRejectReason.None);
        if (ok)
        {
            Assert.InRange(h.PayloadLength, 88, bytes.Length);
        }
    }

    [FixtureFact]
    public void TryRead_RandomMutationsOfRealShreds_NeverThrow()
    {
        var rng = new Random(7);
        var shreds = ShredFixtures.Demo();
        for (int i = 0; i < 5000; i++)
        {
            var s = (byte[])shreds[rng.Next(shreds.Count)].Clone();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                s[rng.Next(0x40, 0x60)] = (byte)rng.Next(256);
            }

            var len = rng.Next(0, s.Length + 1);
            _ = ShredParser.TryRead(s.AsSpan(0, len), out _, out _);
        }
    }

    private static ShredRejectReason Mutate(byte[] shred, Action<byte[]> mutate)
    {
        var copy = (byte[])shred.Clone();
        mutate(copy);
        Assert.False(ShredParser.TryRead(copy, out _, out var reason));
        return reason;
    }
}
