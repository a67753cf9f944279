namespace MevDefense.Detection.Features.Internal;

/// <summary>
/// Builds the two adjacency matrices and the key mask of a window from the identity slots of its features, and keeps
/// the pairwise relations (same pool, linked, shared token account) for the relational features.
/// </summary>
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
        var samePool = w.SamePool;
        var linked = w.Linked;
        var shared = w.SharedAccount;
        Array.Clear(pool);
        Array.Clear(link);
        Array.Clear(samePool);
        Array.Clear(linked);
        Array.Clear(shared);
        for (var i = 0; i < N; i++)
        {
            w.KeyMask[i] = i < n ? 0f : WindowTensors.MaskedValue;
        }

        Span<int> ids = stackalloc int[N * 6];
        for (var i = 0; i < n; i++)
        {
            for (var s = 0; s < 6; s++)
            {
                ids[(i * 6) + s] = (int)features[(i * F) + s];
            }
        }

        Span<int> poolCount = stackalloc int[N];
        Span<int> linkCount = stackalloc int[N];
        poolCount.Clear();
        linkCount.Clear();
        for (var i = 0; i < n; i++)
        {
            var a = ids.Slice(i * 6, 6);
            for (var j = i + 1; j < n; j++)
            {
                var b = ids.Slice(j * 6, 6);
                var sp = SharePool(a, b);
                var sa = SharesAccount(a, b);
                var lk = sa || Linked(a, b);
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
            Normalize(pool.AsSpan(i * N, N), poolCount[i]);
            Normalize(link.AsSpan(i * N, N), linkCount[i]);
        }
    }

    /// <summary>Whether two transactions swap on a common pool (first or last pool of each).</summary>
    public static bool SharePool(float[] f, int ri, int rj)
    {
        Span<int> a = [(int)f[ri + FeatureLayout.PoolId], 0, 0, 0, (int)f[ri + FeatureLayout.LastPoolId], 0];
        Span<int> b = [(int)f[rj + FeatureLayout.PoolId], 0, 0, 0, (int)f[rj + FeatureLayout.LastPoolId], 0];
        return SharePool(a, b);
    }

    private static bool SharePool(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int a1 = a[FeatureLayout.PoolId], a2 = a[FeatureLayout.LastPoolId], b1 = b[FeatureLayout.PoolId], b2 = b[FeatureLayout.LastPoolId];
        return (a1 != 0 && (a1 == b1 || a1 == b2)) || (a2 != 0 && (a2 == b1 || a2 == b2));
    }

    /// <summary>Same signer, or a SOL transfer from one's signer to the other's (shared token accounts are checked separately).</summary>
    private static bool Linked(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int si = a[FeatureLayout.SignerId], sj = b[FeatureLayout.SignerId];
        int ti = a[FeatureLayout.TransferDestinationId], tj = b[FeatureLayout.TransferDestinationId];
        return (si != 0 && si == sj) || (ti != 0 && ti == sj) || (tj != 0 && tj == si);
    }

    private static bool SharesAccount(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int ai = a[FeatureLayout.SourceAccountId], bi = a[FeatureLayout.DestinationAccountId];
        int aj = b[FeatureLayout.SourceAccountId], bj = b[FeatureLayout.DestinationAccountId];
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
