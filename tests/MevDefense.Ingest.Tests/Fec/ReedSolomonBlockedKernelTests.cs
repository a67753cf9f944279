using FsCheck.Xunit;
using MevDefense.Ingest.Fec;
using MevDefense.Ingest.Fec.Internal;

namespace MevDefense.Ingest.Tests.Fec;

/// <summary>The register-blocked GFNI and AVX2 kernels against the row-by-row GFNI, AVX2 nibble and scalar paths.</summary>
public class ReedSolomonBlockedKernelTests
{
    private enum Path
    {
        Blocked,
        RowGfni,
        BlockedNibble,
        Nibble,
        Scalar,
    }

    [Property(MaxTest = 80)]
    public void Encode_EveryPath_ByteIdentical(int seed)
    {
        var rng = new Random(seed);
        int k = rng.Next(1, 48);
        int m = rng.Next(1, 48);
        int len = PickLength(rng);
        var data = Enumerable.Range(0, k).Select(_ => RandomSlice(rng, len)).ToArray();
        byte[][]? expected = null;
        foreach (var path in Enum.GetValues<Path>())
        {
            var rs = Codec(k, m, path);
            var parity = Enumerable.Range(0, m).Select(_ => RandomSlice(rng, len)).ToArray(); // garbage to overwrite
            rs.Encode(data.Select(d => (ReadOnlyMemory<byte>)d).ToArray(), parity, len);
            var got = parity.Select(p => p.Span[..len].ToArray()).ToArray();
            if (expected is null)
            {
                expected = got;
            }
            else
            {
                for (int p = 0; p < m; p++)
                {
                    Assert.True(expected[p].AsSpan().SequenceEqual(got[p]), $"{path} parity {p} (k={k} m={m} len={len})");
                }
            }
        }
    }

    [Property(MaxTest = 80)]
    public void Reconstruct_EveryPath_RestoresOriginal(int seed)
    {
        var rng = new Random(seed);
        int k = rng.Next(1, 48);
        int m = rng.Next(1, 48);
        int len = PickLength(rng);
        var original = Enumerable.Range(0, k + m).Select(_ => RandomSlice(rng, len)).ToArray();
        new ReedSolomon(k, m) { UseVector = false }.Encode(
            original.Take(k).Select(a => (ReadOnlyMemory<byte>)a).ToArray(), original.Skip(k).ToArray(), len);
        var present = new bool[k + m];
        Array.Fill(present, true);
        foreach (int idx in Enumerable.Range(0, k + m).OrderBy(_ => rng.Next()).Take(rng.Next(0, m + 1)))
        {
            present[idx] = false;
        }

        foreach (var path in Enum.GetValues<Path>())
        {
            var rs = Codec(k, m, path);
            bool recoverParity = rng.Next(2) == 0;
            var shards = original.Select((a, i) =>
            {
                var copy = RandomSlice(rng, len);
                if (present[i])
                {
                    a.Span[..len].CopyTo(copy.Span);
                }

                return copy;
            }).ToArray();
            Assert.True(rs.TryReconstruct(shards, present, len, recoverParity));
            for (int i = 0; i < k + m; i++)
            {
                if (i < k || present[i] || recoverParity)
                {
                    Assert.True(shards[i].Span[..len].SequenceEqual(original[i].Span[..len]), $"{path} shard {i} (k={k} m={m} len={len})");
                }
            }
        }
    }

    [Fact]
    public void Encode_NotArrayBacked_FallsBackAndMatches()
    {
        var rng = new Random(7);
        const int len = 300;
        var data = Enumerable.Range(0, 32).Select(_ => RandomSlice(rng, len)).ToArray();
        var blocked = Enumerable.Range(0, 32).Select(_ => (Memory<byte>)new byte[len]).ToArray();
        var scalar = Enumerable.Range(0, 32).Select(_ => (Memory<byte>)new byte[len]).ToArray();
        using var owner = new NativeOwner(len);
        var mixed = (Memory<byte>[])blocked.Clone();
        mixed[5] = owner.Memory; // one parity shard in native memory: the blocked kernel cannot take it
        Codec(32, 32, Path.Blocked).Encode(data.Select(d => (ReadOnlyMemory<byte>)d).ToArray(), mixed, len);
        Codec(32, 32, Path.Scalar).Encode(data.Select(d => (ReadOnlyMemory<byte>)d).ToArray(), scalar, len);
        for (int p = 0; p < 32; p++)
        {
            Assert.True(mixed[p].Span.SequenceEqual(scalar[p].Span), $"parity {p}");
        }
    }

    [Fact]
    public void Encode_ShortShard_Throws()
    {
        var rs = Codec(4, 4, Path.Blocked);
        var data = Enumerable.Range(0, 4).Select(_ => (ReadOnlyMemory<byte>)new byte[100]).ToArray();
        var parity = Enumerable.Range(0, 4).Select(i => (Memory<byte>)new byte[i == 2 ? 99 : 100]).ToArray();
        Assert.ThrowsAny<ArgumentException>(() => rs.Encode(data, parity, 100));
    }

    [Fact]
    public void Pack_BlockOrder_MatchesDecomposition()
    {
        // 23 rows = 16 + 4 + 2 + 1; entry (block, j, r) holds the matrix of coefficient row[r0 + r], column j.
        const int k = 3;
        var coefficients = Enumerable.Range(0, 23 * k).Select(i => (byte)(i * 7 + 1)).ToArray();
        var rows = Enumerable.Range(0, 23).Reverse().ToArray();
        var packed = new ulong[23 * k];
        GfniMatrixKernel.Pack(coefficients, k, rows, packed);
        int at = 0;
        foreach (var (r0, block) in new[] { (0, 16), (16, 4), (20, 2), (22, 1) })
        {
            Assert.Equal(block, GfniMatrixKernel.BlockRows(23 - r0));
            for (int j = 0; j < k; j++)
            {
                for (int r = 0; r < block; r++)
                {
                    Assert.Equal(GfniMatrixKernel.AffineMatrix(coefficients[(rows[r0 + r] * k) + j]), packed[at++]);
                }
            }
        }
    }

    private static ReedSolomon Codec(int k, int m, Path path) => new(k, m)
    {
        UseVector = path != Path.Scalar,
        UseGfni = path is Path.Blocked or Path.RowGfni,
        UseBlockedKernel = path is Path.Blocked or Path.BlockedNibble,
    };

    private static int PickLength(Random rng) => rng.Next(4) switch
    {
        0 => rng.Next(1, 70),
        1 => 64 * rng.Next(1, 5),
        2 => rng.Next(65, 400),
        _ => rng.Next(900, 1100),
    };

    /// <summary>A slice at a random offset of a larger array, with random bytes around it.</summary>
    private static Memory<byte> RandomSlice(Random rng, int len)
    {
        int before = rng.Next(0, 70);
        var array = new byte[before + len + rng.Next(0, 70)];
        rng.NextBytes(array);
        return array.AsMemory(before, len);
    }

    private sealed unsafe class NativeOwner(int length) : System.Buffers.MemoryManager<byte>
    {
        private readonly IntPtr _ptr = System.Runtime.InteropServices.Marshal.AllocHGlobal(length);

        public override Span<byte> GetSpan() => new((void*)_ptr, length);

        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => new((byte*)_ptr + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing) => System.Runtime.InteropServices.Marshal.FreeHGlobal(_ptr);
    }
}
