using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MevDefense.Ingest.Fec;

namespace MevDefense.Ingest.Internal;

// Banned-API exception (eng/BannedSymbols.txt): this hot-path kernel reads and writes shard/message memory through
// Unsafe/MemoryMarshal to avoid bounds checks in its inner loops; its outputs are property-tested against the scalar path.
#pragma warning disable RS0030

/// <summary>
/// dst ^= c·src (and dst = c·src) over GF(2^8), 0x11D. The vector path uses the split-nibble PSHUFB technique
/// (AVX2 / SSSE3): c·x = LO[c][x &amp; 15] ^ HI[c][x &gt;&gt; 4]. The scalar path uses the full multiplication table.
/// Where GFNI is available, multiplication by a constant is one GF2P8AFFINEQB with the constant's 8×8 bit matrix
/// (multiplication by c is GF(2)-linear, so any field polynomial works, unlike GF2P8MULB which is fixed to 0x11B).
/// All paths are byte-identical (property-tested).
/// </summary>
internal static class GfSimd
{
    // For each coefficient c: 16 bytes c·i then 16 bytes c·(i<<4).
    private static readonly byte[] NibbleTables = BuildNibbleTables();

    // For each coefficient c: the GF2P8AFFINEQB matrix of x -> c·x.
    private static readonly ulong[] AffineMatrices = BuildAffineMatrices();

    public static bool IsVectorized => Avx2.IsSupported || Ssse3.IsSupported;

    public static bool IsGfniSupported => Gfni.V256.IsSupported;

    public static void MulAdd(byte c, ReadOnlySpan<byte> src, Span<byte> dst, bool allowVector = true)
        => MulAdd(c, src, dst, allowVector, allowGfni: true);

    public static void MulAdd(byte c, ReadOnlySpan<byte> src, Span<byte> dst, bool allowVector, bool allowGfni)
    {
        if (src.Length > dst.Length)
        {
            throw new ArgumentException("Destination too short.", nameof(dst));
        }

        if (c == 0)
        {
            return;
        }

        int i = 0;
        if (allowVector)
        {
            i = MulVector(c, src, dst, accumulate: true, allowGfni);
        }

        var row = GaloisField.MulRow(c);
        for (; i < src.Length; i++)
        {
            dst[i] ^= row[src[i]];
        }
    }

    public static void Mul(byte c, ReadOnlySpan<byte> src, Span<byte> dst, bool allowVector = true)
        => Mul(c, src, dst, allowVector, allowGfni: true);

    public static void Mul(byte c, ReadOnlySpan<byte> src, Span<byte> dst, bool allowVector, bool allowGfni)
    {
        if (src.Length > dst.Length)
        {
            throw new ArgumentException("Destination too short.", nameof(dst));
        }

        int i = 0;
        if (allowVector)
        {
            i = MulVector(c, src, dst, accumulate: false, allowGfni);
        }

        var row = GaloisField.MulRow(c);
        for (; i < src.Length; i++)
        {
            dst[i] = row[src[i]];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MulVector(byte c, ReadOnlySpan<byte> src, Span<byte> dst, bool accumulate, bool allowGfni)
    {
        int n = src.Length;
        int i = 0;
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        if (allowGfni && Gfni.V512.IsSupported && n >= 64)
        {
            var matrix = Vector512.Create(AffineMatrices[c]).AsByte();
            for (; i + 64 <= n; i += 64)
            {
                var p = Gfni.V512.GaloisFieldAffineTransform(Vector512.LoadUnsafe(ref s, (nuint)i), matrix, 0);
                if (accumulate)
                {
                    p ^= Vector512.LoadUnsafe(ref d, (nuint)i);
                }

                p.StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (allowGfni && Gfni.V256.IsSupported && n - i >= 32)
        {
            var matrix = Vector256.Create(AffineMatrices[c]).AsByte();
            for (; i + 32 <= n; i += 32)
            {
                var p = Gfni.V256.GaloisFieldAffineTransform(Vector256.LoadUnsafe(ref s, (nuint)i), matrix, 0);
                if (accumulate)
                {
                    p ^= Vector256.LoadUnsafe(ref d, (nuint)i);
                }

                p.StoreUnsafe(ref d, (nuint)i);
            }
        }

        ref byte t = ref NibbleTables[c * 32];
        if (Avx2.IsSupported && n >= 32)
        {
            var lo128 = Vector128.LoadUnsafe(ref t);
            var hi128 = Vector128.LoadUnsafe(ref t, 16);
            var lo = Vector256.Create(lo128, lo128);
            var hi = Vector256.Create(hi128, hi128);
            var mask = Vector256.Create((byte)0x0F);
            for (; i + 32 <= n; i += 32)
            {
                var x = Vector256.LoadUnsafe(ref s, (nuint)i);
                var l = Avx2.Shuffle(lo, x & mask);
                var h = Avx2.Shuffle(hi, Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask);
                var p = l ^ h;
                if (accumulate)
                {
                    p ^= Vector256.LoadUnsafe(ref d, (nuint)i);
                }

                p.StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Ssse3.IsSupported && n - i >= 16)
        {
            var lo = Vector128.LoadUnsafe(ref t);
            var hi = Vector128.LoadUnsafe(ref t, 16);
            var mask = Vector128.Create((byte)0x0F);
            for (; i + 16 <= n; i += 16)
            {
                var x = Vector128.LoadUnsafe(ref s, (nuint)i);
                var l = Ssse3.Shuffle(lo, x & mask);
                var h = Ssse3.Shuffle(hi, Sse2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask);
                var p = l ^ h;
                if (accumulate)
                {
                    p ^= Vector128.LoadUnsafe(ref d, (nuint)i);
                }

                p.StoreUnsafe(ref d, (nuint)i);
            }
        }

        return i;
    }

    private static ulong[] BuildAffineMatrices()
    {
        // Output bit i = parity(matrix.byte[7 - i] & x); row i has bit j set when bit i of c·2^j is set.
        var m = new ulong[256];
        for (int c = 0; c < 256; c++)
        {
            ulong a = 0;
            for (int bit = 0; bit < 8; bit++)
            {
                ulong row = 0;
                for (int j = 0; j < 8; j++)
                {
                    if ((GaloisField.Mul((byte)c, (byte)(1 << j)) >> bit & 1) != 0)
                    {
                        row |= 1UL << j;
                    }
                }

                a |= row << (8 * (7 - bit));
            }

            m[c] = a;
        }

        return m;
    }

    private static byte[] BuildNibbleTables()
    {
        var t = new byte[256 * 32];
        for (int c = 0; c < 256; c++)
        {
            for (int x = 0; x < 16; x++)
            {
                t[(c * 32) + x] = GaloisField.Mul((byte)c, (byte)x);
                t[(c * 32) + 16 + x] = GaloisField.Mul((byte)c, (byte)(x << 4));
            }
        }

        return t;
    }
}
