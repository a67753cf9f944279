using System.Numerics;
using System.Runtime.Intrinsics;
using FsCheck.Xunit;
using MevDefense.Dna.Internal.Ed25519;

namespace MevDefense.Dna.Tests.Signing.Ed25519Batch;

/// <summary>The 8-lane fixed-base multiplication (single and two interleaved chains) against a <see cref="BigInteger"/> double-and-add.</summary>
public sealed class Ed25519PointProperties
{
    private static readonly BigInteger L = (BigInteger.One << 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

    [Property(MaxTest = 6)]
    public bool MulBase_And_MulBase2_EncodeTheReferenceMultiple(int seed)
    {
        if (!FieldElement8.IsSupported)
        {
            return true; // the vector code is never used without AVX-512
        }

        var rng = new Random(seed);
        BigInteger[] scalars = new BigInteger[16];
        for (int i = 0; i < scalars.Length; i++)
        {
            scalars[i] = rng.Next(6) switch
            {
                0 => rng.Next(3),                         // 0 (the neutral element), 1 (B), 2
                1 => L - 1 - rng.Next(3),                 // the top of the range: digits with carries
                2 => new BigInteger(64 * rng.Next(1, 1000)), // first radix-64 digit 0: the conversion of the neutral element
                3 => (BigInteger.One << 252) - 1,         // every digit -1 after recoding
                _ => RandomBelowL(rng),
            };
        }

        Vector512<long>[] first = Digits(scalars.AsSpan(0, 8)), second = Digits(scalars.AsSpan(8, 8));
        ExtendedPoint8 p = default, q = default, p2 = default, q2 = default;
        ExtendedPoint8.MulBase(ref p, first);
        ExtendedPoint8.MulBase(ref q, second);
        ExtendedPoint8.MulBase2(ref p2, first, ref q2, second);
        byte[] single = new byte[512], pair = new byte[512];
        ExtendedPoint8.Encode(p, single);
        ExtendedPoint8.Encode(q, single.AsSpan(256));
        ExtendedPoint8.Encode(p2, pair);
        ExtendedPoint8.Encode(q2, pair.AsSpan(256));
        if (!single.AsSpan().SequenceEqual(pair))
        {
            return false;
        }

        for (int i = 0; i < scalars.Length; i++)
        {
            if (!single.AsSpan(32 * i, 32).SequenceEqual(ReferenceEncoding(scalars[i])))
            {
                return false;
            }
        }

        return true;
    }

    private static BigInteger RandomBelowL(Random rng)
    {
        byte[] bytes = new byte[64];
        rng.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) % L;
    }

    private static Vector512<long>[] Digits(ReadOnlySpan<BigInteger> scalars)
    {
        byte[] input = new byte[64 * 8];
        for (int lane = 0; lane < 8; lane++)
        {
            Assert.True(scalars[lane].TryWriteBytes(input.AsSpan(64 * lane, 64), out _, isUnsigned: true));
        }

        var r = new Vector512<long>[ScalarModL8.Limbs];
        ScalarModL8.Reduce(input, r);
        var digits = new Vector512<long>[ScalarModL8.DigitCount];
        ScalarModL8.Recode(r, digits);
        return digits;
    }

    /// <summary>RFC 8032 encoding of k·B, by double-and-add in extended coordinates over <see cref="BigInteger"/>.</summary>
    private static byte[] ReferenceEncoding(BigInteger k)
    {
        var acc = (X: BigInteger.Zero, Y: BigInteger.One, Z: BigInteger.One, T: BigInteger.Zero);
        var b = (X: Ed25519BaseTable.BaseX, Y: Ed25519BaseTable.BaseY, Z: BigInteger.One, T: Ed25519BaseTable.Mod(Ed25519BaseTable.BaseX * Ed25519BaseTable.BaseY));
        for (int bit = (int)k.GetBitLength() - 1; bit >= 0; bit--)
        {
            acc = Ed25519BaseTable.Add(acc, acc);
            if (!(k >> bit).IsEven)
            {
                acc = Ed25519BaseTable.Add(acc, b);
            }
        }

        BigInteger zInv = Ed25519BaseTable.Inverse(acc.Z);
        BigInteger x = Ed25519BaseTable.Mod(acc.X * zInv), y = Ed25519BaseTable.Mod(acc.Y * zInv);
        byte[] encoded = new byte[32];
        Assert.True(y.TryWriteBytes(encoded, out _, isUnsigned: true));
        encoded[31] |= (byte)(x.IsEven ? 0 : 0x80);
        return encoded;
    }
}
