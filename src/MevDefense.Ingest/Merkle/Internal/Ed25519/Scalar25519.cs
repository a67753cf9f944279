using System.Buffers.Binary;

namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// Scalars modulo the group order L = 2^252 + c, c = 27742317777372353535851937790883648493, as four little-endian 64-bit limbs.
/// </summary>
internal static class Scalar25519
{
    // L = 2^252 + c; c = C0 + C1 * 2^64 (c < 2^125).
    private const ulong C0 = 0x5812631A5CF5D3EDUL;
    private const ulong C1 = 0x14DEF9DEA2F79CD6UL;
    private const ulong L0 = C0;
    private const ulong L1 = C1;
    private const ulong L2 = 0;
    private const ulong L3 = 0x1000000000000000UL;

    /// <summary>The group order L as four little-endian 64-bit limbs.</summary>
    public static ReadOnlySpan<ulong> Order => [L0, L1, L2, L3];

    /// <summary>True iff the 32-byte little-endian value is below L (RFC 8032 5.1.7 step 1; libsodium's canonical-S rule).</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> s)
    {
        ulong s0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
        ulong s1 = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        ulong s2 = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        ulong s3 = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
        if (s3 != L3)
        {
            return s3 < L3;
        }

        if (s2 != L2)
        {
            return s2 < L2;
        }

        if (s1 != L1)
        {
            return s1 < L1;
        }

        return s0 < L0;
    }

    /// <summary>Reads a 32-byte little-endian scalar as it is (callers check <see cref="IsCanonical"/>).</summary>
    public static void Load(ReadOnlySpan<byte> s, Span<ulong> r)
    {
        r[3] = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
        r[0] = BinaryPrimitives.ReadUInt64LittleEndian(s);
        r[1] = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        r[2] = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
    }

    /// <summary>
    /// r = (64-byte little-endian value) mod L, by Horner's rule over 32-bit digits from the top: r = r * 2^32 + digit, then
    /// with q = floor(r / 2^252) (below 2^33): r - q*L = (r mod 2^252) - q*c, which lies in (-2^158, 2^252); add L if negative.
    /// </summary>
    public static void ReduceWide(ReadOnlySpan<byte> h, Span<ulong> r)
    {
        h = h[..64];
        ulong r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        for (int i = 60; i >= 0; i -= 4)
        {
            ulong digit = BinaryPrimitives.ReadUInt32LittleEndian(h[i..]);

            // (r4 r3 r2 r1 r0) = r * 2^32 + digit, r < 2^253.
            ulong r4 = r3 >> 32;
            r3 = (r3 << 32) | (r2 >> 32);
            r2 = (r2 << 32) | (r1 >> 32);
            r1 = (r1 << 32) | (r0 >> 32);
            r0 = (r0 << 32) | digit;

            ulong q = (r3 >> 60) | (r4 << 4);
            r3 &= 0x0FFFFFFFFFFFFFFFUL;

            // q*c = (p0, p1, p2) with q < 2^33, c < 2^125.
            ulong p0Hi = Math.BigMul(q, C0, out ulong p0);
            ulong p1Hi = Math.BigMul(q, C1, out ulong p1);
            p1 += p0Hi;
            ulong p2 = p1Hi + (p1 < p0Hi ? 1UL : 0UL);

            ulong borrow;
            (r0, borrow) = SubBorrow(r0, p0, 0);
            (r1, borrow) = SubBorrow(r1, p1, borrow);
            (r2, borrow) = SubBorrow(r2, p2, borrow);
            (r3, borrow) = SubBorrow(r3, 0, borrow);
            if (borrow != 0)
            {
                ulong carry;
                (r0, carry) = AddCarry(r0, L0, 0);
                (r1, carry) = AddCarry(r1, L1, carry);
                (r2, carry) = AddCarry(r2, L2, carry);
                (r3, _) = AddCarry(r3, L3, carry);
            }
        }

        r[3] = r3;
        r[0] = r0;
        r[1] = r1;
        r[2] = r2;
    }

    /// <summary>
    /// Signed radix-2^w digits of a scalar below 2^253: s = sum digits[i] * 2^(w*i), digits in [-2^(w-1), 2^(w-1)],
    /// <paramref name="digits"/>.Length = ceil(254 / w) (so the top digit absorbs the last carry).
    /// </summary>
    public static void Recode(ReadOnlySpan<ulong> s, int w, Span<short> digits)
    {
        int half = 1 << (w - 1);
        int mask = (1 << w) - 1;
        int carry = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            int bit = i * w;
            int limb = bit >> 6;
            int shift = bit & 63;
            ulong v = limb < 4 ? s[limb] >> shift : 0;
            if (shift + w > 64 && limb + 1 < 4)
            {
                v |= s[limb + 1] << (64 - shift);
            }

            int d = ((int)v & mask) + carry;
            carry = d >= half && i + 1 < digits.Length ? 1 : 0;
            digits[i] = (short)(d - (carry << w));
        }
    }

    /// <summary>ceil(254 / w).</summary>
    public static int DigitCount(int w) => (254 + w - 1) / w;

    private static (ulong Value, ulong Borrow) SubBorrow(ulong a, ulong b, ulong borrowIn)
    {
        ulong d = a - b;
        ulong borrow = a < b ? 1UL : 0UL;
        ulong e = d - borrowIn;
        borrow |= d < borrowIn ? 1UL : 0UL;
        return (e, borrow);
    }

    private static (ulong Value, ulong Carry) AddCarry(ulong a, ulong b, ulong carryIn)
    {
        ulong s = a + b;
        ulong carry = s < a ? 1UL : 0UL;
        s += carryIn;
        carry |= s < carryIn ? 1UL : 0UL;
        return (s, carry);
    }
}
