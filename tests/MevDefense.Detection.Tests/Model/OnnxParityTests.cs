using MevDefense.Detection.Features;
using MevDefense.Detection.Model;
using MevDefense.Detection.Onnx.Internal;
using MevDefense.Detection.Tests.Features;

namespace MevDefense.Detection.Tests.Model;

public sealed class OnnxParityTests
{
    internal static string WriteModel(Dictionary<string, float[]> weights, string? layout = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mevd-test-{Guid.NewGuid():N}.onnx");
        var meta = new Dictionary<string, string> { ["mevdefense.feature_layout"] = layout ?? TransactionFeatures.LayoutVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        File.WriteAllBytes(path, OnnxModelWriter.Write(weights, meta));
        return path;
    }

    [Theory]
    [InlineData(1, 2, 1, 64)]
    [InlineData(2, 2, 1, 17)]
    [InlineData(3, 1, 2, 40)]
    [InlineData(4, 2, 1, 0)]
    public void OnnxRuntime_MatchesReferenceForward_Within1e4(int seed, int gnn, int enc, int count)
    {
        var weights = TestWeights.Random(seed, gnn, enc);
        var path = WriteModel(weights);
        try
        {
            using var detector = new OnnxDetector(new OnnxDetectorOptions { ModelPath = path });
            var window = new WindowTensors();
            new WindowFeatureExtractor().Extract(FeatureTestData.RandomWindow(seed, count), window);
            var probs = new float[count * OnnxDetector.RoleCount];
            detector.Score(window, probs);
            var expected = ReferenceForward.Run(weights, window.Features, window.PoolAdjacency, window.LinkAdjacency, window.KeyMask);
            var maxDiff = 0.0;
            for (var i = 0; i < count; i++)
            {
                for (var c = 0; c < OnnxDetector.RoleCount; c++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(expected[i, c] - probs[(i * OnnxDetector.RoleCount) + c]));
                }
            }

            Assert.True(maxDiff < 1e-4, $"max |ORT - reference| = {maxDiff}");
            if (count > 0)
            {
                Assert.Contains(probs, p => p > 0.01f && p < 0.99f);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Constructor_ModelForOtherFeatureLayout_ThrowsFormatException()
    {
        var path = WriteModel(TestWeights.Random(5), layout: "999");
        try
        {
            Assert.Throws<FormatException>(() => new OnnxDetector(new OnnxDetectorOptions { ModelPath = path }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Constructor_GarbageFile_ThrowsFormatException()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mevd-test-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0x01, 0x02]);
        try
        {
            Assert.Throws<FormatException>(() => new OnnxDetector(new OnnxDetectorOptions { ModelPath = path }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
