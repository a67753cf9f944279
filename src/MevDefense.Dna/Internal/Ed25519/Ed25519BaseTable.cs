using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// The fixed-base table: for j = 0..42 and k = 1..32, the affine point k·64^j·B in Niels form (y + x, y - x, 2d·x·y), each
/// coordinate reduced mod p and split into ten limbs. Layout, transposed so that the same limb of the 32 multiples is
/// contiguous: <c>Limbs[j·RowLength + (c·10 + limb)·32 + (k - 1)]</c>, c = 0 (y + x), 1 (y - x), 2 (2d·x·y). The signer reads
/// <see cref="Vectors"/>, the same values as 32-bit lanes (every limb is below 2^26): two vectors of sixteen per limb, so one
/// two-source lane permutation (<c>vpermt2d</c>) picks each lane's multiple among all 32.
/// </summary>
/// <remarks>
/// Computed once, at type initialisation, from the base point B of RFC 8032 (y = 4/5, x positive) with textbook affine
/// Edwards addition over <see cref="BigInteger"/> — public data, so the arithmetic need not be constant time. It is self-checked:
/// B must lie on the curve, and every table point must lie on the curve; the signer's known-answer test then checks the whole.
/// </remarks>
internal static class Ed25519BaseTable
{
    /// <summary>Rows: 64^j·B for j = 0..42, one per signed radix-64 digit, so that r·B needs no doublings.</summary>
    public const int Rows = ScalarModL8.DigitCount;

    /// <summary>Multiples per row.</summary>
    public const int Entries = 32;

    /// <summary>ulongs per row j (32 points × 3 coordinates × 10 limbs).</summary>
    public const int RowLength = Entries * 30;

    /// <summary>Vectors of sixteen 32-bit limbs per row.</summary>
    public const int VectorsPerRow = RowLength / 16;

    /// <summary>The field prime 2^255 - 19.</summary>
    public static readonly BigInteger P = (BigInteger.One << 255) - 19;

    /// <summary>The curve constant d = -121665/121666 mod p.</summary>
    public static readonly BigInteger D = Mod(-121665 * Inverse(121666));

    /// <summary>2d mod p.</summary>
    public static readonly BigInteger D2 = Mod(2 * D);

    /// <summary>The affine x coordinate of the base point B.</summary>
    public static readonly BigInteger BaseX = BigInteger.Parse("15112221349535400772501151409588531511454012693041857206046113283949847762202", CultureInfo.InvariantCulture);

    /// <summary>The affine y coordinate of the base point B (4/5 mod p).</summary>
    public static readonly BigInteger BaseY = Mod(4 * Inverse(5));

    /// <summary>The table (see the type summary), as ulongs.</summary>
    public static readonly ulong[] Limbs = Build();

    /// <summary>The same table as vectors of sixteen 32-bit limbs (what the signer loads; half the bytes of <see cref="Limbs"/>).</summary>
    public static readonly Vector512<uint>[] Vectors = ToVectors(Limbs);

    /// <summary>Returns true when (x, y) satisfies -x² + y² = 1 + d·x²·y² mod p.</summary>
    public static bool IsOnCurve(BigInteger x, BigInteger y)
    {
        BigInteger x2 = Mod(x * x), y2 = Mod(y * y);
        return Mod(y2 - x2) == Mod(1 + (D * x2 % P * y2));
    }

    /// <summary>
    /// Extended-coordinate addition (a = -1, unified and complete, so it also doubles): A = (Y1-X1)(Y2-X2),
    /// B = (Y1+X1)(Y2+X2), C = 2d·T1·T2, D = 2·Z1·Z2, X3 = (B-A)(D-C), Y3 = (D+C)(B+A), Z3 = (D-C)(D+C), T3 = (B-A)(B+A).
    /// </summary>
    public static (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) Add(
        (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) p, (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) q)
    {
        BigInteger a = Mod((p.Y - p.X) * (q.Y - q.X));
        BigInteger b = Mod((p.Y + p.X) * (q.Y + q.X));
        BigInteger c = Mod(D2 * p.T % P * q.T);
        BigInteger d = Mod(2 * p.Z * q.Z);
        BigInteger e = b - a, f = d - c, g = d + c, h = b + a;
        return (Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    /// <summary>a mod p in [0, p).</summary>
    public static BigInteger Mod(BigInteger a)
    {
        BigInteger r = a % P;
        return r.Sign < 0 ? r + P : r;
    }

    /// <summary>a^(p-2) mod p.</summary>
    public static BigInteger Inverse(BigInteger a) => BigInteger.ModPow(Mod(a), P - 2, P);

    private static Vector512<uint>[] ToVectors(ulong[] limbs)
    {
        var vectors = new Vector512<uint>[limbs.Length / 16];
        Span<uint> lanes = stackalloc uint[16];
        for (int i = 0; i < vectors.Length; i++)
        {
            for (int k = 0; k < 16; k++)
            {
                lanes[k] = checked((uint)limbs[(16 * i) + k]);
            }

            vectors[i] = Vector512.Create<uint>(lanes);
        }

        return vectors;
    }

    private static ulong[] Build()
    {
        if (!IsOnCurve(BaseX, BaseY))
        {
            throw new InvalidOperationException("Ed25519 base point self-check failed.");
        }

        // All multiples in extended coordinates first, then one simultaneous inversion of every Z (Montgomery's trick:
        // prefix products, one Fermat inversion, walk back) instead of an inversion per point.
        var points = new (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T)[Rows * Entries];
        (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) rowBase = (BaseX, BaseY, BigInteger.One, Mod(BaseX * BaseY));
        for (int j = 0; j < Rows; j++)
        {
            (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) point = rowBase;
            for (int k = 0; k < Entries; k++)
            {
                points[(j * Entries) + k] = point;
                point = Add(point, rowBase);
            }

            for (int i = 0; i < ScalarModL8.DigitBits; i++)
            {
                rowBase = Add(rowBase, rowBase);
            }
        }

        var prefix = new BigInteger[points.Length];
        BigInteger acc = BigInteger.One;
        for (int i = 0; i < points.Length; i++)
        {
            prefix[i] = acc;
            acc = Mod(acc * points[i].Z);
        }

        BigInteger inverse = Inverse(acc);
        ulong[] limbs = new ulong[Rows * RowLength];
        Span<ulong> entry = stackalloc ulong[30];
        for (int i = points.Length - 1; i >= 0; i--)
        {
            BigInteger zInv = Mod(inverse * prefix[i]);
            inverse = Mod(inverse * points[i].Z);
            BigInteger x = Mod(points[i].X * zInv), y = Mod(points[i].Y * zInv);
            if (!IsOnCurve(x, y))
            {
                throw new InvalidOperationException("Ed25519 base table self-check failed.");
            }

            int j = i / Entries, k = (i % Entries) + 1;
            FieldElement8.ToLimbs(Mod(y + x), entry[..10]);
            FieldElement8.ToLimbs(Mod(y - x), entry.Slice(10, 10));
            FieldElement8.ToLimbs(Mod(D2 * x % P * y), entry.Slice(20, 10));
            for (int l = 0; l < 30; l++)
            {
                limbs[(j * RowLength) + (l * Entries) + (k - 1)] = entry[l];
            }
        }

        return limbs;
    }
}
