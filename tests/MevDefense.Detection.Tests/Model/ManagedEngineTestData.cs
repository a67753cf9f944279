using MevDefense.Detection.Features;
using MevDefense.Detection.Features.Internal;
using MevDefense.Detection.Model;

namespace MevDefense.Detection.Tests.Model;

/// <summary>Random windows and the comparison used by the managed-engine parity tests.</summary>
internal static class ManagedEngineTestData
{
    private const int F = TransactionFeatures.Count;
    private const int R = OnnxDetector.RoleCount;

    /// <summary>
    /// A window of <paramref name="count"/> transactions with random model features (half of them zero) and identity
    /// slots drawn from a few values, so pool and link edges are frequent; the graph and mask are built by
    /// <see cref="WindowTensors.LoadFeatures"/>.
    /// </summary>
    public static WindowTensors RandomWindow(int seed, int count)
    {
        var rng = new Random(seed);
        var features = new float[count * F];
        var ids = 1 + rng.Next(6);
        for (var i = 0; i < count; i++)
        {
            foreach (var slot in new[] { FeatureLayout.PoolId, FeatureLayout.SignerId, FeatureLayout.SourceAccountId, FeatureLayout.DestinationAccountId, FeatureLayout.LastPoolId, FeatureLayout.TransferDestinationId })
            {
                features[(i * F) + slot] = rng.Next(ids + 1);
            }

            for (var c = FeatureLayout.IdentitySlots; c < F; c++)
            {
                features[(i * F) + c] = rng.Next(2) == 0 ? 0f : (float)((rng.NextDouble() * 4) - 2);
            }
        }

        var window = new WindowTensors();
        window.LoadFeatures(features, count);
        return window;
    }

    /// <summary>
    /// Makes padded rows matter, as only hand-filled tensors do: a real row aggregates a padded row, and/or a padded key
    /// is not masked. The dense ONNX graph then reads those rows, so the managed engine must compute all 64.
    /// </summary>
    public static void LetPaddingLeak(WindowTensors window, int seed)
    {
        var rng = new Random(seed);
        var n = window.Count;
        if (n == TransactionFeatures.WindowSize)
        {
            return;
        }

        var padded = n + rng.Next(TransactionFeatures.WindowSize - n);
        for (var c = FeatureLayout.IdentitySlots; c < F; c++)
        {
            window.Features[(padded * F) + c] = (float)((rng.NextDouble() * 2) - 1);
        }

        if (rng.Next(2) == 0)
        {
            window.PoolAdjacency[(rng.Next(n) * TransactionFeatures.WindowSize) + padded] = 0.5f;
        }
        else
        {
            window.KeyMask[padded] = 0f;
        }
    }

    /// <summary>
    /// Asserts |Δp| ≤ <paramref name="tolerance"/> for every probability and the same argmax role wherever the expected
    /// top role leads the runner-up by more than 1e-3.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int count, string what, double tolerance = 1e-4)
    {
        for (var i = 0; i < count; i++)
        {
            var e = expected.Slice(i * R, R);
            var a = actual.Slice(i * R, R);
            for (var c = 0; c < R; c++)
            {
                Assert.True(float.IsFinite(a[c]), $"{what}: row {i} role {c} is {a[c]}");
                var diff = Math.Abs(e[c] - a[c]);
                Assert.True(diff <= tolerance, $"{what}: row {i} role {c}: expected {e[c]}, got {a[c]} (|diff| {diff:E2})");
            }

            var best = ArgMax(e);
            var second = float.NegativeInfinity;
            for (var c = 0; c < R; c++)
            {
                if (c != best)
                {
                    second = Math.Max(second, e[c]);
                }
            }

            if (e[best] - second > 1e-3)
            {
                Assert.True(ArgMax(a) == best, $"{what}: row {i} argmax {ArgMax(a)} instead of {best}");
            }
        }
    }

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
            }
        }

        return best;
    }
}
