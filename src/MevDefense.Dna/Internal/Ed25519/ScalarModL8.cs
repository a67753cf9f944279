using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// Arithmetic modulo the group order L = 2^252 + δ (δ = 27742317777372353535851937790883648493) for eight scalars at once,
/// one per 64-bit lane, in signed radix 2^21: a scalar is twelve limbs <c>s[i]</c> (weight 2^(21i)) of a
/// <see cref="Vector512{T}"/> each. Products use <c>vpmuldq</c> (signed 32 × 32 → 64 bits), so every multiplicand limb is kept
/// within ±2^31 (the bounds are in the method remarks).
/// </summary>
/// <remarks>
/// Reduction folds a limb at position 12 + j (weight 2^252·2^(21j)) into positions j..j+5 with the limbs of −δ, since
/// 2^252 ≡ −δ (mod L). Constant time: fixed sequences of vector multiplies, adds and arithmetic shifts, no branch, loop bound
/// or memory address depends on the values.
/// </remarks>
[SkipLocalsInit]
internal static class ScalarModL8
{
    /// <summary>Limbs of a reduced scalar.</summary>
    public const int Limbs = 12;

    /// <summary>Bits per signed digit of <see cref="Recode"/> (radix 64).</summary>
    public const int DigitBits = 6;

    /// <summary>Signed radix-64 digits of a reduced scalar (43 × 6 = 258 bits ≥ 253).</summary>
    public const int DigitCount = 43;

    /// <summary>−δ = Σ C[k]·2^(21k), balanced limbs (|C[k]| &lt; 2^20).</summary>
    private const long C0 = 666643, C1 = 470296, C2 = 654183, C3 = -997805, C4 = 136657, C5 = -683901;

    private const long Mask21 = (1L << 21) - 1;

    /// <summary>The six limbs of −δ (checked by the tests against L).</summary>
    public static ReadOnlySpan<long> MinusDelta => [C0, C1, C2, C3, C4, C5];

    /// <summary>
    /// r = x mod L for eight 64-byte little-endian values <c>input[64·lane ..]</c> (the SHA-512 digests of RFC 8032), written as
    /// twelve canonical limbs (limbs 0..10 in [0, 2^21), limb 11 in [0, 2^22), value in [0, L)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Reduce(ReadOnlySpan<byte> input, Span<Vector512<long>> r)
    {
        Span<Vector512<ulong>> words = stackalloc Vector512<ulong>[8];
        LoadWords(input, words);
        Reduce(words, r);
        words.Clear();
    }

    /// <summary>Eight 64-byte little-endian values (<c>input[64·lane ..]</c>) as eight vectors of 64-bit words (<c>words[w]</c> = word w of every lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void LoadWords(ReadOnlySpan<byte> input, Span<Vector512<ulong>> words)
    {
        Span<ulong> lanes = stackalloc ulong[8];
        for (int w = 0; w < 8; w++)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                lanes[lane] = BinaryPrimitives.ReadUInt64LittleEndian(input.Slice((64 * lane) + (8 * w), 8));
            }

