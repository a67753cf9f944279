namespace MevDefense.Detection.Features.Internal;

/// <summary>Builds the two adjacency matrices and the key mask of a window from the identity slots of its features.</summary>
internal static class WindowGraph
{
    private const int N = TransactionFeatures.WindowSize;
    private const int F = TransactionFeatures.Count;

    public static void Build(WindowTensors w)
    {
        var n = w.Count;
        var features = w.Features;
        var pool = w.PoolAdjacency;
        var link = w.LinkAdjacency;
        Array.Clear(pool);
        Array.Clear(link);
        for (var i = 0; i < N; i++)
        {
            w.KeyMask[i] = i < n ? 0f : WindowTensors.MaskedValue;
        }

        for (var i = 0; i < n; i++)
        {
            var ri = i * F;
            var poolCount = 0;
            var linkCount = 0;
            for (var j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }

                var rj = j * F;
                if (SharePool(features, ri, rj))
                {
                    pool[(i * N) + j] = 1f;
                    poolCount++;
                }

                if (Linked(features, ri, rj))
                {
                    link[(i * N) + j] = 1f;
                    linkCount++;
                }
            }

            Normalize(pool.AsSpan(i * N, N), poolCount);
            Normalize(link.AsSpan(i * N, N), linkCount);
        }
    }

    public static bool SharePool(float[] f, int ri, int rj)
    {
        var a1 = f[ri + FeatureLayout.PoolId];
        var a2 = f[ri + FeatureLayout.LastPoolId];
        var b1 = f[rj + FeatureLayout.PoolId];
        var b2 = f[rj + FeatureLayout.LastPoolId];
        return (a1 != 0 && (a1 == b1 || a1 == b2)) || (a2 != 0 && (a2 == b1 || a2 == b2));
    }

    /// <summary>Same signer, a shared token account, or a SOL transfer from one's signer to the other's.</summary>
    public static bool Linked(float[] f, int ri, int rj)
    {
        var si = f[ri + FeatureLayout.SignerId];
        var sj = f[rj + FeatureLayout.SignerId];
        if (si != 0 && si == sj)
        {
            return true;
        }

        if (SharesAccount(f, ri, rj))
        {
            return true;
        }

        var ti = f[ri + FeatureLayout.TransferDestinationId];
        var tj = f[rj + FeatureLayout.TransferDestinationId];
        return (ti != 0 && ti == sj) || (tj != 0 && tj == si);
    }

    public static bool SharesAccount(float[] f, int ri, int rj)
    {
        var ai = f[ri + FeatureLayout.SourceAccountId];
        var bi = f[ri + FeatureLayout.DestinationAccountId];
        var aj = f[rj + FeatureLayout.SourceAccountId];
        var bj = f[rj + FeatureLayout.DestinationAccountId];
        return (ai != 0 && (ai == aj || ai == bj)) || (bi != 0 && (bi == aj || bi == bj));
    }

    private static void Normalize(Span<float> row, int count)
    {
        if (count > 1)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(row, 1f / count, row);
        }
    }
}
