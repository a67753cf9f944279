using FsCheck;
using FsCheck.Fluent;
using MevDefense.Detection.Features;
using MevDefense.Detection.Features.Internal;

namespace MevDefense.Detection.Tests.Features;

public sealed class WindowFeatureExtractorTests
{
    private const int N = TransactionFeatures.WindowSize;
    private const int F = TransactionFeatures.Count;

    [Fact]
    public void Extract_SameInput_IsDeterministicAcrossInstances()
    {
        var txs = FeatureTestData.RandomWindow(11, 50);
        var a = new WindowTensors();
        var b = new WindowTensors();
        new WindowFeatureExtractor().Extract(txs, a);
        var reused = new WindowFeatureExtractor();
        reused.Extract(FeatureTestData.RandomWindow(12, 64), b);
        reused.Extract(txs, b);
        Assert.Equal(a.Features, b.Features);
        Assert.Equal(a.PoolAdjacency, b.PoolAdjacency);
        Assert.Equal(a.LinkAdjacency, b.LinkAdjacency);
        Assert.Equal(a.KeyMask, b.KeyMask);
        Assert.Equal(50, b.Count);
    }

    [Fact]
    public void Extract_SharedPool_CreatesRowNormalisedPoolEdges()
    {
        var pool = FeatureTestData.Key(1);
        TransactionFeatureInput[] txs =
        [
            new() { Signer = FeatureTestData.Key(10), Pool = pool, SwapCount = 1, Direction = 1 },
            new() { Signer = FeatureTestData.Key(11), Pool = pool, SwapCount = 1, Direction = 1 },
            new() { Signer = FeatureTestData.Key(12), Pool = FeatureTestData.Key(2), SwapCount = 1, Direction = -1 },
            new() { Signer = FeatureTestData.Key(13), Pool = FeatureTestData.Key(3), LastPool = pool, SwapCount = 2, Direction = 1 },
        ];
        var w = new WindowTensors();
        new WindowFeatureExtractor().Extract(txs, w);
        Assert.Equal(0.5f, w.PoolAdjacency[(0 * N) + 1]);
        Assert.Equal(0.5f, w.PoolAdjacency[(0 * N) + 3]);
        Assert.Equal(0f, w.PoolAdjacency[(0 * N) + 0]);
        Assert.Equal(0f, w.PoolAdjacency[(0 * N) + 2]);
        Assert.Equal(0f, w.PoolAdjacency.AsSpan(2 * N, N).ToArray().Sum());
        Assert.Equal(1f, w.PoolAdjacency[(3 * N) + 0] + w.PoolAdjacency[(3 * N) + 1], 5);
        Assert.All(w.LinkAdjacency, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Extract_SignerTokenAccountOrFunding_CreatesLinkEdges()
    {
        var a = FeatureTestData.Key(10);
        var b = FeatureTestData.Key(11);
        var acct = FeatureTestData.Key(50);
        TransactionFeatureInput[] txs =
        [
            new() { Signer = a, TransferDestination = b, TransferLamports = 5 },
            new() { Signer = b, Pool = FeatureTestData.Key(1), SwapCount = 1, DestinationTokenAccount = acct },
            new() { Signer = FeatureTestData.Key(12), Pool = FeatureTestData.Key(2), SwapCount = 1, SourceTokenAccount = acct },
            new() { Signer = a },
            new() { Signer = FeatureTestData.Key(13) },
        ];
        var w = new WindowTensors();
        new WindowFeatureExtractor().Extract(txs, w);
        Assert.True(w.LinkAdjacency[(0 * N) + 1] > 0, "funding transfer links payer and payee");
        Assert.True(w.LinkAdjacency[(0 * N) + 3] > 0, "same signer");
        Assert.True(w.LinkAdjacency[(1 * N) + 2] > 0, "shared token account");
        Assert.Equal(0f, w.LinkAdjacency.AsSpan(4 * N, N).ToArray().Sum());
        Assert.Equal(1f, w.Features[(0 * F) + FeatureLayout.FundingLink]);
        Assert.Equal(1f, w.Features[(1 * F) + FeatureLayout.SharedTokenAccount]);
    }

    [Fact]
    public void Extract_PartialWindow_MasksAndZeroesPadding()
    {
        var w = new WindowTensors();
        new WindowFeatureExtractor().Extract(FeatureTestData.RandomWindow(3, 20), w);
        for (var i = 0; i < N; i++)
        {
            Assert.Equal(i < 20 ? 0f : WindowTensors.MaskedValue, w.KeyMask[i]);
            var row = w.Features.AsSpan(i * F, F);
            if (i >= 20)
            {
                Assert.True(row.IndexOfAnyExcept(0f) < 0, $"padding row {i} is not zero");
                Assert.True(w.PoolAdjacency.AsSpan(i * N, N).IndexOfAnyExcept(0f) < 0);
            }
            else
            {
                Assert.Equal(1f, row[FeatureLayout.Valid]);
                Assert.True(row[FeatureLayout.Used..].IndexOfAnyExcept(0f) < 0, "reserved slots must be zero");
            }
        }
    }

    [Fact]
    public void Extract_SandwichShape_FlagsFrontVictimsBack()
    {
        var w = new WindowTensors();
        new WindowFeatureExtractor().Extract(FeatureTestData.RandomWindow(21, 12), w);
        Assert.Equal(1f, w.Features[(3 * F) + FeatureLayout.FrontCandidate]);
        Assert.Equal(1f, w.Features[(6 * F) + FeatureLayout.BackCandidate]);
        Assert.Equal(1f, w.Features[(4 * F) + FeatureLayout.VictimCandidate]);
        Assert.Equal(1f, w.Features[(5 * F) + FeatureLayout.VictimCandidate]);
        Assert.Equal(0f, w.Features[(3 * F) + FeatureLayout.VictimCandidate]);
        Assert.Equal(3f / N, w.Features[(3 * F) + FeatureLayout.PartnerDistance]);
    }

    [Fact]
    public void Extract_MoreThan64_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowFeatureExtractor().Extract(new TransactionFeatureInput[65], new WindowTensors()));
    }

