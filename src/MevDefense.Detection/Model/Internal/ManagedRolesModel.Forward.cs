using System.Numerics;
using MevDefense.Detection.Features;

namespace MevDefense.Detection.Model.Internal;

/// <content>The forward pass, written once over <see cref="IVector16{TSelf}"/> and specialised per vector width by the JIT.</content>
internal sealed partial class ManagedRolesModel
{
    private const int F = TransactionFeatures.Count;
    private const int HeadDim = ModelArchitecture.HeadDim;

    private void Forward<T>(WindowTensors window, ManagedRolesScratch s, Span<float> probabilities)
        where T : struct, IVector16<T>
    {
        var n = window.Count;
        var m = ActiveRows(window);
        if (BuildNeighbours<T>(window.PoolAdjacency, m, s.PoolStart, s.PoolIndex, s.PoolWeight) >= m
            | BuildNeighbours<T>(window.LinkAdjacency, m, s.LinkStart, s.LinkIndex, s.LinkWeight) >= m)
        {
            // A real row aggregates a padded one: compute every row, as the dense graph does.
            m = N;
            BuildNeighbours<T>(window.PoolAdjacency, m, s.PoolStart, s.PoolIndex, s.PoolWeight);
            BuildNeighbours<T>(window.LinkAdjacency, m, s.LinkStart, s.LinkIndex, s.LinkWeight);
        }

        InputProjection<T>(window.Features, m, s.H);
        foreach (var layer in _gnn)
        {
            Gnn<T>(layer, m, s);
        }

        foreach (var layer in _enc)
        {
            Encoder<T>(layer, window.KeyMask, m, s);
        }

        Head<T>(n, s, probabilities);
    }

    /// <summary>CSR lists of the non-zero entries of rows [0, rows); returns the largest column referenced (-1 if none).</summary>
    private static int BuildNeighbours<T>(float[] adjacency, int rows, int[] start, int[] index, float[] weight)
        where T : struct, IVector16<T>
    {
        var count = 0;
        var maxColumn = -1;
        for (var i = 0; i < rows; i++)
        {
            start[i] = count;
            for (var block = 0; block < N; block += 16)
            {
                var bits = T.NonZeroBits(adjacency, (i * N) + block);
                while (bits != 0)
                {
                    var j = block + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    index[count] = j;
                    weight[count] = adjacency[(i * N) + j];
                    count++;
                    maxColumn = Math.Max(maxColumn, j);
                }
            }
        }

        start[rows] = count;
        return maxColumn;
    }

    /// <summary><c>h = relu(x[:, 8:72] · W_in + b_in + pos)</c>.</summary>
    private void InputProjection<T>(float[] features, int rows, float[] h)
        where T : struct, IVector16<T>
    {
        var w = _inW;
        for (var i = 0; i < rows; i++)
        {
            var x = (i * F) + ModelArchitecture.InputOffset;
            var a0 = T.Load(_posBias, i * D);
            var a1 = T.Zero;
            var a2 = T.Zero;
            var a3 = T.Zero;
            for (var c = 0; c < ModelArchitecture.InputWidth; c += 4)
            {
                a0 = T.Fma(T.Splat(features[x + c]), T.Load(w, c * D), a0);
                a1 = T.Fma(T.Splat(features[x + c + 1]), T.Load(w, (c + 1) * D), a1);
                a2 = T.Fma(T.Splat(features[x + c + 2]), T.Load(w, (c + 2) * D), a2);
                a3 = T.Fma(T.Splat(features[x + c + 3]), T.Load(w, (c + 3) * D), a3);
            }

            T.Store(T.Relu(T.Add(T.Add(a0, a1), T.Add(a2, a3))), h, i * D);
        }
    }

    /// <summary>
    /// <c>h = h + relu([h | A_pool·h | A_link·h] · W + b)</c>, computed as <c>h·W_self + A_pool·(h·W_pool) + A_link·(h·W_link) + b</c>
    /// so each edge costs one FMA.
    /// </summary>
    private static void Gnn<T>(GnnLayer layer, int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var (h, self, pool, link, w) = (s.H, s.A, s.B, s.C, layer.W);
        var bias = T.Load(layer.B, 0);
        for (var i = 0; i < rows; i++)
        {
            var a = bias;
            var p = T.Zero;
            var q = T.Zero;
            for (var c = 0; c < D; c++)
            {
                var x = T.Splat(h[(i * D) + c]);
                a = T.Fma(x, T.Load(w, c * D), a);
                p = T.Fma(x, T.Load(w, (D + c) * D), p);
                q = T.Fma(x, T.Load(w, ((2 * D) + c) * D), q);
            }

            T.Store(a, self, i * D);
            T.Store(p, pool, i * D);
            T.Store(q, link, i * D);
        }

        for (var i = 0; i < rows; i++)
        {
            var z0 = T.Load(self, i * D);
            var z1 = T.Zero;
            for (var e = s.PoolStart[i]; e < s.PoolStart[i + 1]; e++)
            {
                z0 = T.Fma(T.Splat(s.PoolWeight[e]), T.Load(pool, s.PoolIndex[e] * D), z0);
            }

            for (var e = s.LinkStart[i]; e < s.LinkStart[i + 1]; e++)
            {
                z1 = T.Fma(T.Splat(s.LinkWeight[e]), T.Load(link, s.LinkIndex[e] * D), z1);
            }

            T.Store(T.Add(T.Load(h, i * D), T.Relu(T.Add(z0, z1))), h, i * D);
        }
    }

