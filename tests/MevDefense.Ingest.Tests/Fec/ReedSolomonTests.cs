using FsCheck.Xunit;
using MevDefense.Ingest.Fec;
using MevDefense.Ingest.Internal;
using MevDefense.Ingest.Shreds;
using MevDefense.Ingest.Tests.Merkle;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Fec;

public class ReedSolomonTests
{
    [Fact]
    public void EncodingMatrix_IsSystematic()
    {
        var rs = new ReedSolomon(4, 2);
        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                Assert.Equal(r == c ? 1 : 0, rs.Coefficient(r, c));
            }
        }

    }

    [FixtureFact]
    public void Encode_DemoPcap_ReproducesParityByteExactly()
    {
        var sets = ShredFixtures.Demo().Select(s => (s, h: ShredMerkleTests.Parse(s))).GroupBy(x => x.h.FecSetIndex);
        int checkedSets = 0;
        foreach (var set in sets)
        {
            foreach (bool vector in new[] { true, false })
            {
                var rs = new ReedSolomon(32, 32) { UseVector = vector };
                int len = set.First().h.ShardLength;
                var data = set.Where(x => x.h.IsData).OrderBy(x => x.h.Index).Select(x => (ReadOnlyMemory<byte>)x.s.AsMemory(64, len)).ToArray();
                var code = set.Where(x => x.h.IsCode).OrderBy(x => x.h.Position).ToList();
                var parity = Enumerable.Range(0, 32).Select(_ => (Memory<byte>)new byte[len]).ToArray();
                rs.Encode(data, parity, len);
                for (int j = 0; j < 32; j++)
                {
                    Assert.True(parity[j].Span.SequenceEqual(code[j].s.AsSpan(ShredConstants.CodeHeadersSize, len)), $"set {set.Key} parity {j}");
                }
            }

            checkedSets++;
        }

        Assert.Equal(8, checkedSets);
    }

    [Property(MaxTest = 300)]
    public void MulAdd_VectorPaths_EqualScalarPath(byte coefficient, byte[] src, byte[] seed)
    {
        src ??= [];
        seed ??= [];
        var dstVector = new byte[src.Length];
        seed.AsSpan(0, Math.Min(seed.Length, src.Length)).CopyTo(dstVector);
        var dstScalar = (byte[])dstVector.Clone();
        var dstNibble = (byte[])dstVector.Clone();
        GfSimd.MulAdd(coefficient, src, dstVector, allowVector: true, allowGfni: true);
        GfSimd.MulAdd(coefficient, src, dstNibble, allowVector: true, allowGfni: false);
        GfSimd.MulAdd(coefficient, src, dstScalar, allowVector: false, allowGfni: false);
        Assert.Equal(dstScalar, dstVector);
        Assert.Equal(dstScalar, dstNibble);

        var mulVector = new byte[src.Length];
        var mulScalar = new byte[src.Length];
        var mulNibble = new byte[src.Length];
        GfSimd.Mul(coefficient, src, mulVector, allowVector: true, allowGfni: true);
        GfSimd.Mul(coefficient, src, mulNibble, allowVector: true, allowGfni: false);
        GfSimd.Mul(coefficient, src, mulScalar, allowVector: false, allowGfni: false);
        Assert.Equal(mulScalar, mulVector);
        Assert.Equal(mulScalar, mulNibble);
        for (int i = 0; i < src.Length; i++)
        {
            Assert.Equal(GaloisField.Mul(coefficient, src[i]), mulScalar[i]);
        }
    }

    [Fact]
    public void MulAdd_EveryCoefficient_AllPathsAgree()
    {
        var src = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        for (int c = 0; c < 256; c++)
        {
            var scalar = new byte[256];
            var nibble = new byte[256];
            var gfni = new byte[256];
            GfSimd.Mul((byte)c, src, scalar, allowVector: false, allowGfni: false);
            GfSimd.Mul((byte)c, src, nibble, allowVector: true, allowGfni: false);
            GfSimd.Mul((byte)c, src, gfni, allowVector: true, allowGfni: true);
            Assert.Equal(scalar, nibble);
            Assert.Equal(scalar, gfni);
        }
    }

    [Property(MaxTest = 60)]
    public void Reconstruct_AnyErasuresUpToParityCount_RestoresAllShards(int seed)
    {
        var rng = new Random(seed);
        int k = rng.Next(1, 40);
        int m = rng.Next(1, 40);
        int len = rng.Next(1, 200);
        var rs = new ReedSolomon(k, m) { UseVector = rng.Next(2) == 0 };
        var original = Enumerable.Range(0, k + m).Select(_ => new byte[len]).ToArray();
        for (int i = 0; i < k; i++)
        {
            rng.NextBytes(original[i]);
        }

        rs.Encode(original.Take(k).Select(a => (ReadOnlyMemory<byte>)a).ToArray(), original.Skip(k).Select(a => (Memory<byte>)a).ToArray(), len);
        var present = new bool[k + m];
        Array.Fill(present, true);
        foreach (int idx in Enumerable.Range(0, k + m).OrderBy(_ => rng.Next()).Take(rng.Next(0, m + 1)))
        {
            present[idx] = false;
        }

        var shards = original.Select((a, i) => present[i] ? (Memory<byte>)(byte[])a.Clone() : new byte[len]).ToArray();
        Assert.True(rs.TryReconstruct(shards, present, len, recoverParity: true));
        for (int i = 0; i < k + m; i++)
        {
            Assert.True(shards[i].Span.SequenceEqual(original[i]), $"shard {i}");
        }

        // One erasure too many is refused.
        var tooFew = new bool[k + m];
        for (int i = 0; i < k - 1; i++)
        {
            tooFew[i] = true;
        }

        Assert.False(rs.TryReconstruct(shards, tooFew, len, recoverParity: false));
    }

    [Fact]
    public void Reconstruct_SamePatternTwice_InvertsMatrixOnce()
    {
        var rs = new ReedSolomon(32, 32);
        var shards = Enumerable.Range(0, 64).Select(_ => (Memory<byte>)new byte[16]).ToArray();
        var present = Enumerable.Range(0, 64).Select(i => i >= 5).ToArray();
        Assert.True(rs.TryReconstruct(shards, present, 16, recoverParity: false));
        Assert.True(rs.TryReconstruct(shards, present, 16, recoverParity: false));
        Assert.Equal(1, rs.MatrixInversions);
    }
}
