using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// Constant-time arithmetic modulo the group order L = 2^252 + 27742317777372353535851937790883648493, on 64-bit limbs:
/// Barrett reduction (Menezes et al., Handbook of Applied Cryptography, algorithm 14.42, base 2^64, k = 4 limbs) with
/// fixed loop counts, carries and borrows computed with bit operations, and the final conditional subtractions done by masks,
/// so neither timing nor memory addresses depend on the (secret) values. Scratch is stack memory that every method writes in
/// full before reading (hence <see cref="SkipLocalsInitAttribute"/>) and clears before returning.
/// </summary>
[SkipLocalsInit]
internal static class ScalarModL
{
    /// <summary>L, little-endian 64-bit limbs.</summary>
    private static ReadOnlySpan<ulong> L => [0x5812631a5cf5d3ed, 0x14def9dea2f79cd6, 0, 0x1000000000000000];

    /// <summary>mu = floor(2^512 / L), a 260-bit number.</summary>
    private static ReadOnlySpan<ulong> Mu => [0xed9ce5a30a2c131b, 0x2106215d086329a7, 0xffffffffffffffeb, 0xffffffffffffffff, 0xf];

    /// <summary>output = (64-byte little-endian input) mod L, 32 bytes little-endian.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Reduce(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<ulong> x = stackalloc ulong[8];
        for (int i = 0; i < 8; i++)
        {
            x[i] = BinaryPrimitives.ReadUInt64LittleEndian(input.Slice(8 * i, 8));
        }

