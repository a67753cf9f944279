using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Ingest.Fec.Internal;

// Banned-API exception (eng/BannedSymbols.txt): this hot-path kernel reads and writes shard/message memory through
// Unsafe/MemoryMarshal to avoid bounds checks in its inner loops; its outputs are property-tested against the scalar path.
#pragma warning disable RS0030

/// <summary>
/// Register-blocked GF(2^8) matrix × shards product with AVX-512 GFNI: <c>out[r] = Σ_j coef[r][j] · in[j]</c> over whole shards.
/// </summary>
/// <remarks>
/// <para>Multiplication by a constant c is GF(2)-linear, so it is one <c>GF2P8AFFINEQB</c> with c's 8×8 bit matrix (any field
/// polynomial, here 0x11D). The kernel walks the shards in 64-byte columns; for each column it keeps up to 16 output rows in
/// ZMM accumulators, loads each input chunk once and folds it into every accumulator (one affine each, the matrix broadcast
/// straight from the packed table; two inputs' products join the accumulator in one three-way XOR), then stores each output
/// chunk once. The per-row kernel this replaces loaded and
/// stored the destination for every coefficient (k loads + k stores per output chunk instead of 1 store).</para>
/// <para>The final partial column is handled by re-running the column that ends at the last byte: the product is a pure
/// function of the inputs, so recomputing overlapping bytes writes the same values. Outputs must not alias inputs.</para>
/// <para>Coefficients are packed per row block (16, then 8, 4, 2, 1 rows for the remainder): block b holds, for each input j,
/// the affine matrices of its rows in order, so the inner loop reads them sequentially.</para>
/// </remarks>
internal static class GfniMatrixKernel
{
    /// <summary>The largest row block kept in registers (16 accumulators + input + matrix of the 32 ZMM registers).</summary>
    public const int MaxBlockRows = 16;

    /// <summary>The shortest shard the kernel accepts (one full column).</summary>
    public const int MinLength = 64;

    // For each coefficient c: the GF2P8AFFINEQB matrix of x -> c·x (immutable once built).
    private static readonly ulong[] AffineMatrices = BuildAffineMatrices();

    /// <summary>Gets a value indicating whether the CPU has AVX-512 GFNI.</summary>
    public static bool IsSupported => Gfni.V512.IsSupported && Avx512F.IsSupported;

    /// <summary>The affine (bit) matrix of multiplication by <paramref name="c"/>.</summary>
    public static ulong AffineMatrix(byte c) => AffineMatrices[c];

