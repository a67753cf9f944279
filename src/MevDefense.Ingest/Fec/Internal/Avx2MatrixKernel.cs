using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Ingest.Fec.Internal;

// Banned-API exception (eng/BannedSymbols.txt): this hot-path kernel reads and writes shard/message memory through
// Unsafe/MemoryMarshal to avoid bounds checks in its inner loops; its outputs are property-tested against the scalar path.
#pragma warning disable RS0030

/// <summary>
/// Register-blocked GF(2^8) matrix × shards product with AVX2 split-nibble lookups (<c>VPSHUFB</c>), for CPUs without AVX-512
/// GFNI: <c>out[r] = Σ_j coef[r][j] · in[j]</c>, c·x = LO[c][x &amp; 15] ^ HI[c][x &gt;&gt; 4].
/// </summary>
/// <remarks>
/// Same structure as <see cref="GfniMatrixKernel"/> with 32-byte columns and up to 8 accumulators (16 YMM registers without
/// AVX-512): each input chunk is loaded and split into nibbles once per column and row block, the two 32-byte tables of each
/// coefficient are read from a 16 KB table indexed by the coefficient byte, and each output chunk is stored once. Coefficients
/// are packed as bytes in block order (8, 4, 2, 1 rows). The last partial column is recomputed overlapping.
/// </remarks>
internal static class Avx2MatrixKernel
{
    /// <summary>The shortest shard the kernel accepts (one full column).</summary>
    public const int MinLength = 32;

    // For each coefficient c: 32 bytes LO (c·i, i < 16, twice) then 32 bytes HI (c·(i << 4), twice).
    private static readonly byte[] Tables = BuildTables();

    /// <summary>Gets a value indicating whether the CPU has AVX2.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>The rows of the next block when <paramref name="remaining"/> rows are left.</summary>
    public static int BlockRows(int remaining) => remaining >= 8 ? 8 : remaining >= 4 ? 4 : remaining >= 2 ? 2 : 1;

    /// <summary>Packs the coefficient rows <paramref name="rows"/> of <paramref name="coefficients"/> (row-major, k columns) in block order.</summary>
    public static void Pack(ReadOnlySpan<byte> coefficients, int k, ReadOnlySpan<int> rows, Span<byte> packed)
    {
        int rowCount = rows.Length;
        if (packed.Length < rowCount * k)
        {
            throw new ArgumentException("Packed buffer too short.", nameof(packed));
        }

        int at = 0;
        for (int r0 = 0; r0 < rowCount;)
        {
            int block = BlockRows(rowCount - r0);
            for (int j = 0; j < k; j++)
            {
                for (int r = 0; r < block; r++)
                {
                    packed[at++] = coefficients[(rows[r0 + r] * k) + j];
                }
            }

            r0 += block;
        }
    }

    /// <summary>Computes <c>dst[r] = Σ_j coef[r][j] · src[j]</c> over the first <paramref name="length"/> bytes (see <see cref="GfniMatrixKernel.Multiply"/>).</summary>
    public static void Multiply(
        ReadOnlySpan<byte> packed,
        int k,
        ReadOnlySpan<byte[]> srcArrays,
        ReadOnlySpan<int> srcOffsets,
        ReadOnlySpan<byte[]> dstArrays,
        ReadOnlySpan<int> dstOffsets,
        int length)
    {
        int rowCount = dstArrays.Length;
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AVX2 is not available.");
        }

        if (length < MinLength || srcArrays.Length < k || srcOffsets.Length < k || dstOffsets.Length < rowCount || packed.Length < rowCount * k)
        {
            throw new ArgumentException("Inconsistent shard tables.");
        }

        for (int j = 0; j < k; j++)
        {
            CheckRange(srcArrays[j], srcOffsets[j], length);
        }

        for (int r = 0; r < rowCount; r++)
        {
            CheckRange(dstArrays[r], dstOffsets[r], length);
        }

