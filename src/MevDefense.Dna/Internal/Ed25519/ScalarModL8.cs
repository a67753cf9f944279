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
        Span<Vector512<long>> columns = stackalloc Vector512<long>[24];
        Vector512<long> k0 = k[0], a0 = a[0];
        Vector512<long> k1 = k[1], a1 = a[1];
        Vector512<long> k2 = k[2], a2 = a[2];
        Vector512<long> k3 = k[3], a3 = a[3];
        Vector512<long> k4 = k[4], a4 = a[4];
        Vector512<long> k5 = k[5], a5 = a[5];
        Vector512<long> k6 = k[6], a6 = a[6];
        Vector512<long> k7 = k[7], a7 = a[7];
        Vector512<long> k8 = k[8], a8 = a[8];
        Vector512<long> k9 = k[9], a9 = a[9];
        Vector512<long> k10 = k[10], a10 = a[10];
        Vector512<long> k11 = k[11], a11 = a[11];
        Vector512<long> s0 = c[0] + Mul(k0, a0);
        Vector512<long> s1 = c[1] + Mul(k0, a1) + Mul(k1, a0);
        Vector512<long> s2 = c[2] + Mul(k0, a2) + Mul(k1, a1) + Mul(k2, a0);
        Vector512<long> s3 = c[3] + Mul(k0, a3) + Mul(k1, a2) + Mul(k2, a1) + Mul(k3, a0);
        Vector512<long> s4 = c[4] + Mul(k0, a4) + Mul(k1, a3) + Mul(k2, a2) + Mul(k3, a1) + Mul(k4, a0);
        Vector512<long> s5 = c[5] + Mul(k0, a5) + Mul(k1, a4) + Mul(k2, a3) + Mul(k3, a2) + Mul(k4, a1) + Mul(k5, a0);
        Vector512<long> s6 = c[6] + Mul(k0, a6) + Mul(k1, a5) + Mul(k2, a4) + Mul(k3, a3) + Mul(k4, a2) + Mul(k5, a1) + Mul(k6, a0);
        Vector512<long> s7 = c[7] + Mul(k0, a7) + Mul(k1, a6) + Mul(k2, a5) + Mul(k3, a4) + Mul(k4, a3) + Mul(k5, a2) + Mul(k6, a1) + Mul(k7, a0);
        Vector512<long> s8 = c[8] + Mul(k0, a8) + Mul(k1, a7) + Mul(k2, a6) + Mul(k3, a5) + Mul(k4, a4) + Mul(k5, a3) + Mul(k6, a2) + Mul(k7, a1) + Mul(k8, a0);
        Vector512<long> s9 = c[9] + Mul(k0, a9) + Mul(k1, a8) + Mul(k2, a7) + Mul(k3, a6) + Mul(k4, a5) + Mul(k5, a4) + Mul(k6, a3) + Mul(k7, a2) + Mul(k8, a1) + Mul(k9, a0);
        Vector512<long> s10 = c[10] + Mul(k0, a10) + Mul(k1, a9) + Mul(k2, a8) + Mul(k3, a7) + Mul(k4, a6) + Mul(k5, a5) + Mul(k6, a4) + Mul(k7, a3) + Mul(k8, a2) + Mul(k9, a1) + Mul(k10, a0);
        Vector512<long> s11 = c[11] + Mul(k0, a11) + Mul(k1, a10) + Mul(k2, a9) + Mul(k3, a8) + Mul(k4, a7) + Mul(k5, a6) + Mul(k6, a5) + Mul(k7, a4) + Mul(k8, a3) + Mul(k9, a2) + Mul(k10, a1) + Mul(k11, a0);
        Vector512<long> s12 = Mul(k1, a11) + Mul(k2, a10) + Mul(k3, a9) + Mul(k4, a8) + Mul(k5, a7) + Mul(k6, a6) + Mul(k7, a5) + Mul(k8, a4) + Mul(k9, a3) + Mul(k10, a2) + Mul(k11, a1);
        Vector512<long> s13 = Mul(k2, a11) + Mul(k3, a10) + Mul(k4, a9) + Mul(k5, a8) + Mul(k6, a7) + Mul(k7, a6) + Mul(k8, a5) + Mul(k9, a4) + Mul(k10, a3) + Mul(k11, a2);
        Vector512<long> s14 = Mul(k3, a11) + Mul(k4, a10) + Mul(k5, a9) + Mul(k6, a8) + Mul(k7, a7) + Mul(k8, a6) + Mul(k9, a5) + Mul(k10, a4) + Mul(k11, a3);
        Vector512<long> s15 = Mul(k4, a11) + Mul(k5, a10) + Mul(k6, a9) + Mul(k7, a8) + Mul(k8, a7) + Mul(k9, a6) + Mul(k10, a5) + Mul(k11, a4);
        Vector512<long> s16 = Mul(k5, a11) + Mul(k6, a10) + Mul(k7, a9) + Mul(k8, a8) + Mul(k9, a7) + Mul(k10, a6) + Mul(k11, a5);
        Vector512<long> s17 = Mul(k6, a11) + Mul(k7, a10) + Mul(k8, a9) + Mul(k9, a8) + Mul(k10, a7) + Mul(k11, a6);
        Vector512<long> s18 = Mul(k7, a11) + Mul(k8, a10) + Mul(k9, a9) + Mul(k10, a8) + Mul(k11, a7);
        Vector512<long> s19 = Mul(k8, a11) + Mul(k9, a10) + Mul(k10, a9) + Mul(k11, a8);
        Vector512<long> s20 = Mul(k9, a11) + Mul(k10, a10) + Mul(k11, a9);
        Vector512<long> s21 = Mul(k10, a11) + Mul(k11, a10);
        Vector512<long> s22 = Mul(k11, a11);
        // Floor carries: limbs 0..22 in [0, 2^21), limb 23 the rest (k·a + c < 2^508, so below 2^25).
        Vector512<long> m21 = Vector512.Create(Mask21);
        s1 += Vector512.ShiftRightArithmetic(s0, 21); s0 &= m21;
        s2 += Vector512.ShiftRightArithmetic(s1, 21); s1 &= m21;
        s3 += Vector512.ShiftRightArithmetic(s2, 21); s2 &= m21;
        s4 += Vector512.ShiftRightArithmetic(s3, 21); s3 &= m21;
        s5 += Vector512.ShiftRightArithmetic(s4, 21); s4 &= m21;
        s6 += Vector512.ShiftRightArithmetic(s5, 21); s5 &= m21;
        s7 += Vector512.ShiftRightArithmetic(s6, 21); s6 &= m21;
        s8 += Vector512.ShiftRightArithmetic(s7, 21); s7 &= m21;
        s9 += Vector512.ShiftRightArithmetic(s8, 21); s8 &= m21;
        s10 += Vector512.ShiftRightArithmetic(s9, 21); s9 &= m21;
        s11 += Vector512.ShiftRightArithmetic(s10, 21); s10 &= m21;
        s12 += Vector512.ShiftRightArithmetic(s11, 21); s11 &= m21;
        s13 += Vector512.ShiftRightArithmetic(s12, 21); s12 &= m21;
        s14 += Vector512.ShiftRightArithmetic(s13, 21); s13 &= m21;
        s15 += Vector512.ShiftRightArithmetic(s14, 21); s14 &= m21;
        s16 += Vector512.ShiftRightArithmetic(s15, 21); s15 &= m21;
        s17 += Vector512.ShiftRightArithmetic(s16, 21); s16 &= m21;
        s18 += Vector512.ShiftRightArithmetic(s17, 21); s17 &= m21;
        s19 += Vector512.ShiftRightArithmetic(s18, 21); s18 &= m21;
        s20 += Vector512.ShiftRightArithmetic(s19, 21); s19 &= m21;
        s21 += Vector512.ShiftRightArithmetic(s20, 21); s20 &= m21;
        s22 += Vector512.ShiftRightArithmetic(s21, 21); s21 &= m21;
        Vector512<long> s23 = Vector512.ShiftRightArithmetic(s22, 21); s22 &= m21;
        columns[0] = s0;
        columns[1] = s1;
        columns[2] = s2;
        columns[3] = s3;
        columns[4] = s4;
        columns[5] = s5;
        columns[6] = s6;
        columns[7] = s7;
        columns[8] = s8;
        columns[9] = s9;
        columns[10] = s10;
        columns[11] = s11;
        columns[12] = s12;
        columns[13] = s13;
        columns[14] = s14;
        columns[15] = s15;
        columns[16] = s16;
        columns[17] = s17;
        columns[18] = s18;
        columns[19] = s19;
        columns[20] = s20;
        columns[21] = s21;
        columns[22] = s22;
        columns[23] = s23;
        Reduce24(columns, result);
        columns.Clear();
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

    /// <summary>
    /// Writes lanes 0 .. <paramref name="lanes"/> - 1 of canonical limbs as 32 little-endian bytes each, lane l at
    /// <c>output[stride·l ..]</c> (one limb-major copy, then packing lane by lane).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void StoreLanes(ReadOnlySpan<Vector512<long>> limbs, int lanes, Span<byte> output, int stride)
    {
        Span<long> t = stackalloc long[8 * Limbs];
        for (int i = 0; i < Limbs; i++)
        {
            limbs[i].CopyTo(t[(8 * i)..]);
        }

        for (int lane = 0; lane < lanes; lane++)
        {
            UInt128 lo = 0, hi = 0; // bits 0..127 and 128..255
            for (int i = 0; i < Limbs; i++)
            {
                UInt128 v = (ulong)t[(8 * i) + lane];
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

            BinaryPrimitives.WriteUInt128LittleEndian(output.Slice(stride * lane, 16), lo);
            BinaryPrimitives.WriteUInt128LittleEndian(output.Slice((stride * lane) + 16, 16), hi);
        }

        t.Clear();
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
    /// 2^253): lane l of <c>digits[i]</c> is digit i of lane l. 6-bit windows, then from the bottom a digit ≥ 32 becomes
    /// digit - 64 with a carry of one (the top digit, bits 252.. plus a carry, stays ≤ 2). Vector shifts and masks only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Recode(ReadOnlySpan<Vector512<long>> r, Span<Vector512<long>> digits)
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
            digits[i] = e;
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
    private static void Reduce24(ReadOnlySpan<Vector512<long>> s, Span<Vector512<long>> result)
    {
        // Straight-line (generated from the steps above): the 24 limbs stay in registers.
        Vector512<long> c0 = Vector512.Create(C0), c1 = Vector512.Create(C1), c2 = Vector512.Create(C2), c3 = Vector512.Create(C3), c4 = Vector512.Create(C4), c5 = Vector512.Create(C5);
        Vector512<long> round = Vector512.Create(1L << 20), m21 = Vector512.Create(Mask21), carry;
        Vector512<long> s0 = s[0];
        Vector512<long> s1 = s[1];
        Vector512<long> s2 = s[2];
        Vector512<long> s3 = s[3];
        Vector512<long> s4 = s[4];
        Vector512<long> s5 = s[5];
        Vector512<long> s6 = s[6];
        Vector512<long> s7 = s[7];
        Vector512<long> s8 = s[8];
        Vector512<long> s9 = s[9];
        Vector512<long> s10 = s[10];
        Vector512<long> s11 = s[11];
        Vector512<long> s12 = s[12];
        Vector512<long> s13 = s[13];
        Vector512<long> s14 = s[14];
        Vector512<long> s15 = s[15];
        Vector512<long> s16 = s[16];
        Vector512<long> s17 = s[17];
        Vector512<long> s18 = s[18];
        Vector512<long> s19 = s[19];
        Vector512<long> s20 = s[20];
        Vector512<long> s21 = s[21];
        Vector512<long> s22 = s[22];
        Vector512<long> s23 = s[23];
        // Fold limbs 23..18 (multiplicands below 2^29: limbs 18..22 are untouched input limbs, 23 below 2^29).
        s11 += Mul(s23, c0);
        s12 += Mul(s23, c1);
        s13 += Mul(s23, c2);
        s14 += Mul(s23, c3);
        s15 += Mul(s23, c4);
        s16 += Mul(s23, c5);
        s10 += Mul(s22, c0);
        s11 += Mul(s22, c1);
        s12 += Mul(s22, c2);
        s13 += Mul(s22, c3);
        s14 += Mul(s22, c4);
        s15 += Mul(s22, c5);
        s9 += Mul(s21, c0);
        s10 += Mul(s21, c1);
        s11 += Mul(s21, c2);
        s12 += Mul(s21, c3);
        s13 += Mul(s21, c4);
        s14 += Mul(s21, c5);
        s8 += Mul(s20, c0);
        s9 += Mul(s20, c1);
        s10 += Mul(s20, c2);
        s11 += Mul(s20, c3);
        s12 += Mul(s20, c4);
        s13 += Mul(s20, c5);
        s7 += Mul(s19, c0);
        s8 += Mul(s19, c1);
        s9 += Mul(s19, c2);
        s10 += Mul(s19, c3);
        s11 += Mul(s19, c4);
        s12 += Mul(s19, c5);
        s6 += Mul(s18, c0);
        s7 += Mul(s18, c1);
        s8 += Mul(s18, c2);
        s9 += Mul(s18, c3);
        s10 += Mul(s18, c4);
        s11 += Mul(s18, c5);
        // Balanced carries 6 -> 17: limbs 6..16 in [-2^20, 2^20), limb 17 below 2^29.
        carry = Vector512.ShiftRightArithmetic(s6 + round, 21); s7 += carry; s6 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s7 + round, 21); s8 += carry; s7 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s8 + round, 21); s9 += carry; s8 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s9 + round, 21); s10 += carry; s9 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s10 + round, 21); s11 += carry; s10 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s11 + round, 21); s12 += carry; s11 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s12 + round, 21); s13 += carry; s12 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s13 + round, 21); s14 += carry; s13 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s14 + round, 21); s15 += carry; s14 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s15 + round, 21); s16 += carry; s15 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s16 + round, 21); s17 += carry; s16 -= Vector512.ShiftLeft(carry, 21);
        // Fold limbs 17..12.
        s5 += Mul(s17, c0);
        s6 += Mul(s17, c1);
        s7 += Mul(s17, c2);
        s8 += Mul(s17, c3);
        s9 += Mul(s17, c4);
        s10 += Mul(s17, c5);
        s4 += Mul(s16, c0);
        s5 += Mul(s16, c1);
        s6 += Mul(s16, c2);
        s7 += Mul(s16, c3);
        s8 += Mul(s16, c4);
        s9 += Mul(s16, c5);
        s3 += Mul(s15, c0);
        s4 += Mul(s15, c1);
        s5 += Mul(s15, c2);
        s6 += Mul(s15, c3);
        s7 += Mul(s15, c4);
        s8 += Mul(s15, c5);
        s2 += Mul(s14, c0);
        s3 += Mul(s14, c1);
        s4 += Mul(s14, c2);
        s5 += Mul(s14, c3);
        s6 += Mul(s14, c4);
        s7 += Mul(s14, c5);
        s1 += Mul(s13, c0);
        s2 += Mul(s13, c1);
        s3 += Mul(s13, c2);
        s4 += Mul(s13, c3);
        s5 += Mul(s13, c4);
        s6 += Mul(s13, c5);
        s0 += Mul(s12, c0);
        s1 += Mul(s12, c1);
        s2 += Mul(s12, c2);
        s3 += Mul(s12, c3);
        s4 += Mul(s12, c4);
        s5 += Mul(s12, c5);
        s12 = Vector512<long>.Zero;
        // Balanced carries 0 -> 12: the value is now within ±2^251.01 plus a small limb 12.
        carry = Vector512.ShiftRightArithmetic(s0 + round, 21); s1 += carry; s0 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s1 + round, 21); s2 += carry; s1 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s2 + round, 21); s3 += carry; s2 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s3 + round, 21); s4 += carry; s3 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s4 + round, 21); s5 += carry; s4 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s5 + round, 21); s6 += carry; s5 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s6 + round, 21); s7 += carry; s6 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s7 + round, 21); s8 += carry; s7 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s8 + round, 21); s9 += carry; s8 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s9 + round, 21); s10 += carry; s9 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s10 + round, 21); s11 += carry; s10 -= Vector512.ShiftLeft(carry, 21);
        carry = Vector512.ShiftRightArithmetic(s11 + round, 21); s12 += carry; s11 -= Vector512.ShiftLeft(carry, 21);
        s0 += Mul(s12, c0);
        s1 += Mul(s12, c1);
        s2 += Mul(s12, c2);
        s3 += Mul(s12, c3);
        s4 += Mul(s12, c4);
        s5 += Mul(s12, c5);
        s12 = Vector512<long>.Zero;
        // Floor carries: limbs 0..11 in [0, 2^21), limb 12 is 0 or -1.
        s1 += Vector512.ShiftRightArithmetic(s0, 21); s0 &= m21;
        s2 += Vector512.ShiftRightArithmetic(s1, 21); s1 &= m21;
        s3 += Vector512.ShiftRightArithmetic(s2, 21); s2 &= m21;
        s4 += Vector512.ShiftRightArithmetic(s3, 21); s3 &= m21;
        s5 += Vector512.ShiftRightArithmetic(s4, 21); s4 &= m21;
        s6 += Vector512.ShiftRightArithmetic(s5, 21); s5 &= m21;
        s7 += Vector512.ShiftRightArithmetic(s6, 21); s6 &= m21;
        s8 += Vector512.ShiftRightArithmetic(s7, 21); s7 &= m21;
        s9 += Vector512.ShiftRightArithmetic(s8, 21); s8 &= m21;
        s10 += Vector512.ShiftRightArithmetic(s9, 21); s9 &= m21;
        s11 += Vector512.ShiftRightArithmetic(s10, 21); s10 &= m21;
        s12 += Vector512.ShiftRightArithmetic(s11, 21); s11 &= m21;
        // Fold limb 12 once more (adds L when it is -1): the value is in [0, L); floor carries make it canonical.
        s0 += Mul(s12, c0);
        s1 += Mul(s12, c1);
        s2 += Mul(s12, c2);
        s3 += Mul(s12, c3);
        s4 += Mul(s12, c4);
        s5 += Mul(s12, c5);
        s1 += Vector512.ShiftRightArithmetic(s0, 21); s0 &= m21;
        s2 += Vector512.ShiftRightArithmetic(s1, 21); s1 &= m21;
        s3 += Vector512.ShiftRightArithmetic(s2, 21); s2 &= m21;
        s4 += Vector512.ShiftRightArithmetic(s3, 21); s3 &= m21;
        s5 += Vector512.ShiftRightArithmetic(s4, 21); s4 &= m21;
        s6 += Vector512.ShiftRightArithmetic(s5, 21); s5 &= m21;
        s7 += Vector512.ShiftRightArithmetic(s6, 21); s6 &= m21;
        s8 += Vector512.ShiftRightArithmetic(s7, 21); s7 &= m21;
        s9 += Vector512.ShiftRightArithmetic(s8, 21); s8 &= m21;
        s10 += Vector512.ShiftRightArithmetic(s9, 21); s9 &= m21;
        s11 += Vector512.ShiftRightArithmetic(s10, 21); s10 &= m21;
        result[0] = s0;
        result[1] = s1;
        result[2] = s2;
        result[3] = s3;
        result[4] = s4;
        result[5] = s5;
        result[6] = s6;
        result[7] = s7;
        result[8] = s8;
        result[9] = s9;
        result[10] = s10;
        result[11] = s11;
    }

    /// <summary>Signed 32 × 32 → 64-bit products of the low halves of each lane (<c>vpmuldq</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Mul(Vector512<long> a, Vector512<long> b) => Avx512F.Multiply(a.AsInt32(), b.AsInt32());
}
