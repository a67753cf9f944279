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

    [Fact]
    public void Transpose16_EveryWidth_EqualsScalarTranspose()
    {
        var rng = new Random(9);
        var source = Enumerable.Range(0, 3 * 256).Select(_ => (float)rng.NextDouble()).ToArray();
        foreach (var transpose in new Action<float[], int, float[], int, int>[] { Vector16x512.Transpose16, Vector16x256.Transpose16, Vector16Scalar.Transpose16 })
        {
            var destination = new float[16 * 64];
            transpose(source, 256, destination, 32, 64);
            for (var r = 0; r < 16; r++)
            {
                for (var c = 0; c < 16; c++)
                {
                    Assert.Equal(source[256 + (r * 16) + c], destination[32 + (c * 64) + r]);
                }
            }
        }
    }

    [Fact]
    public void HalfSumsTree_EveryWidth_PutsRowTotalsInLanes()
    {
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 16 * 16).Select(_ => (float)rng.Next(-50, 50)).ToArray();
        Assert.Equal(Totals(rows), Tree<Vector16x512>(rows));
        Assert.Equal(Totals(rows), Tree<Vector16x256>(rows));
        Assert.Equal(Totals(rows), Tree<Vector16Scalar>(rows));
    }

    private static float[] Totals(float[] rows) => Enumerable.Range(0, 16).Select(r => rows.Skip(r * 16).Take(16).Sum()).ToArray();

    private static float[] Tree<T>(float[] rows)
        where T : struct, IVector16<T>
    {
        var level = Enumerable.Range(0, 16).Select(r => T.Load(rows, r * 16)).ToList();
        while (level.Count > 1)
        {
            level = Enumerable.Range(0, level.Count / 2).Select(k => T.HalfSums(level[2 * k], level[(2 * k) + 1])).ToList();
        }

        var result = new float[16];
        T.Store(level[0], result, 0);
        return result;
    }
}