        Span<ulong> r = stackalloc ulong[4];
        Barrett(x, r);
        Store(r, output);
        x.Clear();
        r.Clear();
    }

    /// <summary>s = (k·a + r) mod L, all 32-byte little-endian; k·a + r must be below 2^512 (any 256-bit k and a with r &lt; 2^511).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void MulAdd(ReadOnlySpan<byte> k, ReadOnlySpan<byte> a, ReadOnlySpan<byte> r, Span<byte> s)
    {
        Span<ulong> kl = stackalloc ulong[4];
        Span<ulong> al = stackalloc ulong[4];
        Span<ulong> x = stackalloc ulong[8];
        Load(k, kl);
        Load(a, al);
        Multiply(kl, al, x);
        ulong carry = 0;
        for (int i = 0; i < 8; i++)
        {
            ulong add = i < 4 ? BinaryPrimitives.ReadUInt64LittleEndian(r.Slice(8 * i, 8)) : 0;
            x[i] = AddWithCarry(x[i], add, ref carry);
        }

        Span<ulong> res = stackalloc ulong[4];
        Barrett(x, res);
        Store(res, s);
        kl.Clear();
        al.Clear();
        x.Clear();
        res.Clear();
    }

    /// <summary>Signed radix-32 digits of a reduced scalar (51 × 5 = 255 bits).</summary>
    public const int DigitCount = 51;

    /// <summary>
    /// Writes the 51 signed radix-32 digits e_i ∈ [-16, 16] with scalar = Σ e_i·32^i, for scalar &lt; 2^253 (reduced mod L, so
    /// the top digit, bits 250..254 plus a carry, stays ≤ 8): 5-bit windows, then from the bottom a digit ≥ 16 becomes
    /// digit - 32 with a carry of one. Arithmetic only: no branch or index depends on the scalar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Recode(ReadOnlySpan<byte> scalar, Span<sbyte> digits)
    {
        Span<byte> padded = stackalloc byte[34];
        scalar[..32].CopyTo(padded);
        padded[32] = 0;
        padded[33] = 0;
        int carry = 0;
        for (int i = 0; i < DigitCount; i++)
        {
            int bit = 5 * i;
            int window = ((padded[bit >> 3] | (padded[(bit >> 3) + 1] << 8)) >> (bit & 7)) & 31;
            int e = window + carry;
            carry = (e + 16) >> 5;
            digits[i] = (sbyte)(e - (carry << 5));
        }

        digits[DigitCount - 1] += (sbyte)(carry << 5); // the top digit keeps its carry (zero for scalars below 2^253)
        padded.Clear();
    }

    /// <summary>Barrett: q3 = floor(floor(x / 2^192)·mu / 2^320), r = x - q3·L mod 2^320 (&lt; 3L), then two masked subtractions of L.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    private static void Barrett(ReadOnlySpan<ulong> x, Span<ulong> result)
    {
        Span<ulong> q2 = stackalloc ulong[10];
        Multiply(x.Slice(3, 5), Mu, q2);
        Span<ulong> q3L = stackalloc ulong[5]; // only q3·L mod 2^320 is needed: Multiply skips the columns beyond
        Multiply(q2.Slice(5, 5), L, q3L);
        Span<ulong> r = stackalloc ulong[5];
        ulong borrow = 0;
        for (int i = 0; i < 5; i++)
        {
            r[i] = SubWithBorrow(x[i], q3L[i], ref borrow); // mod 2^320: the final borrow is dropped
        }

        Span<ulong> t = stackalloc ulong[5];
        for (int round = 0; round < 2; round++)
        {
            borrow = 0;
            for (int i = 0; i < 5; i++)
            {
                t[i] = SubWithBorrow(r[i], i < 4 ? L[i] : 0, ref borrow);
            }

            ulong keep = 0UL - borrow; // all ones when r < L (keep r), zero when r ≥ L (take r - L)
            for (int i = 0; i < 5; i++)
            {
                r[i] = (r[i] & keep) | (t[i] & ~keep);
            }
        }

        r[..4].CopyTo(result);
        q2.Clear();
        q3L.Clear();
        r.Clear();
        t.Clear();
    }

    /// <summary>product = a·b (schoolbook; product has a.Length + b.Length limbs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    private static void Multiply(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> product)
    {
        int n = Math.Min(product.Length, a.Length + b.Length);
        product.Clear();
        for (int i = 0; i < a.Length; i++)
        {
            ulong carry = 0;
            for (int j = 0; j < b.Length && i + j < n; j++)
            {
                ulong hi = Math.BigMul(a[i], b[j], out ulong lo);
                ulong c1 = 0, c2 = 0;
                lo = AddWithCarry(lo, product[i + j], ref c1);
                lo = AddWithCarry(lo, carry, ref c2);
                product[i + j] = lo;
                carry = hi + c1 + c2; // a·b + p + carry ≤ 2^128 - 1: no overflow
            }

            if (i + b.Length < n)
            {
                product[i + b.Length] = carry;
            }
        }
    }

    /// <summary>a + b + carry (carry in {0,1}); carry becomes the carry out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddWithCarry(ulong a, ulong b, ref ulong carry)
    {
        ulong s = a + b;
        ulong c1 = ((a & b) | ((a | b) & ~s)) >> 63;
        ulong s2 = s + carry;
        ulong c2 = ((s & carry) | ((s | carry) & ~s2)) >> 63;
        carry = c1 + c2;
        return s2;
    }

    /// <summary>a - b - borrow (borrow in {0,1}); borrow becomes the borrow out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubWithBorrow(ulong a, ulong b, ref ulong borrow)
    {
        ulong d = a - b;
        ulong b1 = ((~a & b) | (~(a ^ b) & d)) >> 63;
        ulong d2 = d - borrow;
        ulong b2 = ((~d & borrow) | (~(d ^ borrow) & d2)) >> 63;
        borrow = b1 | b2;
        return d2;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    private static void Load(ReadOnlySpan<byte> bytes, Span<ulong> limbs)
    {
        for (int i = 0; i < 4; i++)
        {
            limbs[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(8 * i, 8));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    private static void Store(ReadOnlySpan<ulong> limbs, Span<byte> bytes)
    {
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.Slice(8 * i, 8), limbs[i]);
        }
    }
}
