using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// Variable-time inversion modulo p = 2^255 - 19 by Bernstein and Yang's "safegcd" division steps (Bernstein, Yang, "Fast
/// constant-time gcd computation and modular inversion", 2019), in the variable-time form with batches of 62 steps: each batch
/// works on the low 64 bits of f and g only and yields a 2x2 transition matrix (scaled by 2^62) that is then applied to the full
/// f, g (signed 62-bit limbs) and to the Bézout coefficients d, e (kept in (-2p, p) by adding multiples of p that clear their low
/// 62 bits). Runs in time depending on the input: for public values only (signature verification), never for secrets.
/// About 10 batches for a 255-bit input instead of the 254 squarings and 11 multiplications of Fermat's z^(p-2).
/// Property-tested against <see cref="BigInteger"/> (random values, values near 0 and p, powers of two).
/// </summary>
internal static class SafeGcdInverse
{
    private const ulong M62 = ulong.MaxValue >> 2;

    // p in signed 62-bit limbs: 2^62 - 19, 2^62 - 1 (x3), 127.
    private const long P0 = (long)(M62 - 18);
    private const long P1 = (long)M62;
    private const long P4 = 127;

    /// <summary>p^-1 mod 2^62.</summary>
    private static readonly ulong PInv62 = ComputePInv62();

    /// <summary>r = 1/a mod p (0 maps to 0, as <see cref="FieldElement.Invert"/> does).</summary>
    public static void Invert(out FieldElement r, in FieldElement a)
    {
        if (!TryInvert(out r, a))
        {
            // Not reachable for inputs below p (safegcd terminates within ~741 division steps = 12 batches); Fermat as a guard.
            FieldElement.Invert(out r, a);
        }
    }

    /// <summary>r = 1/a mod p; false (r undefined) only if the division steps did not finish within 40 batches (never
    /// observed; see the tests).</summary>
    internal static bool TryInvert(out FieldElement r, in FieldElement a)
    {
        Span<byte> bytes = stackalloc byte[32];
        FieldElement.Encode(a, bytes);                    // canonical, below p
        ulong w0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        ulong w1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        ulong w2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        ulong w3 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
        if ((w0 | w1 | w2 | w3) == 0)
        {
            r = default;
            return true;
        }

        long g0 = (long)(w0 & M62);
        long g1 = (long)(((w0 >> 62) | (w1 << 2)) & M62);
        long g2 = (long)(((w1 >> 60) | (w2 << 4)) & M62);
        long g3 = (long)(((w2 >> 58) | (w3 << 6)) & M62);
        long g4 = (long)(w3 >> 56);

        long f0 = P0, f1 = P1, f2 = P1, f3 = P1, f4 = P4;
        long d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0;
        long e0 = 1, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
        long eta = -1;
        for (int round = 0; round < 40; round++)
        {
            eta = DivSteps62(eta, (ulong)f0, (ulong)g0, out long u, out long v, out long q, out long s);
            UpdateDe(ref d0, ref d1, ref d2, ref d3, ref d4, ref e0, ref e1, ref e2, ref e3, ref e4, u, v, q, s);
            UpdateFg(ref f0, ref f1, ref f2, ref f3, ref f4, ref g0, ref g1, ref g2, ref g3, ref g4, u, v, q, s);
            if ((g0 | g1 | g2 | g3 | g4) == 0)
            {
                // f = gcd = +-1 (p is prime and a != 0), d = +-1/a: the sign of f says which.
                Normalize(out r, d0, d1, d2, d3, d4, negate: f4 < 0);
                return true;
            }
        }

        r = default;
        return false;
    }

    /// <summary>
    /// 62 division steps on the low bits of f (odd) and g, skipping runs of zero bits of g at once; returns the new eta (= -delta)
    /// and the transition matrix (u, v; q, s) with 2^62 (f', g') = (u f + v g, q f + s g).
    /// </summary>
    private static long DivSteps62(long eta, ulong f, ulong g, out long u, out long v, out long q, out long s)
    {
        ulong mu = 1, mv = 0, mq = 0, ms = 1;
        int i = 62;
        while (true)
        {
            int zeros = BitOperations.TrailingZeroCount(g | (ulong.MaxValue << i));
            g >>= zeros;
            mu <<= zeros;
            mv <<= zeros;
            eta -= zeros;
            i -= zeros;
            if (i == 0)
            {
                break;
            }

            // g is odd now.
            int limit;
            ulong w;
            if (eta < 0)
            {
                eta = -eta;
                (f, g) = (g, 0 - f);
                (mu, mq) = (mq, 0 - mu);
                (mv, ms) = (ms, 0 - mv);
                limit = (int)eta + 1 > i ? i : (int)eta + 1;
                ulong m = (ulong.MaxValue >> (64 - limit)) & 63UL;
                w = (f * g * ((f * f) - 2)) & m;          // -g / f mod 2^limit (f^-1 mod 64 = f (2 - f^2))
            }
            else
            {
                limit = (int)eta + 1 > i ? i : (int)eta + 1;
                ulong m = (ulong.MaxValue >> (64 - limit)) & 15UL;
                ulong fInv = f + (((f + 1) & 4) << 1);     // f^-1 mod 16
                w = (0 - (fInv * g)) & m;
            }

            g += f * w;
            mq += mu * w;
            ms += mv * w;
        }

        u = (long)mu;
        v = (long)mv;
        q = (long)mq;
        s = (long)ms;
        return eta;
    }

