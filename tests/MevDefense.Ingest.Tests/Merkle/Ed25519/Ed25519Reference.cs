using System.Numerics;
using System.Security.Cryptography;

namespace MevDefense.Ingest.Tests.Merkle.Ed25519;

/// <summary>
/// Slow, obviously-correct edwards25519 arithmetic over <see cref="BigInteger"/> (affine coordinates, RFC 8032 formulas) used as
/// the oracle for the fast field, point and table code.
/// </summary>
internal static class Ed25519Reference
{
    public static readonly BigInteger P = (BigInteger.One << 255) - 19;
    public static readonly BigInteger L = (BigInteger.One << 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    public static readonly BigInteger D = Mod(-121665 * Inv(121666));
    public static readonly BigInteger SqrtM1 = BigInteger.ModPow(2, (P - 1) / 4, P);
    public static readonly (BigInteger X, BigInteger Y) Identity = (0, 1);
    public static readonly (BigInteger X, BigInteger Y) B = Decode(Encode((0, Mod(4 * Inv(5))), false))!.Value;

    public static BigInteger Mod(BigInteger v)
    {
        v %= P;
        return v.Sign < 0 ? v + P : v;
    }

    public static BigInteger Inv(BigInteger v) => BigInteger.ModPow(Mod(v), P - 2, P);

    public static (BigInteger X, BigInteger Y) Add((BigInteger X, BigInteger Y) a, (BigInteger X, BigInteger Y) b)
    {
        BigInteger t = Mod(D * a.X * b.X * a.Y * b.Y);
        BigInteger x = Mod((a.X * b.Y + b.X * a.Y) * Inv(1 + t));
        BigInteger y = Mod((a.Y * b.Y + a.X * b.X) * Inv(1 - t));
        return (x, y);
    }

    public static (BigInteger X, BigInteger Y) Negate((BigInteger X, BigInteger Y) a) => (Mod(-a.X), a.Y);

    /// <summary>[k]p by double-and-add in extended coordinates (RFC 8032 5.1.4 unified addition), one inversion at the end.</summary>
    public static (BigInteger X, BigInteger Y) Multiply(BigInteger k, (BigInteger X, BigInteger Y) p)
    {
        var q = (X: p.X, Y: p.Y, Z: BigInteger.One, T: Mod(p.X * p.Y));
        var r = (X: BigInteger.Zero, Y: BigInteger.One, Z: BigInteger.One, T: BigInteger.Zero);
        for (int i = (int)k.GetBitLength() - 1; i >= 0; i--)
        {
            r = AddExtended(r, r);
            if (!(k >> i).IsEven)
            {
                r = AddExtended(r, q);
            }
        }

        BigInteger zInv = Inv(r.Z);
        return (Mod(r.X * zInv), Mod(r.Y * zInv));
    }

    private static (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) AddExtended(
        (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) p, (BigInteger X, BigInteger Y, BigInteger Z, BigInteger T) q)
    {
        BigInteger a = Mod((p.Y - p.X) * (q.Y - q.X));
        BigInteger b = Mod((p.Y + p.X) * (q.Y + q.X));
        BigInteger c = Mod(2 * D * p.T % P * q.T);
        BigInteger d = Mod(2 * p.Z * q.Z);
        BigInteger e = b - a, f = d - c, g = d + c, h = b + a;
        return (Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    /// <summary>Square root mod p (p = 5 mod 8), or null.</summary>
    public static BigInteger? Sqrt(BigInteger a)
    {
        a = Mod(a);
        BigInteger x = BigInteger.ModPow(a, (P + 3) / 8, P);
        if (Mod(x * x) == a)
        {
            return x;
        }

        x = Mod(x * SqrtM1);
        return Mod(x * x) == a ? x : null;
    }

    /// <summary>RFC 8032 5.1.3, but without the y &lt; p check when <paramref name="strict"/> is false.</summary>
    public static (BigInteger X, BigInteger Y)? Decode(byte[] s, bool strict = true)
    {
        var bytes = (byte[])s.Clone();
        bool sign = (bytes[31] & 0x80) != 0;
        bytes[31] &= 0x7F;
        var y = new BigInteger(bytes, isUnsigned: true);
        if (strict && y >= P)
        {
            return null;
        }

        y = Mod(y);
        BigInteger? x = Sqrt((y * y - 1) * Inv(D * y * y + 1));
        if (x is null || (x.Value.IsZero && sign))
        {
            return null;
        }

        BigInteger xv = x.Value;
        if (!xv.IsEven != sign)
        {
            xv = Mod(-xv);
        }

        return (xv, y);
    }

    public static byte[] Encode((BigInteger X, BigInteger Y) p, bool forceSign = false)
    {
        var b = new byte[32];
        Mod(p.Y).TryWriteBytes(b, out _, isUnsigned: true);
        if (!Mod(p.X).IsEven || forceSign)
        {
            b[31] |= 0x80;
        }

        return b;
    }

    /// <summary>The 255-bit value y as it is (not reduced, so y in [p, 2^255) gives a non-canonical encoding), plus the sign bit.</summary>
    public static byte[] RawEncoding(BigInteger y, bool sign)
    {
        var b = ScalarBytes(y);
        if (sign)
        {
            b[31] |= 0x80;
        }

        return b;
    }

    public static byte[] ScalarBytes(BigInteger s)
    {
        var b = new byte[32];
        s.TryWriteBytes(b, out _, isUnsigned: true);
        return b;
    }

    /// <summary>k = SHA-512(R || A || M) mod L.</summary>
    public static BigInteger Challenge(byte[] r, byte[] a, byte[] m) =>
        new BigInteger(SHA512.HashData([.. r, .. a, .. m]), isUnsigned: true) % L;

    /// <summary>Signs with an arbitrary secret scalar a for the given (possibly mixed-order) public point encoding.</summary>
    public static byte[] Sign(BigInteger a, byte[] publicKey, BigInteger nonce, byte[] message)
    {
        byte[] r = Encode(Multiply(nonce, B));
        BigInteger k = Challenge(r, publicKey, message);
        BigInteger s = (nonce + k * a) % L;
        return [.. r, .. ScalarBytes(s)];
    }

    /// <summary>The 8 points of small order (the torsion subgroup), generated by an order-8 point found from [L]Q.</summary>
    public static IReadOnlyList<(BigInteger X, BigInteger Y)> SmallOrderPoints { get; } = FindTorsion();

    private static List<(BigInteger X, BigInteger Y)> FindTorsion()
    {
        for (int y = 2; ; y++)
        {
            var q = Decode(Encode((0, y)), strict: true);
            if (q is null)
            {
                continue;
            }

            var t = Multiply(L, q.Value);
            var t4 = Multiply(4, t);
            if (t4 != Identity)
            {
                var list = new List<(BigInteger X, BigInteger Y)>();
                var c = Identity;
                for (int i = 0; i < 8; i++)
                {
                    list.Add(c);
                    c = Add(c, t);
                }

                return list;
            }
        }
    }
}