    private static T LayerNorm<T>(T x, T gamma, T beta)
        where T : struct, IVector16<T>
    {
        var mean = T.Sum(x) * (1f / D);
        var d = T.Subtract(x, T.Splat(mean));
        var variance = T.Sum(T.Multiply(d, d)) * (1f / D);
        var inv = 1f / MathF.Sqrt(variance + ModelArchitecture.LayerNormEpsilon);
        return T.Fma(T.Multiply(d, T.Splat(inv)), gamma, beta);
    }

    /// <summary>One pre-norm encoder layer: <c>h += MHA(LN1(h), key_mask); h += W2·relu(W1·LN2(h))</c>.</summary>
    private static void Encoder<T>(EncoderLayer layer, float[] keyMask, int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var (h, a, q, v, kt, row) = (s.H, s.A, s.B, s.C, s.KeysT, s.Row);
        var blocks = (rows + 15) / 16;

        // LN1 for every row, then q, k, v (keys stored transposed).
        var g1 = T.Load(layer.Ln1G, 0);
        var b1 = T.Load(layer.Ln1B, 0);
        for (var i = 0; i < rows; i++)
        {
            T.Store(LayerNorm(T.Load(h, i * D), g1, b1), a, i * D);
        }

        var w = layer.QkvW;
        var (bq, bk, bv) = (T.Load(layer.QkvB, 0), T.Load(layer.QkvB, D), T.Load(layer.QkvB, 2 * D));
        for (var i = 0; i < rows; i++)
        {
            var (qi, ki, vi) = (bq, bk, bv);
            for (var c = 0; c < D; c++)
            {
                var x = T.Splat(a[(i * D) + c]);
                qi = T.Fma(x, T.Load(w, c * 3 * D), qi);
                ki = T.Fma(x, T.Load(w, (c * 3 * D) + D), ki);
                vi = T.Fma(x, T.Load(w, (c * 3 * D) + (2 * D)), vi);
            }

            T.Store(qi, q, i * D);
            T.Store(vi, v, i * D);
            T.Store(ki, row, 0);
            for (var c = 0; c < D; c++)
            {
                kt[(c * N) + i] = row[c];
            }
        }

        // Keys past the active rows (inside the last block) get zero keys and a masked score.
        for (var j = 0; j < blocks * 16; j++)
        {
            if (j < rows)
            {
                s.KeyAdd[j] = keyMask[j];
            }
            else
            {
                s.KeyAdd[j] = PaddingLogit;
                for (var c = 0; c < D; c++)
                {
                    kt[(c * N) + j] = 0f;
                }
            }
        }

        // Attention, query by query, over the active keys only; the output of head k lands in lanes [8k, 8k+8).
        var lastValid = T.LaneMask(rows - ((blocks - 1) * 16));
        var head0 = T.LaneMask(HeadDim);
        var scores = s.Scores;
        Span<float> inverse = stackalloc float[ModelArchitecture.Heads];
        for (var i = 0; i < rows; i++)
        {
            for (var hd = 0; hd < ModelArchitecture.Heads; hd++)
            {
                var qo = (i * D) + (hd * HeadDim);
                var so = hd * N;
                var max = T.Splat(float.NegativeInfinity);
                for (var b = 0; b < blocks; b++)
                {
                    var sc = T.Load(s.KeyAdd, b * 16);
                    for (var c = 0; c < HeadDim; c++)
                    {
                        sc = T.Fma(T.Splat(q[qo + c]), T.Load(kt, (((hd * HeadDim) + c) * N) + (b * 16)), sc);
                    }

                    T.Store(sc, scores, so + (b * 16));
                    max = T.Max(max, sc);
                }

                var top = T.Splat(T.MaxAcross(max));
                var sum = T.Zero;
                for (var b = 0; b < blocks; b++)
                {
                    var e = T.Exp(T.Subtract(T.Load(scores, so + (b * 16)), top));
                    if (b == blocks - 1)
                    {
                        e = T.Select(lastValid, e, T.Zero);
                    }

                    T.Store(e, scores, so + (b * 16));
                    sum = T.Add(sum, e);
                }

                inverse[hd] = 1f / T.Sum(sum);
            }

            // o_k = sum_j p_k[j] v_j for both heads at once (each keeps its own lanes at the end).
            T o0 = T.Zero, o1 = T.Zero, o2 = T.Zero, o3 = T.Zero;
            var j = 0;
            for (; j + 1 < rows; j += 2)
            {
                var vj = T.Load(v, j * D);
                var vk = T.Load(v, (j + 1) * D);
                o0 = T.Fma(T.Splat(scores[j]), vj, o0);
                o1 = T.Fma(T.Splat(scores[N + j]), vj, o1);
                o2 = T.Fma(T.Splat(scores[j + 1]), vk, o2);
                o3 = T.Fma(T.Splat(scores[N + j + 1]), vk, o3);
            }

            if (j < rows)
            {
                var vj = T.Load(v, j * D);
                o0 = T.Fma(T.Splat(scores[j]), vj, o0);
                o1 = T.Fma(T.Splat(scores[N + j]), vj, o1);
            }

            var oh0 = T.Multiply(T.Add(o0, o2), T.Splat(inverse[0]));
            var oh1 = T.Multiply(T.Add(o1, o3), T.Splat(inverse[1]));
            T.Store(T.Select(head0, oh0, oh1), a, i * D);
        }

        // h += o·W_o + b_o, then LN2 into a.
        var ow = layer.OW;
        var ob = T.Load(layer.OB, 0);
        var g2 = T.Load(layer.Ln2G, 0);
        var b2 = T.Load(layer.Ln2B, 0);
        for (var i = 0; i < rows; i++)
        {
            var acc0 = ob;
            var acc1 = T.Zero;
            for (var c = 0; c < D; c += 2)
            {
                acc0 = T.Fma(T.Splat(a[(i * D) + c]), T.Load(ow, c * D), acc0);
                acc1 = T.Fma(T.Splat(a[(i * D) + c + 1]), T.Load(ow, (c + 1) * D), acc1);
            }

            var hi = T.Add(T.Load(h, i * D), T.Add(acc0, acc1));
            T.Store(hi, h, i * D);
            T.Store(LayerNorm(hi, g2, b2), q, i * D);
        }

        // FFN: hidden = relu(LN2(h)·W1 + b1) (32 wide = two vectors), h += hidden·W2 + b2.
        var w1 = layer.Ff1W;
        var hid = s.Hidden;
        var (f1lo, f1hi) = (T.Load(layer.Ff1B, 0), T.Load(layer.Ff1B, D));
        for (var i = 0; i < rows; i++)
        {
            var (lo, hi) = (f1lo, f1hi);
            for (var c = 0; c < D; c++)
            {
                var x = T.Splat(q[(i * D) + c]);
                lo = T.Fma(x, T.Load(w1, c * FF), lo);
                hi = T.Fma(x, T.Load(w1, (c * FF) + D), hi);
            }

            T.Store(T.Relu(lo), hid, i * FF);
            T.Store(T.Relu(hi), hid, (i * FF) + D);
        }

        var w2 = layer.Ff2W;
        var f2b = T.Load(layer.Ff2B, 0);
        for (var i = 0; i < rows; i++)
        {
            var acc0 = f2b;
            var acc1 = T.Zero;
            for (var c = 0; c < FF; c += 2)
            {
                acc0 = T.Fma(T.Splat(hid[(i * FF) + c]), T.Load(w2, c * D), acc0);
                acc1 = T.Fma(T.Splat(hid[(i * FF) + c + 1]), T.Load(w2, (c + 1) * D), acc1);
            }

            T.Store(T.Add(T.Load(h, i * D), T.Add(acc0, acc1)), h, i * D);
        }
    }

