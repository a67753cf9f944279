using FsCheck;
using FsCheck.Fluent;
using MevDefense.Detection.Features;
using MevDefense.Detection.Model;
using MevDefense.Detection.Tests.Features;

namespace MevDefense.Detection.Tests.Model;

public sealed class OnnxDetectorTests : IDisposable
{
    private const int F = TransactionFeatures.Count;
    private readonly OnnxDetector _detector = new();

    public void Dispose() => _detector.Dispose();

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property WindowPlan_CoversEveryTransactionExactlyOnceInsideItsWindow()
        => Prop.ForAll(Gen.Choose(0, 2000).ToArbitrary(), count =>
        {
            var next = 0;
            for (var k = 0; k < OnnxDetector.WindowCount(count); k++)
            {
                var (start, length, keepFrom, keepTo) = OnnxDetector.WindowAt(count, k);
                if (keepFrom != next || keepTo < keepFrom || keepFrom < start || keepTo > start + length
                    || length > TransactionFeatures.WindowSize || start < 0 || start + length > count)
                {
                    return false;
                }

                next = keepTo;
            }

            return next == count;
        });

    [Fact]
    public void Score_FeatureVectors_EqualsScoringTheExtractedWindow()
    {
        var txs = FeatureTestData.RandomWindow(31, 45);
        var window = new WindowTensors();
        new WindowFeatureExtractor().Extract(txs, window);
        var fromWindow = new float[45 * OnnxDetector.RoleCount];
        var fromVectors = new float[45 * OnnxDetector.RoleCount];
        var fromInputs = new float[45 * OnnxDetector.RoleCount];
        _detector.Score(window, fromWindow);
        _detector.Score(window.Features.AsSpan(0, 45 * F), 45, fromVectors);
        _detector.Score(txs, fromInputs);
        Assert.Equal(fromWindow, fromVectors);
        Assert.Equal(fromWindow, fromInputs);
        for (var i = 0; i < 45; i++)
        {
            Assert.Equal(1f, fromWindow.AsSpan(i * OnnxDetector.RoleCount, OnnxDetector.RoleCount).ToArray().Sum(), 4);
        }
    }

    [Fact]
    public void Score_LongSequence_UsesOverlappingWindowsAndScoresEveryTransaction()
    {
        var txs = Enumerable.Range(0, 5).SelectMany(s => FeatureTestData.RandomWindow(100 + s, 40)).ToArray();
        var probs = new float[txs.Length * OnnxDetector.RoleCount];
        Array.Fill(probs, float.NaN);
        _detector.Score(txs, probs);
        Assert.All(probs, p => Assert.InRange(p, 0f, 1f));

        // Rows kept from the first window equal scoring that window alone.
        var first = new float[64 * OnnxDetector.RoleCount];
        _detector.Score(txs.AsSpan(0, 64), first);
        var (_, _, from, to) = OnnxDetector.WindowAt(txs.Length, 0);
        Assert.Equal(first.AsSpan(from * 5, (to - from) * 5).ToArray(), probs.AsSpan(from * 5, (to - from) * 5).ToArray());
    }

    [Fact]
    public void Score_PlantedSandwich_FindsFrontVictimsBack()
    {
        var txs = FeatureTestData.RandomWindow(21, 30);
        var probs = new float[30 * OnnxDetector.RoleCount];
        _detector.Score(txs, probs);
        TransactionRole Best(int i) => (TransactionRole)probs.AsSpan(i * 5, 5).IndexOf(probs.AsSpan(i * 5, 5).ToArray().Max());
        Assert.Equal(TransactionRole.Front, Best(3));
        Assert.Equal(TransactionRole.Victim, Best(4));
        Assert.Equal(TransactionRole.Back, Best(6));
    }

    [Fact]
    public void Score_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => _detector.Score(new float[(3 * F) - 1], 3, new float[15]));
        Assert.Throws<ArgumentException>(() => _detector.Score(new float[3 * F], 3, new float[14]));
        Assert.Throws<ArgumentNullException>(() => _detector.Score((WindowTensors)null!, new float[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _detector.Score(new float[0], -1, new float[0]));
    }

    [Fact]
    public void Score_AfterDispose_ThrowsObjectDisposedException()
    {
        var d = new OnnxDetector();
        d.Dispose();
        d.Dispose();
        Assert.Throws<ObjectDisposedException>(() => d.Score(new float[F], 1, new float[5]));
    }

    [Fact]
    public void Score_SteadyState_AllocatesNothingPerWindow()
    {
        var window = new WindowTensors();
        new WindowFeatureExtractor().Extract(FeatureTestData.RandomWindow(4, 64), window);
        var probs = new float[64 * OnnxDetector.RoleCount];
        for (var i = 0; i < 50; i++)
        {
            _detector.Score(window, probs); // warm-up: first calls JIT-compile and fill the context pool
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            _detector.Score(window, probs);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