        ref byte coef = ref MemoryMarshal.GetReference(packed);
        ref byte[] src = ref MemoryMarshal.GetReference(srcArrays);
        ref int srcOff = ref MemoryMarshal.GetReference(srcOffsets);
        for (int r0 = 0; r0 < rowCount;)
        {
            int block = BlockRows(rowCount - r0);
            ref byte[] dst = ref Unsafe.Add(ref MemoryMarshal.GetReference(dstArrays), r0);
            ref int dstOff = ref Unsafe.Add(ref MemoryMarshal.GetReference(dstOffsets), r0);
            switch (block)
            {
                case 8:
                    Block<Rows8>(ref coef, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
                case 4:
                    Block<Rows4>(ref coef, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
                case 2:
                    Block<Rows2>(ref coef, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
                default:
                    Block<Rows1>(ref coef, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
            }

            coef = ref Unsafe.Add(ref coef, block * k);
            r0 += block;
        }
    }

    private static void CheckRange(byte[] array, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(array);
        if ((uint)offset > (uint)array.Length || array.Length - offset < length)
        {
            throw new ArgumentException("A shard is shorter than the shard length.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<T>(ref byte coef, int k, ref byte[] src, ref int srcOff, ref byte[] dst, ref int dstOff, int length)
        where T : struct, IRowCount
    {
        ref byte tables = ref MemoryMarshal.GetArrayDataReference(Tables);
        var mask = Vector256.Create((byte)0x0F);
        int last = length - 32;
        int col = 0;
        while (true)
        {
            Vector256<byte> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            ref byte c = ref coef;
            for (int j = 0; j < k; j++)
            {
                var x = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Unsafe.Add(ref src, j)), (nuint)(Unsafe.Add(ref srcOff, j) + col));
                var lo = x & mask;
                var hi = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask;
                a0 ^= Mul(ref tables, c, lo, hi);
                if (T.Count > 1)
                {
                    a1 ^= Mul(ref tables, Unsafe.Add(ref c, 1), lo, hi);
                }

                if (T.Count > 2)
                {
                    a2 ^= Mul(ref tables, Unsafe.Add(ref c, 2), lo, hi);
                    a3 ^= Mul(ref tables, Unsafe.Add(ref c, 3), lo, hi);
                }

                if (T.Count > 4)
                {
                    a4 ^= Mul(ref tables, Unsafe.Add(ref c, 4), lo, hi);
                    a5 ^= Mul(ref tables, Unsafe.Add(ref c, 5), lo, hi);
                    a6 ^= Mul(ref tables, Unsafe.Add(ref c, 6), lo, hi);
                    a7 ^= Mul(ref tables, Unsafe.Add(ref c, 7), lo, hi);
                }

                c = ref Unsafe.Add(ref c, T.Count);
            }

            Store(a0, ref dst, ref dstOff, 0, col);
            if (T.Count > 1)
            {
                Store(a1, ref dst, ref dstOff, 1, col);
            }

            if (T.Count > 2)
            {
                Store(a2, ref dst, ref dstOff, 2, col);
                Store(a3, ref dst, ref dstOff, 3, col);
            }

            if (T.Count > 4)
            {
                Store(a4, ref dst, ref dstOff, 4, col);
                Store(a5, ref dst, ref dstOff, 5, col);
                Store(a6, ref dst, ref dstOff, 6, col);
                Store(a7, ref dst, ref dstOff, 7, col);
            }

            if (col == last)
            {
                return;
            }

            col = Math.Min(col + 32, last);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Mul(ref byte tables, byte c, Vector256<byte> lo, Vector256<byte> hi)
    {
        nuint at = (nuint)c * 64;
        return Avx2.Shuffle(Vector256.LoadUnsafe(ref tables, at), lo) ^ Avx2.Shuffle(Vector256.LoadUnsafe(ref tables, at + 32), hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<byte> value, ref byte[] dst, ref int dstOff, int row, int col)
        => value.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(Unsafe.Add(ref dst, row)), (nuint)(Unsafe.Add(ref dstOff, row) + col));

    private static byte[] BuildTables()
    {
        var t = new byte[256 * 64];
        for (int c = 0; c < 256; c++)
        {
            for (int i = 0; i < 16; i++)
            {
                byte lo = GaloisField.Mul((byte)c, (byte)i);
                byte hi = GaloisField.Mul((byte)c, (byte)(i << 4));
                t[(c * 64) + i] = lo;
                t[(c * 64) + 16 + i] = lo;
                t[(c * 64) + 32 + i] = hi;
                t[(c * 64) + 48 + i] = hi;
            }
        }

        return t;
    }

    private interface IRowCount
    {
        static abstract int Count { get; }
    }

    private readonly struct Rows1 : IRowCount
    {
        public static int Count => 1;
    }

    private readonly struct Rows2 : IRowCount
    {
        public static int Count => 2;
    }

    private readonly struct Rows4 : IRowCount
    {
        public static int Count => 4;
    }

    private readonly struct Rows8 : IRowCount
    {
        public static int Count => 8;
    }
}
