using System.Numerics;
using System.Runtime.Intrinsics;
using FsCheck.Xunit;
using MevDefense.Dna.Internal.Ed25519;

namespace MevDefense.Dna.Tests.Signing.Ed25519Batch;

/// <summary>The 8-lane scalar arithmetic mod L (<see cref="ScalarModL8"/>) against <see cref="BigInteger"/> and the scalar code.</summary>
public sealed class Ed25519Scalar8Properties
{
    private static readonly BigInteger L = (BigInteger.One << 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void MinusDelta_LimbsSumToTwoTo252MinusL()
    {
        BigInteger sum = BigInteger.Zero;
        for (int k = ScalarModL8.MinusDelta.Length - 1; k >= 0; k--)
        {
            Assert.InRange(ScalarModL8.MinusDelta[k], -(1L << 20), (1L << 20) - 1);
            sum = (sum << 21) + ScalarModL8.MinusDelta[k];
        }

        Assert.Equal((BigInteger.One << 252) - L, sum);
    }

    [Property(MaxTest = 300)]
    public bool Reduce_EveryLaneMatchesBigInteger(int seed)
    {
        if (!FieldElement8.IsSupported)
        {
            return true; // the vector code is never used without AVX-512 (Ed25519BatchSignerTests.SelfTest_...)
        }

        var rng = new Random(seed);
        byte[] input = new byte[64 * 8];
        for (int lane = 0; lane < 8; lane++)
        {
            WriteValue(input.AsSpan(64 * lane, 64), RandomWide(rng));
        }

        return ReduceMatches(input);
    }

    [Fact]
    public void Reduce_Extremes()
    {
        if (!FieldElement8.IsSupported)
        {
            return;
        }

        BigInteger max = (BigInteger.One << 512) - 1;
        BigInteger[] values =
        [
            BigInteger.Zero, BigInteger.One, L - 1, L, L + 1, 2 * L, 3 * L - 1, (BigInteger.One << 252) - 1, BigInteger.One << 252,
            (BigInteger.One << 253) - 1, (BigInteger.One << 256) - 1, max, max - (max % L), max - (max % L) - 1, max - 1,
            ((max / L) - 1) * L, (BigInteger.One << 511) - 1, BigInteger.One << 511,
        ];
        byte[] input = new byte[64 * 8];
        for (int start = 0; start < values.Length; start += 8)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                WriteValue(input.AsSpan(64 * lane, 64), values[Math.Min(start + lane, values.Length - 1)]);
            }

            Assert.True(ReduceMatches(input));
        }
    }

    [Property(MaxTest = 300)]
    public bool MulAdd_EveryLaneMatchesBigInteger(int seed)
    {
        if (!FieldElement8.IsSupported)
        {
            return true;
        }

        var rng = new Random(seed);
        byte[] a = new byte[32];
        rng.NextBytes(a);
        if (rng.Next(4) == 0)
        {
            a.AsSpan().Fill(0xFF);
        }

        a[31] &= 0x7F; // a secret scalar: below 2^255 (clamped ones are in [2^254, 2^255))
        byte[] kInput = new byte[64 * 8], cInput = new byte[64 * 8];
        for (int lane = 0; lane < 8; lane++)
        {
            WriteValue(kInput.AsSpan(64 * lane, 64), rng.Next(5) == 0 ? L - 1 - rng.Next(3) : RandomWide(rng));
            WriteValue(cInput.AsSpan(64 * lane, 64), rng.Next(5) == 0 ? L - 1 - rng.Next(3) : RandomWide(rng));
        }

        var k = new Vector512<long>[ScalarModL8.Limbs];
        var c = new Vector512<long>[ScalarModL8.Limbs];
        var aLimbs = new Vector512<long>[ScalarModL8.Limbs];
        var s = new Vector512<long>[ScalarModL8.Limbs];
        ScalarModL8.Reduce(kInput, k);
        ScalarModL8.Reduce(cInput, c);
        ScalarModL8.Broadcast(a, aLimbs);
        ScalarModL8.MulAdd(k, aLimbs, c, s);
        byte[] output = new byte[32];
        for (int lane = 0; lane < 8; lane++)
        {
            BigInteger kv = new BigInteger(kInput.AsSpan(64 * lane, 64), isUnsigned: true) % L;
            BigInteger cv = new BigInteger(cInput.AsSpan(64 * lane, 64), isUnsigned: true) % L;
            ScalarModL8.Store(s, lane, output);
            if (new BigInteger(output, isUnsigned: true) != ((kv * new BigInteger(a, isUnsigned: true)) + cv) % L)
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 300)]
    public bool Recode_DigitsAreInRange_AndSumToTheScalar(int seed)
    {
        if (!FieldElement8.IsSupported)
        {
            return true;
        }

        var rng = new Random(seed);
        byte[] input = new byte[64 * 8];
        for (int lane = 0; lane < 8; lane++)
        {
            BigInteger v = rng.Next(5) switch
            {
                0 => L - 1 - rng.Next(4),
                1 => (BigInteger.One << 252) - 1 - rng.Next(4), // long runs of ones: a carry out of every digit
                2 => rng.Next(3),
                3 => new BigInteger(Enumerable.Repeat((byte)0x82, 31).Append((byte)0x08).ToArray(), isUnsigned: true), // windows of 32 and more
                _ => RandomWide(rng),
            };
            WriteValue(input.AsSpan(64 * lane, 64), v);
        }

        var r = new Vector512<long>[ScalarModL8.Limbs];
        ScalarModL8.Reduce(input, r);
        var digits = new Vector512<long>[ScalarModL8.DigitCount];
        ScalarModL8.Recode(r, digits);
        for (int lane = 0; lane < 8; lane++)
        {
            BigInteger sum = BigInteger.Zero;
            for (int i = ScalarModL8.DigitCount - 1; i >= 0; i--)
            {
                long d = digits[i].GetElement(lane);
                if (d is < -32 or > 32)
                {
                    return false;
                }

                sum = (sum * 64) + d;
            }

            if (sum != new BigInteger(input.AsSpan(64 * lane, 64), isUnsigned: true) % L)
            {
                return false;
            }
        }

        return true;
    }

    private static bool ReduceMatches(byte[] input)
    {
        var r = new Vector512<long>[ScalarModL8.Limbs];
        ScalarModL8.Reduce(input, r);
        byte[] output = new byte[32];
        for (int lane = 0; lane < 8; lane++)
        {
            for (int i = 0; i < ScalarModL8.Limbs - 1; i++)
            {
                if (r[i].GetElement(lane) is < 0 or >= 1L << 21)
                {
                    return false; // canonical limbs
                }
            }

            ScalarModL8.Store(r, lane, output);
            if (new BigInteger(output, isUnsigned: true) != new BigInteger(input.AsSpan(64 * lane, 64), isUnsigned: true) % L)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A 512-bit value: uniform, with long runs of ones, or a multiple of L plus a small offset.</summary>
    private static BigInteger RandomWide(Random rng)
    {
        byte[] x = new byte[64];
        rng.NextBytes(x);
        switch (rng.Next(4))
        {
            case 0:
                x.AsSpan(rng.Next(64)).Fill(0xFF);
                break;
            case 1:
                BigInteger v = (L * new BigInteger(rng.NextInt64(0, long.MaxValue)) * new BigInteger(rng.NextInt64(0, long.MaxValue))) + rng.Next(-3, 3);
                return v < 0 ? BigInteger.Zero : v;
        }

        return new BigInteger(x, isUnsigned: true);
    }

    private static void WriteValue(Span<byte> destination, BigInteger v)
    {
        destination.Clear();
        Assert.True(v.TryWriteBytes(destination, out _, isUnsigned: true));
    }
}
