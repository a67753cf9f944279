using System.Globalization;
using System.Numerics;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// The fixed-base table: for j = 0..25 and k = 1..16, the affine point k·1024^j·B in Niels form (y + x, y - x, 2d·x·y), each
/// coordinate reduced mod p and split into ten limbs. Layout, transposed so that two 512-bit loads hold the same limb of the
/// sixteen multiples and a two-source lane permutation (<c>vpermt2q</c>) picks each lane's multiple:
/// <c>Limbs[j·RowLength + (c·10 + limb)·16 + (k - 1)]</c>, c = 0 (y + x), 1 (y - x), 2 (2d·x·y).
/// </summary>
/// <remarks>
/// Computed once, at type initialisation, from the base point B of RFC 8032 (y = 4/5, x positive) with textbook affine
/// Edwards addition over <see cref="BigInteger"/> — public data, so the arithmetic need not be constant time. It is self-checked:
/// B must lie on the curve, and every table point must lie on the curve; the signer's known-answer test then checks the whole.
/// </remarks>
internal static class Ed25519BaseTable
{
    /// <summary>Rows: 1024^j·B for j = 0..25 (radix-32 digits, taken two at a time).</summary>
    public const int Rows = 26;

    /// <summary>Multiples per row.</summary>
    public const int Entries = 16;

    /// <summary>ulongs per row j (16 points × 3 coordinates × 10 limbs).</summary>
    public const int RowLength = Entries * 30;

    /// <summary>The field prime 2^255 - 19.</summary>
    public static readonly BigInteger P = (BigInteger.One << 255) - 19;

    /// <summary>The curve constant d = -121665/121666 mod p.</summary>
    public static readonly BigInteger D = Mod(-121665 * Inverse(121666));

    /// <summary>The affine x coordinate of the base point B.</summary>
    public static readonly BigInteger BaseX = BigInteger.Parse("15112221349535400772501151409588531511454012693041857206046113283949847762202", CultureInfo.InvariantCulture);

    /// <summary>The affine y coordinate of the base point B (4/5 mod p).</summary>
    public static readonly BigInteger BaseY = Mod(4 * Inverse(5));

    /// <summary>The table (see the type summary).</summary>
    public static readonly ulong[] Limbs = Build();

    /// <summary>Returns true when (x, y) satisfies -x² + y² = 1 + d·x²·y² mod p.</summary>
    public static bool IsOnCurve(BigInteger x, BigInteger y)
    {
        BigInteger x2 = Mod(x * x), y2 = Mod(y * y);
        return Mod(y2 - x2) == Mod(1 + (D * x2 % P * y2));
    }

    /// <summary>Affine Edwards addition (a = -1): x3 = (x1y2 + y1x2)/(1 + d·x1x2y1y2), y3 = (y1y2 + x1x2)/(1 - d·x1x2y1y2).</summary>
    public static (BigInteger X, BigInteger Y) Add((BigInteger X, BigInteger Y) p, (BigInteger X, BigInteger Y) q)
    {
        BigInteger t = Mod(D * Mod(p.X * q.X) % P * Mod(p.Y * q.Y));
        BigInteger x = Mod((p.X * q.Y + p.Y * q.X) % P * Inverse(Mod(1 + t)));
        BigInteger y = Mod((p.Y * q.Y + p.X * q.X) % P * Inverse(Mod(1 - t)));
        return (x, y);
    }

    /// <summary>a mod p in [0, p).</summary>
    public static BigInteger Mod(BigInteger a)
    {
        BigInteger r = a % P;
        return r.Sign < 0 ? r + P : r;
    }

    /// <summary>a^(p-2) mod p.</summary>
    public static BigInteger Inverse(BigInteger a) => BigInteger.ModPow(Mod(a), P - 2, P);

    private static ulong[] Build()
    {
        if (!IsOnCurve(BaseX, BaseY))
        {
            throw new InvalidOperationException("Ed25519 base point self-check failed.");
        }

        ulong[] limbs = new ulong[Rows * RowLength];
        Span<ulong> entry = stackalloc ulong[30];
        (BigInteger X, BigInteger Y) rowBase = (BaseX, BaseY);
        for (int j = 0; j < Rows; j++)
        {
            (BigInteger X, BigInteger Y) point = rowBase;
            for (int k = 1; k <= Entries; k++)
            {
                if (!IsOnCurve(point.X, point.Y))
                {
                    throw new InvalidOperationException("Ed25519 base table self-check failed.");
                }

                FieldElement8.ToLimbs(Mod(point.Y + point.X), entry[..10]);
                FieldElement8.ToLimbs(Mod(point.Y - point.X), entry.Slice(10, 10));
                FieldElement8.ToLimbs(Mod(2 * D * point.X % P * point.Y), entry.Slice(20, 10));
                for (int i = 0; i < 30; i++)
                {
                    limbs[(j * RowLength) + (i * Entries) + (k - 1)] = entry[i];
                }

                point = Add(point, rowBase);
            }

            for (int i = 0; i < 10; i++)
            {
                rowBase = Add(rowBase, rowBase);
            }
        }

        return limbs;
    }
}
