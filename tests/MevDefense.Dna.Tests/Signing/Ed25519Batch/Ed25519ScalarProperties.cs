using System.Numerics;
using FsCheck.Xunit;
using MevDefense.Dna.Internal.Ed25519;

namespace MevDefense.Dna.Tests.Signing.Ed25519Batch;

/// <summary>Scalar arithmetic mod L and the signed radix-16 recoding against <see cref="BigInteger"/>.</summary>
public sealed class Ed25519ScalarProperties
{
    private static readonly BigInteger L = (BigInteger.One << 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

    [Property(MaxTest = 500)]
    public bool Reduce_MatchesBigInteger(int seed)
    {
        var rng = new Random(seed);
        byte[] x = new byte[64];
        rng.NextBytes(x);
        switch (rng.Next(4))
        {
            case 0:
                x.AsSpan(rng.Next(64)).Fill(0xFF); // long runs of ones: carries and borrows through every limb
                break;
            case 1:
                // a multiple of L plus a small offset (the conditional subtractions' edge)
                BigInteger v = (L * new BigInteger(rng.NextInt64(0, long.MaxValue)) * new BigInteger(rng.NextInt64(0, long.MaxValue))) + rng.Next(-3, 3);
                Array.Clear(x);
                (v < 0 ? BigInteger.Zero : v).TryWriteBytes(x, out _, isUnsigned: true);
                break;
        }

        byte[] r = new byte[32];
        ScalarModL.Reduce(x, r);
        return new BigInteger(r, isUnsigned: true) == new BigInteger(x, isUnsigned: true) % L;
    }

    [Fact]
    public void Reduce_Extremes()
    {
        BigInteger max = (BigInteger.One << 512) - 1;
        foreach (BigInteger v in new[] { BigInteger.Zero, BigInteger.One, L - 1, L, L + 1, 2 * L, 3 * L - 1, (BigInteger.One << 256) - 1, max, max - (max % L), max - (max % L) - 1 })
        {
            byte[] x = new byte[64];
            v.TryWriteBytes(x, out _, isUnsigned: true);
            byte[] r = new byte[32];
            ScalarModL.Reduce(x, r);
            Assert.Equal(v % L, new BigInteger(r, isUnsigned: true));
        }
    }

    [Property(MaxTest = 500)]
    public bool MulAdd_MatchesBigInteger(int seed)
    {
        var rng = new Random(seed);
        byte[] k = new byte[32], a = new byte[32], r = new byte[32], s = new byte[32];
        rng.NextBytes(k);
        rng.NextBytes(a);
        rng.NextBytes(r);
        if (rng.Next(4) == 0)
        {
            k.AsSpan().Fill(0xFF);
            a.AsSpan().Fill(0xFF);
            r.AsSpan().Fill(0xFF);
        }

        ScalarModL.MulAdd(k, a, r, s);
        BigInteger expected = ((new BigInteger(k, isUnsigned: true) * new BigInteger(a, isUnsigned: true)) + new BigInteger(r, isUnsigned: true)) % L;
        return new BigInteger(s, isUnsigned: true) == expected;
    }

    [Property(MaxTest = 500)]
    public bool Recode_DigitsAreInRange_AndSumToTheScalar(int seed)
    {
        var rng = new Random(seed);
        byte[] scalar = new byte[32];
        rng.NextBytes(scalar);
        if (rng.Next(3) == 0)
        {
            scalar.AsSpan().Fill(rng.Next(2) == 0 ? (byte)0xFF : (byte)0x84); // windows of 16 and more: a carry out of every digit
        }

        scalar[31] &= 0x1F; // below 2^253, like every scalar reduced mod L
        sbyte[] digits = new sbyte[ScalarModL.DigitCount];
        ScalarModL.Recode(scalar, digits);
        BigInteger sum = BigInteger.Zero;
        for (int i = ScalarModL.DigitCount - 1; i >= 0; i--)
        {
            if (digits[i] is < -16 or > 16)
            {
                return false;
            }

            sum = (sum * 32) + digits[i];
        }

        return sum == new BigInteger(scalar, isUnsigned: true);
    }
}
