using FsCheck;
using FsCheck.Fluent;
using MevDefense.Detection.Features;
using MevDefense.Detection.Features.Internal;

namespace MevDefense.Detection.Tests.Model;

/// <summary>
/// The vectorised graph builder behind <see cref="WindowTensors.LoadFeatures"/> (what the model scores for raw feature
/// vectors) against the straightforward pairwise builder it replaced, bit for bit.
/// </summary>
public sealed class WindowGraphTests
{
    private const int N = TransactionFeatures.WindowSize;
    private const int F = TransactionFeatures.Count;

    private static readonly int[] IdSlots =
    [
        FeatureLayout.PoolId, FeatureLayout.SignerId, FeatureLayout.SourceAccountId, FeatureLayout.DestinationAccountId,
        FeatureLayout.LastPoolId, FeatureLayout.TransferDestinationId, 6, 7,
    ];

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property LoadFeatures_RandomIdentitySlots_GraphMatchesPairwiseReference()
        => Prop.ForAll(Gen.Choose(0, N).ToArbitrary(), Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (count, seed) =>
        {
            var features = RandomFeatures(seed, count);
            var window = new WindowTensors();

            // Stale content from a previous, larger window must not survive.
            window.LoadFeatures(RandomFeatures(seed ^ 0x5bd1e995, N), N);
            window.LoadFeatures(features, count);
            var reference = ReferenceBuild(features, count);
            Assert.Equal(count, window.Count);
            AssertBitwiseEqual(reference.Pool, window.PoolAdjacency, $"pool n={count} seed={seed}");
            AssertBitwiseEqual(reference.Link, window.LinkAdjacency, $"link n={count} seed={seed}");
            AssertBitwiseEqual(reference.Mask, window.KeyMask, $"mask n={count} seed={seed}");
            Assert.Equal(reference.SamePool, window.SamePool);
            Assert.Equal(reference.Linked, window.Linked);
            Assert.Equal(reference.Shared, window.SharedAccount);
        });