    [Fact]
    public void Extract_SteadyState_AllocatesNothing()
    {
        var txs = FeatureTestData.RandomWindow(5, 64);
        var w = new WindowTensors();
        var x = new WindowFeatureExtractor();
        x.Extract(txs, w);
        var before = GC.GetAllocatedBytesForCurrentThread();
        x.Extract(txs, w);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void LoadFeatures_ExtractedVectors_RebuildsTheSameGraph()
    {
        var extracted = new WindowTensors();
        new WindowFeatureExtractor().Extract(FeatureTestData.RandomWindow(8, 37), extracted);
        var loaded = new WindowTensors();
        loaded.LoadFeatures(extracted.Features.AsSpan(0, 37 * F), 37);
        Assert.Equal(extracted.Features, loaded.Features);
        Assert.Equal(extracted.PoolAdjacency, loaded.PoolAdjacency);
        Assert.Equal(extracted.LinkAdjacency, loaded.LinkAdjacency);
        Assert.Equal(extracted.KeyMask, loaded.KeyMask);
    }

    [Fact]
    public void LoadFeatures_BadInput_ThrowsArgumentException()
    {
        var w = new WindowTensors();
        Assert.Throws<ArgumentException>(() => w.LoadFeatures(new float[(2 * F) + 1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.LoadFeatures(new float[65 * F], 65));
        var nan = new float[F];
        nan[9] = float.NaN;
        Assert.Throws<ArgumentException>(() => w.LoadFeatures(nan, 1));
    }

    [Fact]
    public void IdentityHash_IsExactAsFloatAndZeroOnlyForZeroKey()
    {
        Assert.Equal(0, WindowFeatureExtractor.IdentityHash(Pubkey.Zero));
        for (var i = 0; i < 1000; i++)
        {
            var h = WindowFeatureExtractor.IdentityHash(FeatureTestData.Key(i));
            Assert.InRange(h, 1, (1 << 24) - 1);
            Assert.Equal(h, (int)(float)h);
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public Property Extract_AnyWindow_FiniteBoundedAndConsistentGraph()
        => Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), Gen.Choose(0, N).ToArbitrary(), (seed, count) =>
        {
            var w = new WindowTensors();
            new WindowFeatureExtractor().Extract(FeatureTestData.RandomWindow(seed, count), w);
            for (var i = 0; i < count; i++)
            {
                var row = w.Features.AsSpan(i * F, F);
                foreach (var v in row[FeatureLayout.IdentitySlots..])
                {
                    if (!float.IsFinite(v) || v < -2f || v > 4f)
                    {
                        return false;
                    }
                }

                foreach (var adj in new[] { w.PoolAdjacency, w.LinkAdjacency })
                {
                    var sum = adj.AsSpan(i * N, N).ToArray().Sum();
                    if (sum != 0f && Math.Abs(sum - 1f) > 1e-5f)
                    {
                        return false;
                    }

                    for (var j = 0; j < N; j++)
                    {
                        if ((adj[(i * N) + j] > 0) != (adj[(j * N) + i] > 0) || (j >= count && adj[(i * N) + j] != 0))
                        {
                            return false;
                        }
                    }
                }
            }

            return true;
        });
}
