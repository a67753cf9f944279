using MevDefense.Detection.Model.Internal;

namespace MevDefense.Detection.Tests.Model;

internal static class TestWeights
{
    /// <summary>Deterministic random weights of the given depth (scaled like a fresh initialisation).</summary>
    public static Dictionary<string, float[]> Random(int seed, int gnnLayers = 2, int encoderLayers = 1)
    {
        var rng = new Random(seed);
        var w = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, shape) in ModelArchitecture.Parameters(gnnLayers, encoderLayers))
        {
            var size = shape.Aggregate(1, (a, b) => a * b);
            var data = new float[size];
            var scale = shape.Length == 2 ? 1.5f / MathF.Sqrt(shape[0]) : 0.2f;
            for (var i = 0; i < size; i++)
            {
                data[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
            }

            if (name.EndsWith("_g", StringComparison.Ordinal))
            {
                for (var i = 0; i < size; i++)
                {
                    data[i] += 1f;
                }
            }

            w[name] = data;
        }

        return w;
    }
}