    /// <summary><c>probs = softmax(LN_f(h)·W_head + b_head)</c> for the window's real rows.</summary>
    private void Head<T>(int n, ManagedRolesScratch s, Span<float> probabilities)
        where T : struct, IVector16<T>
    {
        var (h, a, row) = (s.H, s.A, s.Row);
        var g = T.Load(_lnfG, 0);
        var b = T.Load(_lnfB, 0);
        for (var i = 0; i < n; i++)
        {
            T.Store(LayerNorm(T.Load(h, i * D), g, b), a, i * D);
        }

        var roles = T.LaneMask(ModelArchitecture.Roles);
        var hb = T.Load(_headB, 0);
        for (var i = 0; i < n; i++)
        {
            var acc0 = hb;
            var acc1 = T.Zero;
            for (var c = 0; c < D; c += 2)
            {
                acc0 = T.Fma(T.Splat(a[(i * D) + c]), T.Load(_headW, c * D), acc0);
                acc1 = T.Fma(T.Splat(a[(i * D) + c + 1]), T.Load(_headW, (c + 1) * D), acc1);
            }

            var logits = T.Add(acc0, acc1);
            var e = T.Select(roles, T.Exp(T.Subtract(logits, T.Splat(T.MaxAcross(logits)))), T.Zero);
            T.Store(T.Multiply(e, T.Splat(1f / T.Sum(e))), row, 0);
            row.AsSpan(0, ModelArchitecture.Roles).CopyTo(probabilities.Slice(i * ModelArchitecture.Roles, ModelArchitecture.Roles));
        }
    }
}