            words[w] = Vector512.Create<ulong>(lanes);
        }

        lanes.Clear();
    }

    /// <summary>
    /// As <see cref="Reduce(ReadOnlySpan{byte}, Span{Vector512{long}})"/>, the eight 512-bit values given as eight
    /// little-endian 64-bit words per lane (<c>words[w]</c> holds word w of every lane, as <see cref="Sha512x8.HashBlocks(ReadOnlySpan{byte}, Span{Vector512{ulong}})"/> writes them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Reduce(ReadOnlySpan<Vector512<ulong>> words, Span<Vector512<long>> r)
    {
        Span<Vector512<long>> s = stackalloc Vector512<long>[24];
        Vector512<ulong> m21 = Vector512.Create((ulong)Mask21);
        for (int i = 0; i < 24; i++)
        {
            int bit = 21 * i, w = bit >> 6, offset = bit & 63;
            Vector512<ulong> v = Vector512.ShiftRightLogical(words[w], offset);
            if (offset > 64 - 21 && w < 7)
            {
                v |= Vector512.ShiftLeft(words[w + 1], 64 - offset);
            }

            s[i] = (i < 23 ? v & m21 : v).AsInt64(); // limb 23 takes the remaining 29 bits
        }

        Reduce24(s, r);
        s.Clear();
    }

    /// <summary>
    /// s = (k·a + c) mod L, canonical limbs as <see cref="Reduce(ReadOnlySpan{byte}, Span{Vector512{long}})"/>. k and c are canonical (from <see cref="Reduce(ReadOnlySpan{byte}, Span{Vector512{long}})"/>); a is
    /// any 255-bit scalar given as twelve limbs of 21 bits with the top limb up to 24 bits (<see cref="Broadcast"/>), so each
    /// column of k·a + c stays below 2^51.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void MulAdd(ReadOnlySpan<Vector512<long>> k, ReadOnlySpan<Vector512<long>> a, ReadOnlySpan<Vector512<long>> c, Span<Vector512<long>> result)
    {
        Span<Vector512<long>> s = stackalloc Vector512<long>[24];
        for (int i = 0; i < Limbs; i++)
        {
            s[i] = c[i];
        }

        for (int i = Limbs; i < 24; i++)
        {
            s[i] = Vector512<long>.Zero;
        }

        for (int i = 0; i < Limbs; i++)
        {
            Vector512<long> ki = k[i];
            for (int j = 0; j < Limbs; j++)
            {
                s[i + j] += Mul(ki, a[j]);
            }
        }

        // Floor carries: limbs 0..22 in [0, 2^21), limb 23 the rest (k·a + c < 2^508, so below 2^25).
        Vector512<long> m21 = Vector512.Create(Mask21);
        for (int i = 0; i < 23; i++)
        {
            Vector512<long> carry = Vector512.ShiftRightArithmetic(s[i], 21);
            s[i + 1] += carry;
            s[i] &= m21;
        }

        Reduce24(s, result);
        s.Clear();
    }

    /// <summary>Twelve limbs of a 32-byte little-endian scalar (limb 11 holds bits 231..255, up to 25 bits), in every lane.</summary>
    public static void Broadcast(ReadOnlySpan<byte> scalar, Span<Vector512<long>> limbs)
    {
        Span<byte> padded = stackalloc byte[40];
        scalar[..32].CopyTo(padded);
        padded[32..].Clear();
        for (int i = 0; i < Limbs; i++)
        {
            int bit = 21 * i;
            long mask = i < Limbs - 1 ? Mask21 : (1L << 25) - 1;
            limbs[i] = Vector512.Create((long)(BinaryPrimitives.ReadUInt64LittleEndian(padded.Slice(bit >> 3, 8)) >> (bit & 7)) & mask);
        }

        padded.Clear();
    }

    /// <summary>Writes lane <paramref name="lane"/> of canonical limbs as 32 little-endian bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Store(ReadOnlySpan<Vector512<long>> limbs, int lane, Span<byte> output)
    {
        UInt128 lo = 0, hi = 0; // bits 0..127 and 128..255
        for (int i = 0; i < Limbs; i++)
        {
            UInt128 v = (ulong)limbs[i].GetElement(lane);
            int shift = 21 * i;
            if (shift < 128)
            {
                lo |= v << shift;
                hi |= shift + 22 > 128 ? v >> (128 - shift) : 0;
            }
            else
            {
                hi |= v << (shift - 128);
            }
        }

        BinaryPrimitives.WriteUInt128LittleEndian(output, lo);
        BinaryPrimitives.WriteUInt128LittleEndian(output[16..], hi);
    }

    /// <summary>
    /// Signed radix-64 digits e_i ∈ [-32, 32] with scalar = Σ e_i·64^i, 43 digits, of the eight canonical scalars (below
    /// 2^253), written lane-interleaved: <c>digits[8·i + lane]</c>. 6-bit windows, then from the bottom a digit ≥ 32 becomes
    /// digit - 64 with a carry of one (the top digit, bits 252.. plus a carry, stays ≤ 2). Vector shifts and masks only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Recode(ReadOnlySpan<Vector512<long>> r, Span<sbyte> digits)
    {
        Vector512<long> mask = Vector512.Create((1L << DigitBits) - 1), half = Vector512.Create(1L << (DigitBits - 1));
        Vector512<long> carry = Vector512<long>.Zero;
        for (int i = 0; i < DigitCount; i++)
        {
            int bit = DigitBits * i, limb = Math.Min(bit / 21, Limbs - 1), offset = bit - (21 * limb);
            Vector512<long> window = Vector512.ShiftRightLogical(r[limb], offset);
            if (offset + DigitBits > 21 && limb + 1 < Limbs)
            {
                window |= Vector512.ShiftLeft(r[limb + 1], 21 - offset);
            }

            Vector512<long> e = (window & mask) + carry;
            carry = Vector512.ShiftRightArithmetic(e + half, DigitBits);
            e -= Vector512.ShiftLeft(carry, DigitBits);
            Vector128<sbyte> packed = Avx512F.ConvertToVector128SByte(e);
            BinaryPrimitives.WriteUInt64LittleEndian(SBytesAsBytes(digits.Slice(8 * i, 8)), packed.AsUInt64().ToScalar());
        }
    }

    /// <summary>
    /// Reduces 24 limbs (0..22 in [0, 2^21), 23 below 2^29) mod L into twelve canonical limbs. Bounds: folding limbs 23..18
    /// (multiplicands below 2^29) leaves every limb below 2^52; balanced carries 6→17 bring limbs 6..16 into [-2^20, 2^20) and
    /// limb 17 below 2^29; folding 17..12 keeps limbs below 2^52; balanced carries 0→12 leave |limbs 0..11| ≤ 2^20 and a small
    /// limb 12, so the value is within ±2^251.01; after folding limb 12 and floor carries, limb 12 is 0 or -1, and folding it
    /// once more (adding L when -1) gives the value in [0, L), which the last floor carries make canonical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    private static void Reduce24(Span<Vector512<long>> s, Span<Vector512<long>> result)
    {
        for (int i = 23; i >= 18; i--)
        {
            Fold(s, i);
        }

        for (int i = 6; i < 17; i++)
        {
            BalancedCarry(s, i);
        }

        for (int i = 17; i >= 12; i--)
        {
            Fold(s, i);
        }

        for (int i = 0; i < 12; i++)
        {
            BalancedCarry(s, i);
        }

        Fold(s, 12);
        for (int i = 0; i < 12; i++)
        {
            FloorCarry(s, i);
        }

        Fold(s, 12);
        for (int i = 0; i < 11; i++)
        {
            FloorCarry(s, i);
        }

        s[..Limbs].CopyTo(result);
    }

    /// <summary>s[i - 12 .. i - 7] += s[i]·(−δ limbs); s[i] = 0 (value unchanged mod L).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(Span<Vector512<long>> s, int i)
    {
        Vector512<long> v = s[i];
        s[i - 12] += Mul(v, Vector512.Create(C0));
        s[i - 11] += Mul(v, Vector512.Create(C1));
        s[i - 10] += Mul(v, Vector512.Create(C2));
        s[i - 9] += Mul(v, Vector512.Create(C3));
        s[i - 8] += Mul(v, Vector512.Create(C4));
        s[i - 7] += Mul(v, Vector512.Create(C5));
        s[i] = Vector512<long>.Zero;
    }

    /// <summary>Moves round(s[i] / 2^21) into s[i + 1], leaving s[i] in [-2^20, 2^20).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BalancedCarry(Span<Vector512<long>> s, int i)
    {
        Vector512<long> carry = Vector512.ShiftRightArithmetic(s[i] + Vector512.Create(1L << 20), 21);
        s[i + 1] += carry;
        s[i] -= Vector512.ShiftLeft(carry, 21);
    }

    /// <summary>Moves floor(s[i] / 2^21) into s[i + 1], leaving s[i] in [0, 2^21).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FloorCarry(Span<Vector512<long>> s, int i)
    {
        Vector512<long> carry = Vector512.ShiftRightArithmetic(s[i], 21);
        s[i + 1] += carry;
        s[i] &= Vector512.Create(Mask21);
    }

    /// <summary>Signed 32 × 32 → 64-bit products of the low halves of each lane (<c>vpmuldq</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Mul(Vector512<long> a, Vector512<long> b) => Avx512F.Multiply(a.AsInt32(), b.AsInt32());

    private static Span<byte> SBytesAsBytes(Span<sbyte> s)
    {
#pragma warning disable RS0030 // reinterpreting sbyte digits as bytes to store eight at once; no pointer arithmetic
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(s);
#pragma warning restore RS0030
    }
}