    /// <summary>(d, e) = (t (d, e) + p (md, me)) / 2^62, md and me chosen to clear the low 62 bits and keep both in (-2p, p).</summary>
    private static void UpdateDe(ref long d0, ref long d1, ref long d2, ref long d3, ref long d4, ref long e0, ref long e1, ref long e2, ref long e3, ref long e4,
        long u, long v, long q, long s)
    {
        long sd = d4 >> 63, se = e4 >> 63;
        long md = (u & sd) + (v & se);
        long me = (q & sd) + (s & se);
        ulong cdLo = 0, ceLo = 0;
        long cdHi = 0, ceHi = 0;
        MulAdd(ref cdLo, ref cdHi, u, d0);
        MulAdd(ref cdLo, ref cdHi, v, e0);
        MulAdd(ref ceLo, ref ceHi, q, d0);
        MulAdd(ref ceLo, ref ceHi, s, e0);
        md -= (long)(((PInv62 * cdLo) + (ulong)md) & M62);
        me -= (long)(((PInv62 * ceLo) + (ulong)me) & M62);
        MulAdd(ref cdLo, ref cdHi, P0, md);
        MulAdd(ref ceLo, ref ceHi, P0, me);
        Shift62(ref cdLo, ref cdHi);
        Shift62(ref ceLo, ref ceHi);

        MulAdd(ref cdLo, ref cdHi, u, d1);
        MulAdd(ref cdLo, ref cdHi, v, e1);
        MulAdd(ref cdLo, ref cdHi, P1, md);
        MulAdd(ref ceLo, ref ceHi, q, d1);
        MulAdd(ref ceLo, ref ceHi, s, e1);
        MulAdd(ref ceLo, ref ceHi, P1, me);
        long nd0 = (long)(cdLo & M62), ne0 = (long)(ceLo & M62);
        Shift62(ref cdLo, ref cdHi);
        Shift62(ref ceLo, ref ceHi);

        MulAdd(ref cdLo, ref cdHi, u, d2);
        MulAdd(ref cdLo, ref cdHi, v, e2);
        MulAdd(ref cdLo, ref cdHi, P1, md);
        MulAdd(ref ceLo, ref ceHi, q, d2);
        MulAdd(ref ceLo, ref ceHi, s, e2);
        MulAdd(ref ceLo, ref ceHi, P1, me);
        long nd1 = (long)(cdLo & M62), ne1 = (long)(ceLo & M62);
        Shift62(ref cdLo, ref cdHi);
        Shift62(ref ceLo, ref ceHi);

        MulAdd(ref cdLo, ref cdHi, u, d3);
        MulAdd(ref cdLo, ref cdHi, v, e3);
        MulAdd(ref cdLo, ref cdHi, P1, md);
        MulAdd(ref ceLo, ref ceHi, q, d3);
        MulAdd(ref ceLo, ref ceHi, s, e3);
        MulAdd(ref ceLo, ref ceHi, P1, me);
        long nd2 = (long)(cdLo & M62), ne2 = (long)(ceLo & M62);
        Shift62(ref cdLo, ref cdHi);
        Shift62(ref ceLo, ref ceHi);

        MulAdd(ref cdLo, ref cdHi, u, d4);
        MulAdd(ref cdLo, ref cdHi, v, e4);
        MulAdd(ref cdLo, ref cdHi, P4, md);
        MulAdd(ref ceLo, ref ceHi, q, d4);
        MulAdd(ref ceLo, ref ceHi, s, e4);
        MulAdd(ref ceLo, ref ceHi, P4, me);
        long nd3 = (long)(cdLo & M62), ne3 = (long)(ceLo & M62);
        Shift62(ref cdLo, ref cdHi);
        Shift62(ref ceLo, ref ceHi);

        d0 = nd0; d1 = nd1; d2 = nd2; d3 = nd3; d4 = (long)cdLo;
        e0 = ne0; e1 = ne1; e2 = ne2; e3 = ne3; e4 = (long)ceLo;
    }