    /// <summary>
    /// Packs the affine matrices of the coefficient rows taken from <paramref name="coefficients"/>
    /// (row-major, <paramref name="k"/> columns) at the row indices <paramref name="rows"/>, into <paramref name="packed"/>
    /// (at least rows × k entries) in the block order <see cref="Multiply"/> reads.
    /// </summary>
    public static void Pack(ReadOnlySpan<byte> coefficients, int k, ReadOnlySpan<int> rows, Span<ulong> packed)
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
                    packed[at++] = AffineMatrices[coefficients[(rows[r0 + r] * k) + j]];
                }
            }

            r0 += block;
        }
    }

    /// <summary>
    /// Computes <c>dst[r] = Σ_j coef[r][j] · src[j]</c> over the first <paramref name="length"/> bytes, for rows packed by
    /// <see cref="Pack"/>. Sources and destinations are (array, offset) pairs whose arrays hold at least offset + length bytes.
    /// </summary>
    public static void Multiply(
        ReadOnlySpan<ulong> packed,
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
            throw new PlatformNotSupportedException("AVX-512 GFNI is not available.");
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

        ref ulong mats = ref MemoryMarshal.GetReference(packed);
        ref byte[] src = ref MemoryMarshal.GetReference(srcArrays);
        ref int srcOff = ref MemoryMarshal.GetReference(srcOffsets);
        for (int r0 = 0; r0 < rowCount;)
        {
            int block = BlockRows(rowCount - r0);
            ref byte[] dst = ref Unsafe.Add(ref MemoryMarshal.GetReference(dstArrays), r0);
            ref int dstOff = ref Unsafe.Add(ref MemoryMarshal.GetReference(dstOffsets), r0);
            switch (block)
            {
                case 16:
                    Block<Rows16>(ref mats, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
                case 8:
                    Block<Rows8>(ref mats, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
                case 4:
                    Block<Rows4>(ref mats, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
                case 2:
                    Block<Rows2>(ref mats, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
                default:
                    Block<Rows1>(ref mats, k, ref src, ref srcOff, ref dst, ref dstOff, length);
                    break;
            }

            mats = ref Unsafe.Add(ref mats, block * k);
            r0 += block;
        }
    }

    /// <summary>The rows of the next block when <paramref name="remaining"/> rows are left: 16, else the largest power of two.</summary>
    public static int BlockRows(int remaining) => remaining >= 16 ? 16 : remaining >= 8 ? 8 : remaining >= 4 ? 4 : remaining >= 2 ? 2 : 1;

    private static void CheckRange(byte[] array, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(array);
        if ((uint)offset > (uint)array.Length || array.Length - offset < length)
        {
            throw new ArgumentException("A shard is shorter than the shard length.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<T>(ref ulong mats, int k, ref byte[] src, ref int srcOff, ref byte[] dst, ref int dstOff, int length)
        where T : struct, IRowCount
    {
        int last = length - 64;
        int col = 0;
        while (true)
        {
            Vector512<byte> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            Vector512<byte> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
            ref ulong m = ref mats;
            int j = 0;

            // Two inputs per step: each accumulator takes both products in one three-way XOR (VPTERNLOGD), so the XORs need half
            // the vector ALU slots and the affine multiplies (port 0 only) stay the bottleneck.
            for (; j + 2 <= k; j += 2)
            {
                var x = Load(ref src, ref srcOff, j, col);
                var y = Load(ref src, ref srcOff, j + 1, col);
                ref ulong n = ref Unsafe.Add(ref m, T.Count);
                a0 = Fold(a0, x, m, y, n);
                if (T.Count > 1)
                {
                    a1 = Fold(a1, x, Unsafe.Add(ref m, 1), y, Unsafe.Add(ref n, 1));
                }

                if (T.Count > 2)
                {
                    a2 = Fold(a2, x, Unsafe.Add(ref m, 2), y, Unsafe.Add(ref n, 2));
                    a3 = Fold(a3, x, Unsafe.Add(ref m, 3), y, Unsafe.Add(ref n, 3));
                }

                if (T.Count > 4)
                {
                    a4 = Fold(a4, x, Unsafe.Add(ref m, 4), y, Unsafe.Add(ref n, 4));
                    a5 = Fold(a5, x, Unsafe.Add(ref m, 5), y, Unsafe.Add(ref n, 5));
                    a6 = Fold(a6, x, Unsafe.Add(ref m, 6), y, Unsafe.Add(ref n, 6));
                    a7 = Fold(a7, x, Unsafe.Add(ref m, 7), y, Unsafe.Add(ref n, 7));
                }

                if (T.Count > 8)
                {
                    a8 = Fold(a8, x, Unsafe.Add(ref m, 8), y, Unsafe.Add(ref n, 8));
                    a9 = Fold(a9, x, Unsafe.Add(ref m, 9), y, Unsafe.Add(ref n, 9));
                    a10 = Fold(a10, x, Unsafe.Add(ref m, 10), y, Unsafe.Add(ref n, 10));
                    a11 = Fold(a11, x, Unsafe.Add(ref m, 11), y, Unsafe.Add(ref n, 11));
                    a12 = Fold(a12, x, Unsafe.Add(ref m, 12), y, Unsafe.Add(ref n, 12));
                    a13 = Fold(a13, x, Unsafe.Add(ref m, 13), y, Unsafe.Add(ref n, 13));
                    a14 = Fold(a14, x, Unsafe.Add(ref m, 14), y, Unsafe.Add(ref n, 14));
                    a15 = Fold(a15, x, Unsafe.Add(ref m, 15), y, Unsafe.Add(ref n, 15));
                }

                m = ref Unsafe.Add(ref m, 2 * T.Count);
            }

            if (j < k)
            {
                var x = Load(ref src, ref srcOff, j, col);
                a0 ^= Mul(x, m);
                if (T.Count > 1)
                {
                    a1 ^= Mul(x, Unsafe.Add(ref m, 1));
                }

                if (T.Count > 2)
                {
                    a2 ^= Mul(x, Unsafe.Add(ref m, 2));
                    a3 ^= Mul(x, Unsafe.Add(ref m, 3));
                }

                if (T.Count > 4)
                {
                    a4 ^= Mul(x, Unsafe.Add(ref m, 4));
                    a5 ^= Mul(x, Unsafe.Add(ref m, 5));
                    a6 ^= Mul(x, Unsafe.Add(ref m, 6));
                    a7 ^= Mul(x, Unsafe.Add(ref m, 7));
                }

                if (T.Count > 8)
                {
                    a8 ^= Mul(x, Unsafe.Add(ref m, 8));
                    a9 ^= Mul(x, Unsafe.Add(ref m, 9));
                    a10 ^= Mul(x, Unsafe.Add(ref m, 10));
                    a11 ^= Mul(x, Unsafe.Add(ref m, 11));
                    a12 ^= Mul(x, Unsafe.Add(ref m, 12));
                    a13 ^= Mul(x, Unsafe.Add(ref m, 13));
                    a14 ^= Mul(x, Unsafe.Add(ref m, 14));
                    a15 ^= Mul(x, Unsafe.Add(ref m, 15));
                }
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

            if (T.Count > 8)
            {
                Store(a8, ref dst, ref dstOff, 8, col);
                Store(a9, ref dst, ref dstOff, 9, col);
                Store(a10, ref dst, ref dstOff, 10, col);
                Store(a11, ref dst, ref dstOff, 11, col);
                Store(a12, ref dst, ref dstOff, 12, col);
                Store(a13, ref dst, ref dstOff, 13, col);
                Store(a14, ref dst, ref dstOff, 14, col);
                Store(a15, ref dst, ref dstOff, 15, col);
            }

            if (col == last)
            {
                return;
            }

            col = Math.Min(col + 64, last);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Load(ref byte[] src, ref int srcOff, int j, int col)
        => Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Unsafe.Add(ref src, j)), (nuint)(Unsafe.Add(ref srcOff, j) + col));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Mul(Vector512<byte> x, ulong matrix)
        => Gfni.V512.GaloisFieldAffineTransform(x, Vector512.Create(matrix).AsByte(), 0);

    /// <summary>acc ^ c1·x ^ c2·y with one VPTERNLOGD (truth table 0x96 = three-way XOR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Fold(Vector512<byte> acc, Vector512<byte> x, ulong c1, Vector512<byte> y, ulong c2)
        => Avx512F.TernaryLogic(acc, Mul(x, c1), Mul(y, c2), 0x96);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<byte> value, ref byte[] dst, ref int dstOff, int row, int col)
        => value.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(Unsafe.Add(ref dst, row)), (nuint)(Unsafe.Add(ref dstOff, row) + col));

    private static ulong[] BuildAffineMatrices()
    {
        // GF2P8AFFINEQB: output bit i = parity(matrix.byte[7 - i] & x). Row i has bit j set when bit i of c·2^j is set.
        var table = new ulong[256];
        for (int c = 0; c < 256; c++)
        {
            ulong a = 0;
            for (int bit = 0; bit < 8; bit++)
            {
                ulong row = 0;
                for (int j = 0; j < 8; j++)
                {
                    if (((GaloisField.Mul((byte)c, (byte)(1 << j)) >> bit) & 1) != 0)
                    {
                        row |= 1UL << j;
                    }
                }

                a |= row << (8 * (7 - bit));
            }

            table[c] = a;
        }

        return table;
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

    private readonly struct Rows16 : IRowCount
    {
        public static int Count => 16;
    }
}
