using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using MevDefense.Detection.Model.Internal;

namespace MevDefense.Detection.Tests.Model;

/// <summary>The managed engine's vector kernels against plain scalar math, for every width.</summary>
public sealed class ManagedKernelsTests
{
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property FastExp_MatchesMathFExp_Within4UlpAndUnderflowsToZero()
        => Prop.ForAll(Gen.Choose(-1_200_000, 880_000).Select(v => v / 10_000f).ToArbitrary(), x =>
        {
            var v512 = FastExp.Exp(Vector512.Create(x)).GetElement(3);
            var v256 = FastExp.Exp(Vector256.Create(x)).GetElement(5);
            var expected = MathF.Exp(x);
            if (x < -86f)
            {
                Assert.Equal(0f, v512);
                Assert.Equal(0f, v256);
                return;
            }

            Assert.True(Math.Abs(v512 - expected) <= 4.8e-7 * expected, $"exp({x}): {v512} vs {expected}");
            Assert.Equal(v512, v256);
        });

    [Fact]
    public void FastExp_MaskedScoresGiveExactZero()
    {
        Assert.Equal(Vector512<float>.Zero, FastExp.Exp(Vector512.Create(ManagedRolesModel.PaddingLogit)));
        Assert.Equal(Vector256<float>.Zero, FastExp.Exp(Vector256.Create(-10000f)));
        Assert.Equal(1f, FastExp.Exp(Vector512<float>.Zero).GetElement(0));
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property ExpNonPositive_WithinItsBound_BitIdenticalAcrossWidths_ClampedBelow()
        => Prop.ForAll(Gen.Choose(-1_200_000, 0).Select(v => v / 10_000f).ToArbitrary(), x =>
        {
            var v512 = FastExp.ExpNonPositive(Vector512.Create(x)).GetElement(7);
            var v256 = FastExp.ExpNonPositive(Vector256.Create(x)).GetElement(2);
            Assert.Equal(v512, v256);
            var clamped = Math.Max(x, -86f);
            var expected = Math.Exp(clamped);
            Assert.True(Math.Abs(v512 - expected) <= 2.5e-7 * expected, $"exp({x}): {v512} vs {expected}");
            Assert.True(float.IsNormal(v512), $"exp({x}) = {v512} is not a normal float");
        });

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property Exp2NonPositive_WithinItsBound_BitIdenticalAcrossWidths_ClampedBelow()
        => Prop.ForAll(Gen.Choose(-1_600_000, 0).Select(v => v / 10_000f).ToArbitrary(), t =>
        {
            var v512 = FastExp.Exp2NonPositive(Vector512.Create(t)).GetElement(5);
            var v256 = FastExp.Exp2NonPositive(Vector256.Create(t)).GetElement(6);
            Assert.Equal(v512, v256);
            var expected = Math.Pow(2, Math.Max(t, -124f));
            Assert.True(Math.Abs(v512 - expected) <= 2.5e-7 * expected, $"2^{t}: {v512} vs {expected}");
            Assert.True(float.IsNormal(v512), $"2^{t} = {v512} is not a normal float");
        });

    [Fact]
    public void ExpNonPositive_ZeroAndMaskedScores()
    {
        Assert.Equal(1f, FastExp.ExpNonPositive(Vector512<float>.Zero).GetElement(0));
        var masked = FastExp.ExpNonPositive(Vector512.Create(ManagedRolesModel.PaddingLogit)).GetElement(0);
        Assert.Equal(FastExp.ExpNonPositive(Vector512.Create(-86f)).GetElement(0), masked);
        Assert.True(masked < 1e-37f);
        Assert.Equal(1f, FastExp.Exp2NonPositive(Vector512<float>.Zero).GetElement(0));
        Assert.Equal(0.5f, FastExp.Exp2NonPositive(Vector512.Create(-1f)).GetElement(0));
        Assert.True(FastExp.Exp2NonPositive(Vector512.Create(ManagedRolesModel.PaddingLogit)).GetElement(0) < 1e-37f);
    }

    [Fact]
    public void TransposePairs8_EveryWidth_SwapsRowsAndPairs()
    {
        var rng = new Random(9);
        var source = Enumerable.Range(0, 128).Select(_ => (float)rng.NextDouble()).ToArray();
        foreach (var transpose in new[] { (Transpose)Vector16x512.TransposePairs8, Vector16x256.TransposePairs8, Vector16Scalar.TransposePairs8 })
        {
            var destination = new float[128];
            transpose(ref source[0], ref destination[0]);
            for (var row = 0; row < 8; row++)
            {
                for (var pair = 0; pair < 8; pair++)
                {
                    Assert.Equal(source[(row * 16) + (2 * pair)], destination[(pair * 16) + (2 * row)]);
                    Assert.Equal(source[(row * 16) + (2 * pair) + 1], destination[(pair * 16) + (2 * row) + 1]);
                }
            }
        }
    }

    [Fact]
    public void PairKernels_EveryWidth_KeepEvenAndOddLanesApart()
    {
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 8 * 16).Select(_ => (float)rng.Next(-50, 50)).ToArray();
        var expected = new float[16];
        for (var c = 0; c < 8; c++)
        {
            for (var lane = 0; lane < 16; lane++)
            {
                expected[(2 * c) + (lane & 1)] += rows[(c * 16) + lane];
            }
        }

        Assert.Equal(expected, Tree<Vector16x512>(rows));
        Assert.Equal(expected, Tree<Vector16x256>(rows));
        Assert.Equal(expected, Tree<Vector16Scalar>(rows));
        foreach (var (max, sum) in new[] { Reduce<Vector16x512>(rows), Reduce<Vector16x256>(rows), Reduce<Vector16Scalar>(rows) })
        {
            for (var lane = 0; lane < 16; lane++)
            {
                var same = Enumerable.Range(0, 8).Select(p => rows[(2 * p) + (lane & 1)]).ToArray();
                Assert.Equal(same.Max(), max[lane]);
                Assert.Equal(same.Sum(), sum[lane]);
            }
        }
    }

    [Fact]
    public void Interleaved_IsThePairOrderOfTheTwoHeads()
        => Assert.Equal(
            new[] { 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15 },
            Enumerable.Range(0, 16).Select(ManagedRolesModel.Interleaved).ToArray());

    private delegate void Transpose(ref float source, ref float destination);

    private static float[] Tree<T>(float[] rows)
        where T : struct, IVector16<T>
    {
        var level = Enumerable.Range(0, 8).Select(r => T.Load(rows, r * 16)).ToList();
        while (level.Count > 1)
        {
            level = Enumerable.Range(0, level.Count / 2).Select(k => T.PairHalfSums(level[2 * k], level[(2 * k) + 1])).ToList();
        }

        var result = new float[16];
        T.Store(level[0], result, 0);
        return result;
    }

    private static (float[] Max, float[] Sum) Reduce<T>(float[] rows)
        where T : struct, IVector16<T>
    {
        var (max, sum) = (new float[16], new float[16]);
        T.Store(T.PairMax(T.Load(rows, 0)), max, 0);
        T.Store(T.PairSum(T.Load(rows, 0)), sum, 0);
        return (max, sum);
    }
}