    /// <summary>(f, g) = t (f, g) / 2^62 (exact: the low 62 bits of both are zero by construction).</summary>
    private static void UpdateFg(ref long f0, ref long f1, ref long f2, ref long f3, ref long f4, ref long g0, ref long g1, ref long g2, ref long g3, ref long g4,
        long u, long v, long q, long s)
    {
        ulong cfLo = 0, cgLo = 0;
        long cfHi = 0, cgHi = 0;
        MulAdd(ref cfLo, ref cfHi, u, f0);
        MulAdd(ref cfLo, ref cfHi, v, g0);
        MulAdd(ref cgLo, ref cgHi, q, f0);
        MulAdd(ref cgLo, ref cgHi, s, g0);
        Shift62(ref cfLo, ref cfHi);
        Shift62(ref cgLo, ref cgHi);

        MulAdd(ref cfLo, ref cfHi, u, f1);
        MulAdd(ref cfLo, ref cfHi, v, g1);
        MulAdd(ref cgLo, ref cgHi, q, f1);
        MulAdd(ref cgLo, ref cgHi, s, g1);
        long nf0 = (long)(cfLo & M62), ng0 = (long)(cgLo & M62);
        Shift62(ref cfLo, ref cfHi);
        Shift62(ref cgLo, ref cgHi);

        MulAdd(ref cfLo, ref cfHi, u, f2);
        MulAdd(ref cfLo, ref cfHi, v, g2);
        MulAdd(ref cgLo, ref cgHi, q, f2);
        MulAdd(ref cgLo, ref cgHi, s, g2);
        long nf1 = (long)(cfLo & M62), ng1 = (long)(cgLo & M62);
        Shift62(ref cfLo, ref cfHi);
        Shift62(ref cgLo, ref cgHi);

        MulAdd(ref cfLo, ref cfHi, u, f3);
        MulAdd(ref cfLo, ref cfHi, v, g3);
        MulAdd(ref cgLo, ref cgHi, q, f3);
        MulAdd(ref cgLo, ref cgHi, s, g3);
        long nf2 = (long)(cfLo & M62), ng2 = (long)(cgLo & M62);
        Shift62(ref cfLo, ref cfHi);
        Shift62(ref cgLo, ref cgHi);

        MulAdd(ref cfLo, ref cfHi, u, f4);
        MulAdd(ref cfLo, ref cfHi, v, g4);
        MulAdd(ref cgLo, ref cgHi, q, f4);
        MulAdd(ref cgLo, ref cgHi, s, g4);
        long nf3 = (long)(cfLo & M62), ng3 = (long)(cgLo & M62);
        Shift62(ref cfLo, ref cfHi);
        Shift62(ref cgLo, ref cgHi);

        f0 = nf0; f1 = nf1; f2 = nf2; f3 = nf3; f4 = (long)cfLo;
        g0 = ng0; g1 = ng1; g2 = ng2; g3 = ng3; g4 = (long)cgLo;
    }

    /// <summary>(hi:lo) += a * b, a signed 128-bit accumulator (no overflow: every sum here stays below 2^127 in magnitude).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulAdd(ref ulong lo, ref long hi, long a, long b)
    {
        long high = Math.BigMul(a, b, out long low);
        ulong sum = lo + (ulong)low;
        hi += high + (sum < lo ? 1L : 0L);
        lo = sum;
    }

    /// <summary>(hi:lo) &gt;&gt;= 62, arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Shift62(ref ulong lo, ref long hi)
    {
        lo = (lo >> 62) | ((ulong)hi << 2);
        hi >>= 62;
    }

    /// <summary>r = (+-d) mod p for d = d0 + d1 2^62 + d2 2^124 + d3 2^186 + d4 2^248 (d0..d3 in [0, 2^62), d4 signed, small).</summary>
    private static void Normalize(out FieldElement r, long d0, long d1, long d2, long d3, long d4, bool negate)
    {
        // Bits 0..247 as a radix-2^51 element, then d4 * 2^248 = d4 * 2^44 at limb 4's weight (2^204), added or subtracted.
        ulong w0 = (ulong)d0 | ((ulong)d1 << 62);
        ulong w1 = ((ulong)d1 >> 2) | ((ulong)d2 << 60);
        ulong w2 = ((ulong)d2 >> 4) | ((ulong)d3 << 58);
        ulong w3 = (ulong)d3 >> 6;                       // bits 192..247
        const ulong Mask = (1UL << 51) - 1;
        var low = new FieldElement
        {
            L0 = w0 & Mask,
            L1 = ((w0 >> 51) | (w1 << 13)) & Mask,
            L2 = ((w1 >> 38) | (w2 << 26)) & Mask,
            L3 = ((w2 >> 25) | (w3 << 39)) & Mask,
            L4 = w3 >> 12,                               // bits 204..247: 44 bits
        };
        FieldElement t;
        if (d4 >= 0)
        {
            low.L4 += (ulong)d4 << 44;
            t = low;
        }
        else
        {
            FieldElement.Sub(out t, low, new FieldElement { L4 = (ulong)(-d4) << 44 });
        }

        if (negate)
        {
            FieldElement.Negate(out t, t);
        }

        FieldElement.Canonical(out r, t);
    }

    private static ulong ComputePInv62()
    {
        // Newton's iteration for the inverse of an odd number mod 2^64: x <- x (2 - p x), doubling the correct bits each time.
        ulong p0 = unchecked((ulong)P0);
        ulong x = p0;                                    // correct mod 2^3 for odd p0
        for (int i = 0; i < 6; i++)
        {
            x *= 2 - (p0 * x);
        }

        return x & M62;
    }
}
