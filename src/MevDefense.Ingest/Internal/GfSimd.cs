using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MevDefense.Ingest.Fec;

namespace MevDefense.Ingest.Internal;

/// <summary>
/// dst ^= c·src (and dst = c·src) over GF(2^8), 0x11D. The vector path uses the split-nibble PSHUFB technique
/// (AVX2 / SSSE3): c·x = LO[c][x &amp; 15] ^ HI[c][x &gt;&gt; 4]. The scalar path uses the full multiplication table.
/// Both are byte-identical (property-tested).
/// </summary>
internal static class GfSimd
{
    // For each coefficient c: 16 bytes c·i then 16 bytes c·(i<<4).
    private static readonly byte[] NibbleTables = BuildNibbleTables();

    public static bool IsVectorized => Avx2.IsSupported || Ssse3.IsSupported;

    public static void MulAdd(byte c, ReadOnlySpan<byte> src, Span<byte> dst, bool allowVector = true)
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
            i = MulVector(c, src, dst, accumulate: true);
        }

        var row = GaloisField.MulRow(c);
        for (; i < src.Length; i++)
        {
            dst[i] ^= row[src[i]];
        }
    }

    public static void Mul(byte c, ReadOnlySpan<byte> src, Span<byte> dst, bool allowVector = true)
    {
        if (src.Length > dst.Length)
        {
            throw new ArgumentException("Destination too short.", nameof(dst));
        }

        int i = 0;
        if (allowVector)
        {
            i = MulVector(c, src, dst, accumulate: false);
        }

        var row = GaloisField.MulRow(c);
        for (; i < src.Length; i++)
        {
            dst[i] = row[src[i]];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MulVector(byte c, ReadOnlySpan<byte> src, Span<byte> dst, bool accumulate)
    {
        int n = src.Length;
        int i = 0;
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
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