    [Fact]
    public void LoadFeatures_EqualHashes_EveryPairIsLinkedAndRowsAreNormalised()
    {
        var features = new float[N * F];
        for (var i = 0; i < N; i++)
        {
            features[(i * F) + FeatureLayout.PoolId] = 77;
            features[(i * F) + FeatureLayout.SignerId] = 12345;
        }

        var window = new WindowTensors();
        window.LoadFeatures(features, N);
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < N; j++)
            {
                var expected = i == j ? 0f : 1f / (N - 1);
                Assert.Equal(expected, window.PoolAdjacency[(i * N) + j]);
                Assert.Equal(expected, window.LinkAdjacency[(i * N) + j]);
                Assert.False(window.SharedAccount[(i * N) + j]);
            }
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Relations_RandomIdentitySlots_MasksAreTheRelationsLoadFeaturesBuilds()
        => Prop.ForAll(Gen.Choose(0, N).ToArbitrary(), Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (count, seed) =>
        {
            AssertRelations(count, seed, wide: false);
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                AssertRelations(count, seed, wide: true);
            }
        });

    private static void AssertRelations(int count, int seed, bool wide)
    {
        var features = RandomFeatures(seed, count);
        var window = new WindowTensors();
        window.LoadFeatures(features, count);

        // Stale rows from a previous call must not matter: only rows below count are written and read.
        var (pool, link, shared) = (new ulong[N], new ulong[N], new ulong[N]);
        Array.Fill(pool, ulong.MaxValue);
        Array.Fill(link, ulong.MaxValue);
        Array.Fill(shared, ulong.MaxValue);
        WindowGraph.Relations(features, count, pool, link, shared, wide);
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < N; j++)
            {
                var ij = (i * N) + j;
                Assert.Equal(window.SamePool[ij], ((pool[i] >> j) & 1) != 0);
                Assert.Equal(window.Linked[ij], ((link[i] >> j) & 1) != 0);
                Assert.Equal(window.SharedAccount[ij], ((shared[i] >> j) & 1) != 0);
                Assert.Equal(window.PoolAdjacency[ij] != 0, ((pool[i] >> j) & 1) != 0);
                Assert.Equal(window.LinkAdjacency[ij] != 0, ((link[i] >> j) & 1) != 0);
            }
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property AllFinite_MatchesScalarCheck()
        => Prop.ForAll(Gen.Choose(0, 200).ToArbitrary(), Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (length, seed) =>
        {
            var rng = new Random(seed);
            var values = new float[length];
            for (var i = 0; i < length; i++)
            {
                values[i] = (float)((rng.NextDouble() * 2e6) - 1e6);
            }

            if (length > 0 && rng.Next(3) != 0)
            {
                float[] bad = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.Epsilon];
                values[rng.Next(length)] = bad[rng.Next(bad.Length)];
            }

            Assert.Equal(values.All(float.IsFinite), WindowTensors.AllFinite(values));
        });

    /// <summary>Identity slots drawn from a few values (equal hashes are frequent), with zeros, negatives, fractions and out-of-int-range values.</summary>
    private static float[] RandomFeatures(int seed, int count)
    {
        var rng = new Random(seed);
        var distinct = 1 + rng.Next(8);
        var features = new float[count * F];
        for (var i = 0; i < count; i++)
        {
            foreach (var slot in IdSlots)
            {
                features[(i * F) + slot] = rng.Next(10) switch
                {
                    0 => 0f,
                    1 => -rng.Next(1, distinct + 1),
                    2 => rng.Next(distinct + 1) + 0.5f,
                    3 => rng.Next(2) == 0 ? 3e9f : -3e9f,
                    4 => rng.Next(1 << 24),
                    _ => rng.Next(distinct + 1),
                };
            }

            for (var c = FeatureLayout.IdentitySlots; c < F; c++)
            {
                features[(i * F) + c] = (float)rng.NextDouble();
            }
        }

        return features;
    }

    private static void AssertBitwiseEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++)
        {
            if (BitConverter.SingleToInt32Bits(expected[k]) != BitConverter.SingleToInt32Bits(actual[k]))
            {
                Assert.Fail($"{what}: element {k} expected {expected[k]} got {actual[k]}");
            }
        }
    }

    /// <summary>The pairwise builder the vectorised one replaced (the specification: upper triangle, mirrored, normalised).</summary>
    private static (float[] Pool, float[] Link, float[] Mask, bool[] SamePool, bool[] Linked, bool[] Shared) ReferenceBuild(float[] features, int n)
    {
        var pool = new float[N * N];
        var link = new float[N * N];
        var mask = new float[N];
        var samePool = new bool[N * N];
        var linked = new bool[N * N];
        var shared = new bool[N * N];
        for (var i = 0; i < N; i++)
        {
            mask[i] = i < n ? 0f : WindowTensors.MaskedValue;
        }

        int Id(int row, int slot) => (int)features[(row * F) + slot];
        var poolCount = new int[N];
        var linkCount = new int[N];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                int a1 = Id(i, FeatureLayout.PoolId), a2 = Id(i, FeatureLayout.LastPoolId);
                int b1 = Id(j, FeatureLayout.PoolId), b2 = Id(j, FeatureLayout.LastPoolId);
                var sp = (a1 != 0 && (a1 == b1 || a1 == b2)) || (a2 != 0 && (a2 == b1 || a2 == b2));
                int ai = Id(i, FeatureLayout.SourceAccountId), bi = Id(i, FeatureLayout.DestinationAccountId);
                int aj = Id(j, FeatureLayout.SourceAccountId), bj = Id(j, FeatureLayout.DestinationAccountId);
                var sa = (ai != 0 && (ai == aj || ai == bj)) || (bi != 0 && (bi == aj || bi == bj));
                int si = Id(i, FeatureLayout.SignerId), sj = Id(j, FeatureLayout.SignerId);
                int ti = Id(i, FeatureLayout.TransferDestinationId), tj = Id(j, FeatureLayout.TransferDestinationId);
                var lk = sa || (si != 0 && si == sj) || (ti != 0 && ti == sj) || (tj != 0 && tj == si);
                if (sp)
                {
                    samePool[(i * N) + j] = samePool[(j * N) + i] = true;
                    pool[(i * N) + j] = pool[(j * N) + i] = 1f;
                    poolCount[i]++;
                    poolCount[j]++;
                }

                if (lk)
                {
                    linked[(i * N) + j] = linked[(j * N) + i] = true;
                    link[(i * N) + j] = link[(j * N) + i] = 1f;
                    linkCount[i]++;
                    linkCount[j]++;
                }

                if (sa)
                {
                    shared[(i * N) + j] = shared[(j * N) + i] = true;
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (poolCount[i] > 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(pool.AsSpan(i * N, N), 1f / poolCount[i], pool.AsSpan(i * N, N));
            }

            if (linkCount[i] > 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(link.AsSpan(i * N, N), 1f / linkCount[i], link.AsSpan(i * N, N));
            }
        }

        return (pool, link, mask, samePool, linked, shared);
    }
}
