using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using MevDefense.Detection.Features;

namespace MevDefense.Detection.Model.Internal;

/// <content>
/// The forward pass, written once over <see cref="IVector16{TSelf}"/> and specialised per vector width by the JIT. The
/// methods are compiled fully optimised on first use (no tiering or on-stack replacement), so the first windows are as
/// fast as the later ones and the JIT never runs (or allocates) in the middle of a steady-state call.
/// </content>
internal sealed partial class ManagedRolesModel
{
    private const int F = TransactionFeatures.Count;
    private const int HeadDim = ModelArchitecture.HeadDim;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward<T>(WindowTensors window, ManagedRolesScratch s, Span<float> probabilities)
        where T : struct, IVector16<T>
    {
        var n = window.Count;
        var m = ActiveRows(window);
        if (BuildNeighbours<T>(window.PoolAdjacency, m, s.PoolStart, s.PoolIndex, s.PoolWeight, s.PoolRowWeight) >= m
            | BuildNeighbours<T>(window.LinkAdjacency, m, s.LinkStart, s.LinkIndex, s.LinkWeight, s.LinkRowWeight) >= m)
        {
            // A real row aggregates a padded one: compute every row, as the dense graph does.
            m = N;
            BuildNeighbours<T>(window.PoolAdjacency, m, s.PoolStart, s.PoolIndex, s.PoolWeight, s.PoolRowWeight);
            BuildNeighbours<T>(window.LinkAdjacency, m, s.LinkStart, s.LinkIndex, s.LinkWeight, s.LinkRowWeight);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BuildNeighbours<T>(float[] adjacency, int rows, int[] start, int[] index, float[] weight, float[] rowWeight)
        where T : struct, IVector16<T>
    {
        var count = 0;
        var maxColumn = -1;
        for (var i = 0; i < rows; i++)
        {
            start[i] = count;
            var first = float.NaN;
            var uniform = true;
            for (var block = 0; block < N; block += 16)
            {
                var bits = T.NonZeroBits(adjacency, (i * N) + block);
                while (bits != 0)
                {
                    var j = block + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    var a = adjacency[(i * N) + j];
                    index[count] = j;
                    weight[count] = a;
                    count++;
                    maxColumn = Math.Max(maxColumn, j);
                    first = count - start[i] == 1 ? a : first;
                    uniform &= a == first;
                }
            }

            // Row-normalised adjacency (mean aggregation) has one weight per row: sum the neighbours, scale once.
            rowWeight[i] = uniform ? first : float.NaN;
        }

        start[rows] = count;
        return maxColumn;
    }

    /// <summary><c>h = relu(x[:, 8:72] · W_in + b_in + pos)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InputProjection<T>(float[] features, int rows, float[] h)
        where T : struct, IVector16<T>
    {
        Debug.Assert(_inW.Length == ModelArchitecture.InputWidth * D && _posBias.Length == N * D && h.Length == N * D && rows <= N);
        ref var w = ref _inW[0];
        ref var pos = ref _posBias[0];
        ref var h0 = ref h[0];
        for (var i = 0; i < rows; i += 2)
        {
            var j = Math.Min(i + 1, rows - 1);
            var y0 = T.Load(ref pos, i * D);
            var y1 = T.Load(ref pos, j * D);
            MatVec2(
                features.AsSpan((i * F) + ModelArchitecture.InputOffset, ModelArchitecture.InputWidth),
                features.AsSpan((j * F) + ModelArchitecture.InputOffset, ModelArchitecture.InputWidth),
                ref w, D, 0, ref y0, ref y1);
            T.Store(T.Relu(y0), ref h0, i * D);
            T.Store(T.Relu(y1), ref h0, j * D);
        }
    }

    /// <summary>
    /// <c>h = h + relu([h | A_pool·h | A_link·h] · W + b)</c>, computed as <c>h·W_self + A_pool·(h·W_pool) + A_link·(h·W_link) + b</c>
    /// so each edge costs one FMA.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gnn<T>(GnnLayer layer, int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var (h, self, pool, link) = (s.H, s.A, s.B, s.C);
        Debug.Assert(layer.W.Length == 3 * D * D && h.Length == N * D && self.Length == N * D && pool.Length == N * D && link.Length == N * D && rows <= N);
        ref var w = ref layer.W[0];
        ref var h0 = ref h[0];
        ref var self0 = ref self[0];
        ref var pool0 = ref pool[0];
        ref var link0 = ref link[0];
        var bias = T.Load(layer.B, 0);
        for (var i = 0; i < rows; i += 2)
        {
            var j = Math.Min(i + 1, rows - 1);
            var hi = h.AsSpan(i * D, D);
            var hj = h.AsSpan(j * D, D);
            var (a0, a1, p0, p1, q0, q1) = (bias, bias, T.Zero, T.Zero, T.Zero, T.Zero);
            MatVec2(hi, hj, ref w, D, 0, ref a0, ref a1);
            MatVec2(hi, hj, ref w, D, D * D, ref p0, ref p1);
            MatVec2(hi, hj, ref w, D, 2 * D * D, ref q0, ref q1);
            T.Store(a0, ref self0, i * D);
            T.Store(a1, ref self0, j * D);
            T.Store(p0, ref pool0, i * D);
            T.Store(p1, ref pool0, j * D);
            T.Store(q0, ref link0, i * D);
            T.Store(q1, ref link0, j * D);
        }

        for (var i = 0; i < rows; i++)
        {
            var z = T.Add(
                Aggregate<T>(s.PoolStart, s.PoolIndex, s.PoolWeight, s.PoolRowWeight, ref pool0, i),
                Aggregate<T>(s.LinkStart, s.LinkIndex, s.LinkWeight, s.LinkRowWeight, ref link0, i));
            T.Store(T.Add(T.Load(ref h0, i * D), T.Relu(T.Add(T.Load(ref self0, i * D), z))), ref h0, i * D);
        }
    }

    /// <summary>
    /// <c>y0 += x0 · W[:, column..column+16]</c> and <c>y1 += x1 · W[:, ...]</c> for two rows at once, so each weight row is
    /// loaded once for both (rows are processed in pairs; an odd last row is paired with itself).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MatVec2<T>(ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ref float w, int stride, int column, ref T y0, ref T y1)
        where T : struct, IVector16<T>
    {
        Debug.Assert(x0.Length == x1.Length && (x0.Length & 3) == 0);
        T e0 = y0, e1 = y1, f0 = T.Zero, f1 = T.Zero;
        x1 = x1[..x0.Length];

        // Unrolled by 4 with the offsets relative to one base, so the (constant) stride folds into the addressing.
        for (var c = 0; c < x0.Length - 3; c += 4)
        {
            var at = (c * stride) + column;
            var wa = T.Load(ref w, at);
            var wb = T.Load(ref w, at + stride);
            e0 = T.Fma(T.Splat(x0[c]), wa, e0);
            e1 = T.Fma(T.Splat(x1[c]), wa, e1);
            f0 = T.Fma(T.Splat(x0[c + 1]), wb, f0);
            f1 = T.Fma(T.Splat(x1[c + 1]), wb, f1);
            wa = T.Load(ref w, at + (2 * stride));
            wb = T.Load(ref w, at + (3 * stride));
            e0 = T.Fma(T.Splat(x0[c + 2]), wa, e0);
            e1 = T.Fma(T.Splat(x1[c + 2]), wa, e1);
            f0 = T.Fma(T.Splat(x0[c + 3]), wb, f0);
            f1 = T.Fma(T.Splat(x1[c + 3]), wb, f1);
        }

        y0 = T.Add(e0, f0);
        y1 = T.Add(e1, f1);
    }

    /// <summary>The elementwise products of the 16-key weight blocks with one row of the transposed values, summed over blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Weighted<T>(T p0, T p1, T p2, T p3, ref float values, int offset, int blocks)
        where T : struct, IVector16<T>
    {
        var t = T.Multiply(p0, T.Load(ref values, offset));
        if (blocks > 1)
        {
            t = T.Fma(p1, T.Load(ref values, offset + 16), t);
        }

        if (blocks > 2)
        {
            t = T.Fma(p2, T.Load(ref values, offset + 32), t);
        }

        if (blocks > 3)
        {
            t = T.Fma(p3, T.Load(ref values, offset + 48), t);
        }

        return t;
    }

    /// <summary><c>sum_j A[i,j] · x_j</c> over row i's neighbour list (indices below 64 by construction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Aggregate<T>(int[] start, int[] index, float[] weight, float[] rowWeight, ref float x, int i)
        where T : struct, IVector16<T>
    {
        var (from, to) = (start[i], start[i + 1]);
        var uniform = rowWeight[i];
        if (!float.IsNaN(uniform))
        {
            T s0 = T.Zero, s1 = T.Zero;
            var e = from;
            for (; e + 1 < to; e += 2)
            {
                s0 = T.Add(s0, T.Load(ref x, (int)((uint)index[e] & (N - 1)) * D));
                s1 = T.Add(s1, T.Load(ref x, (int)((uint)index[e + 1] & (N - 1)) * D));
            }

            if (e < to)
            {
                s0 = T.Add(s0, T.Load(ref x, (int)((uint)index[e] & (N - 1)) * D));
            }

            return T.Multiply(T.Splat(uniform), T.Add(s0, s1));
        }

        var z = T.Zero;
        for (var e = from; e < to; e++)
        {
            z = T.Fma(T.Splat(weight[e]), T.Load(ref x, (int)((uint)index[e] & (N - 1)) * D), z);
        }

        return z;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T LayerNorm<T>(T x, T gamma, T beta)
        where T : struct, IVector16<T>
    {
        var mean = T.Sum(x) * (1f / D);
        var d = T.Subtract(x, T.Splat(mean));
        var variance = T.Sum(T.Multiply(d, d)) * (1f / D);
        var inv = 1f / MathF.Sqrt(variance + ModelArchitecture.LayerNormEpsilon);
        return T.Fma(T.Multiply(d, T.Splat(inv)), gamma, beta);
    }

    /// <summary>
    /// One pre-norm encoder layer: <c>h += MHA(LN1(h), key_mask); h += W2·relu(W1·LN2(h))</c>. Split in stages so each
    /// stays within the JIT's inlining budget (a single method this size stops inlining the vector operations).
    /// </summary>
    private static void Encoder<T>(EncoderLayer layer, float[] keyMask, int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        Debug.Assert(s.H.Length == N * D && s.A.Length == N * D && s.B.Length == N * D && s.C.Length == N * D
            && s.KeysT.Length == D * N && s.ValuesT.Length == D * N && s.Hidden.Length == N * FF && s.KeyAdd.Length == N
            && s.Weights.Length == N * 9 * 16 && layer.QkvW.Length == 3 * D * D && layer.OW.Length == D * D
            && layer.Ff1W.Length == D * FF && layer.Ff2W.Length == FF * D && rows <= N);
        Project<T>(layer, keyMask, rows, s);
        AttentionWeights<T>(rows, s);
        AttentionValues<T>(rows, s);
        FeedForward<T>(layer, rows, s);
    }

    /// <summary>LN1, then queries (rows), keys and values (transposed), and the additive key mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Project<T>(EncoderLayer layer, float[] keyMask, int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var (h, a, q, v, kt, keys) = (s.H, s.A, s.B, s.C, s.KeysT, s.Hidden);
        ref var h0 = ref h[0];
        ref var a0r = ref a[0];
        ref var q0 = ref q[0];
        ref var v0 = ref v[0];
        ref var keys0 = ref keys[0];
        var blocks = (rows + 15) / 16;

        // LN1 for every row, then q, k, v (keys stored transposed).
        var g1 = T.Load(layer.Ln1G, 0);
        var beta1 = T.Load(layer.Ln1B, 0);
        for (var i = 0; i < rows; i++)
        {
            T.Store(LayerNorm(T.Load(ref h0, i * D), g1, beta1), ref a0r, i * D);
        }

        ref var w = ref layer.QkvW[0];
        var (bq, bk, bv) = (T.Load(layer.QkvB, 0), T.Load(layer.QkvB, D), T.Load(layer.QkvB, 2 * D));
        for (var i = 0; i < rows; i += 2)
        {
            var j = Math.Min(i + 1, rows - 1);
            var ai = a.AsSpan(i * D, D);
            var aj = a.AsSpan(j * D, D);
            var (qi, qj, ki, kj, vi, vj) = (bq, bq, bk, bk, bv, bv);
            MatVec2(ai, aj, ref w, 3 * D, 0, ref qi, ref qj);
            MatVec2(ai, aj, ref w, 3 * D, D, ref ki, ref kj);
            MatVec2(ai, aj, ref w, 3 * D, 2 * D, ref vi, ref vj);
            T.Store(qi, ref q0, i * D);
            T.Store(qj, ref q0, j * D);
            T.Store(ki, ref keys0, i * D);
            T.Store(kj, ref keys0, j * D);
            T.Store(vi, ref v0, i * D);
            T.Store(vj, ref v0, j * D);
        }

        // Keys and values transposed (dimension-major), so 16 keys load as one vector. Rows past the active ones (inside
        // the last block) are zero; their scores are PaddingLogit, whose exponential is exactly 0.
        for (var j = rows; j < blocks * 16; j++)
        {
            T.Store(T.Zero, ref keys0, j * D);
            T.Store(T.Zero, ref v0, j * D);
        }

        for (var b = 0; b < blocks; b++)
        {
            T.Transpose16(keys, b * 16 * D, kt, b * 16, N);
            T.Transpose16(v, b * 16 * D, s.ValuesT, b * 16, N);
        }

        for (var j = 0; j < blocks * 16; j++)
        {
            s.KeyAdd[j] = j < rows ? keyMask[j] : PaddingLogit;
        }
    }

    /// <summary>
    /// Per query: scores over the active keys (at most 4 blocks of 16 per head, in registers), softmax numerators, and
    /// the reciprocal of each head's sum. Row i of <see cref="ManagedRolesScratch.Weights"/>: head 0's 4 blocks, head 1's
    /// 4 blocks, then the reciprocals (lanes 0..7 head 0, 8..15 head 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AttentionWeights<T>(int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var q = s.B;
        var blocks = (rows + 15) / 16;
        ref var kt0 = ref s.KeysT[0];
        ref var weights = ref s.Weights[0];
        ref var keyAdd = ref s.KeyAdd[0];
        var padding = T.Splat(PaddingLogit);
        T m0 = T.Load(ref keyAdd, 0), m1 = padding, m2 = padding, m3 = padding;
        if (blocks > 1)
        {
            m1 = T.Load(ref keyAdd, 16);
        }

        if (blocks > 2)
        {
            m2 = T.Load(ref keyAdd, 32);
        }

        if (blocks > 3)
        {
            m3 = T.Load(ref keyAdd, 48);
        }

        // Two queries at a time share every key load (an odd last query is paired with itself).
        for (var i = 0; i < rows; i += 2)
        {
            var j = Math.Min(i + 1, rows - 1);
            var qi = q.AsSpan(i * D, D);
            var qj = q.AsSpan(j * D, D);
            var (a0, a1, a2, a3, b0, b1, b2, b3) = (m0, m1, m2, m3, m0, m1, m2, m3);
            var (c0, c1, c2, c3, d0, d1, d2, d3) = (m0, m1, m2, m3, m0, m1, m2, m3);
            for (var c = 0; c < HeadDim; c++)
            {
                var (xi, yi) = (T.Splat(qi[c]), T.Splat(qi[HeadDim + c]));
                var (xj, yj) = (T.Splat(qj[c]), T.Splat(qj[HeadDim + c]));
                var k0 = c * N;
                var k1 = (HeadDim + c) * N;
                var ka = T.Load(ref kt0, k0);
                var kb = T.Load(ref kt0, k1);
                (a0, b0, c0, d0) = (T.Fma(xi, ka, a0), T.Fma(yi, kb, b0), T.Fma(xj, ka, c0), T.Fma(yj, kb, d0));
                if (blocks > 1)
                {
                    ka = T.Load(ref kt0, k0 + 16);
                    kb = T.Load(ref kt0, k1 + 16);
                    (a1, b1, c1, d1) = (T.Fma(xi, ka, a1), T.Fma(yi, kb, b1), T.Fma(xj, ka, c1), T.Fma(yj, kb, d1));
                }

                if (blocks > 2)
                {
                    ka = T.Load(ref kt0, k0 + 32);
                    kb = T.Load(ref kt0, k1 + 32);
                    (a2, b2, c2, d2) = (T.Fma(xi, ka, a2), T.Fma(yi, kb, b2), T.Fma(xj, ka, c2), T.Fma(yj, kb, d2));
                }

                if (blocks > 3)
                {
                    ka = T.Load(ref kt0, k0 + 48);
                    kb = T.Load(ref kt0, k1 + 48);
                    (a3, b3, c3, d3) = (T.Fma(xi, ka, a3), T.Fma(yi, kb, b3), T.Fma(xj, ka, c3), T.Fma(yj, kb, d3));
                }
            }

            var (wi, wj) = (i * 9 * 16, j * 9 * 16);
            T.Store(a0, ref weights, wi);
            T.Store(a1, ref weights, wi + 16);
            T.Store(a2, ref weights, wi + 32);
            T.Store(a3, ref weights, wi + 48);
            T.Store(b0, ref weights, wi + 64);
            T.Store(b1, ref weights, wi + 80);
            T.Store(b2, ref weights, wi + 96);
            T.Store(b3, ref weights, wi + 112);
            T.Store(c0, ref weights, wj);
            T.Store(c1, ref weights, wj + 16);
            T.Store(c2, ref weights, wj + 32);
            T.Store(c3, ref weights, wj + 48);
            T.Store(d0, ref weights, wj + 64);
            T.Store(d1, ref weights, wj + 80);
            T.Store(d2, ref weights, wj + 96);
            T.Store(d3, ref weights, wj + 112);
        }

        AttentionSoftmax<T>(rows, s);
    }

    /// <summary>Turns each query's stored scores into softmax numerators and reciprocal sums (a separate loop, so the
    /// exponential's constants do not compete for registers with the score accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AttentionSoftmax<T>(int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var blocks = (rows + 15) / 16;
        var head0 = T.LaneMask(HeadDim);
        ref var weights = ref s.Weights[0];
        for (var i = 0; i < rows; i++)
        {
            var w = i * 9 * 16;
            Softmax(
                T.Load(ref weights, w), T.Load(ref weights, w + 16), T.Load(ref weights, w + 32), T.Load(ref weights, w + 48),
                T.Load(ref weights, w + 64), T.Load(ref weights, w + 80), T.Load(ref weights, w + 96), T.Load(ref weights, w + 112),
                blocks, head0, ref weights, w);
        }
    }

    /// <summary>
    /// Softmax numerators of one query's scores (head 0 in <paramref name="a0"/>..<paramref name="a3"/>, head 1 in
    /// <paramref name="b0"/>..<paramref name="b3"/>; unused blocks become 0 and padding lanes give exp(-1e30 - max) = 0),
    /// stored with the reciprocal of each head's sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Softmax<T>(T a0, T a1, T a2, T a3, T b0, T b1, T b2, T b3, int blocks, T head0, ref float weights, int w)
        where T : struct, IVector16<T>
    {
        var maxA = T.Splat(T.MaxAcross(T.Max(T.Max(a0, a1), T.Max(a2, a3))));
        var maxB = T.Splat(T.MaxAcross(T.Max(T.Max(b0, b1), T.Max(b2, b3))));
        a0 = T.Exp(T.Subtract(a0, maxA));
        b0 = T.Exp(T.Subtract(b0, maxB));
        a1 = blocks > 1 ? T.Exp(T.Subtract(a1, maxA)) : T.Zero;
        b1 = blocks > 1 ? T.Exp(T.Subtract(b1, maxB)) : T.Zero;
        a2 = blocks > 2 ? T.Exp(T.Subtract(a2, maxA)) : T.Zero;
        b2 = blocks > 2 ? T.Exp(T.Subtract(b2, maxB)) : T.Zero;
        a3 = blocks > 3 ? T.Exp(T.Subtract(a3, maxA)) : T.Zero;
        b3 = blocks > 3 ? T.Exp(T.Subtract(b3, maxB)) : T.Zero;
        var inverse = T.Select(
            head0,
            T.Splat(1f / T.Sum(T.Add(T.Add(a0, a1), T.Add(a2, a3)))),
            T.Splat(1f / T.Sum(T.Add(T.Add(b0, b1), T.Add(b2, b3)))));
        T.Store(a0, ref weights, w);
        T.Store(a1, ref weights, w + 16);
        T.Store(a2, ref weights, w + 32);
        T.Store(a3, ref weights, w + 48);
        T.Store(b0, ref weights, w + 64);
        T.Store(b1, ref weights, w + 80);
        T.Store(b2, ref weights, w + 96);
        T.Store(b3, ref weights, w + 112);
        T.Store(inverse, ref weights, w + 128);
    }

    /// <summary>
    /// Per query: <c>o[c] = sum_j p_head(c)[j] * v_j[c]</c>, as 16 weighted rows of the transposed values reduced to one
    /// vector by a transposing add tree (lane c of the result is the total of row c), times the head's reciprocal sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AttentionValues<T>(int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var blocks = (rows + 15) / 16;
        ref var vt0 = ref s.ValuesT[0];
        ref var weights = ref s.Weights[0];
        ref var out0 = ref s.A[0];
        for (var i = 0; i < rows; i++)
        {
            var w = i * 9 * 16;
            var (a0, a1, a2, a3) = (T.Load(ref weights, w), T.Load(ref weights, w + 16), T.Load(ref weights, w + 32), T.Load(ref weights, w + 48));
            var (b0, b1, b2, b3) = (T.Load(ref weights, w + 64), T.Load(ref weights, w + 80), T.Load(ref weights, w + 96), T.Load(ref weights, w + 112));
            var o = T.HalfSums(
                T.HalfSums(
                    T.HalfSums(
                        T.HalfSums(Weighted(a0, a1, a2, a3, ref vt0, 0, blocks), Weighted(a0, a1, a2, a3, ref vt0, N, blocks)),
                        T.HalfSums(Weighted(a0, a1, a2, a3, ref vt0, 2 * N, blocks), Weighted(a0, a1, a2, a3, ref vt0, 3 * N, blocks))),
                    T.HalfSums(
                        T.HalfSums(Weighted(a0, a1, a2, a3, ref vt0, 4 * N, blocks), Weighted(a0, a1, a2, a3, ref vt0, 5 * N, blocks)),
                        T.HalfSums(Weighted(a0, a1, a2, a3, ref vt0, 6 * N, blocks), Weighted(a0, a1, a2, a3, ref vt0, 7 * N, blocks)))),
                T.HalfSums(
                    T.HalfSums(
                        T.HalfSums(Weighted(b0, b1, b2, b3, ref vt0, 8 * N, blocks), Weighted(b0, b1, b2, b3, ref vt0, 9 * N, blocks)),
                        T.HalfSums(Weighted(b0, b1, b2, b3, ref vt0, 10 * N, blocks), Weighted(b0, b1, b2, b3, ref vt0, 11 * N, blocks))),
                    T.HalfSums(
                        T.HalfSums(Weighted(b0, b1, b2, b3, ref vt0, 12 * N, blocks), Weighted(b0, b1, b2, b3, ref vt0, 13 * N, blocks)),
                        T.HalfSums(Weighted(b0, b1, b2, b3, ref vt0, 14 * N, blocks), Weighted(b0, b1, b2, b3, ref vt0, 15 * N, blocks)))));
            T.Store(T.Multiply(o, T.Load(ref weights, w + 128)), ref out0, i * D);
        }
    }

    /// <summary><c>h += o·W_o + b_o</c>, then <c>h += W2·relu(W1·LN2(h) + b1) + b2</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FeedForward<T>(EncoderLayer layer, int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var (h, a, q) = (s.H, s.A, s.B);
        ref var h0 = ref h[0];
        ref var q0 = ref q[0];

        // h += o·W_o + b_o, then LN2 into q.
        ref var ow = ref layer.OW[0];
        var ob = T.Load(layer.OB, 0);
        var g2 = T.Load(layer.Ln2G, 0);
        var beta2 = T.Load(layer.Ln2B, 0);
        for (var i = 0; i < rows; i += 2)
        {
            var j = Math.Min(i + 1, rows - 1);
            var (y0, y1) = (ob, ob);
            MatVec2(a.AsSpan(i * D, D), a.AsSpan(j * D, D), ref ow, D, 0, ref y0, ref y1);
            var hi = T.Add(T.Load(ref h0, i * D), y0);
            var hj = T.Add(T.Load(ref h0, j * D), y1);
            T.Store(hi, ref h0, i * D);
            T.Store(hj, ref h0, j * D);
            T.Store(LayerNorm(hi, g2, beta2), ref q0, i * D);
            T.Store(LayerNorm(hj, g2, beta2), ref q0, j * D);
        }

        // FFN: hidden = relu(LN2(h)·W1 + b1) (32 wide = two vectors), h += hidden·W2 + b2.
        ref var w1 = ref layer.Ff1W[0];
        var hid = s.Hidden;
        ref var hid0 = ref hid[0];
        var (f1lo, f1hi) = (T.Load(layer.Ff1B, 0), T.Load(layer.Ff1B, D));
        for (var i = 0; i < rows; i += 2)
        {
            var j = Math.Min(i + 1, rows - 1);
            var xi = q.AsSpan(i * D, D);
            var xj = q.AsSpan(j * D, D);
            var (lo0, lo1, hi0, hi1) = (f1lo, f1lo, f1hi, f1hi);
            MatVec2(xi, xj, ref w1, FF, 0, ref lo0, ref lo1);
            MatVec2(xi, xj, ref w1, FF, D, ref hi0, ref hi1);
            T.Store(T.Relu(lo0), ref hid0, i * FF);
            T.Store(T.Relu(hi0), ref hid0, (i * FF) + D);
            T.Store(T.Relu(lo1), ref hid0, j * FF);
            T.Store(T.Relu(hi1), ref hid0, (j * FF) + D);
        }

        ref var w2 = ref layer.Ff2W[0];
        var f2b = T.Load(layer.Ff2B, 0);
        for (var i = 0; i < rows; i += 2)
        {
            var j = Math.Min(i + 1, rows - 1);
            var (y0, y1) = (f2b, f2b);
            MatVec2(hid.AsSpan(i * FF, FF), hid.AsSpan(j * FF, FF), ref w2, D, 0, ref y0, ref y1);
            var (hi, hj) = (T.Add(T.Load(ref h0, i * D), y0), T.Add(T.Load(ref h0, j * D), y1)); // both loaded before either store (j may be i)
            T.Store(hi, ref h0, i * D);
            T.Store(hj, ref h0, j * D);
        }
    }

    /// <summary><c>probs = softmax(LN_f(h)·W_head + b_head)</c> for the window's real rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Head<T>(int n, ManagedRolesScratch s, Span<float> probabilities)
        where T : struct, IVector16<T>
    {
        var (h, a, row) = (s.H, s.A, s.Row);
        Debug.Assert(h.Length == N * D && a.Length == N * D && _headW.Length == D * D && n <= N);
        ref var h0 = ref h[0];
        ref var a0 = ref a[0];
        ref var hw = ref _headW[0];
        var g = T.Load(_lnfG, 0);
        var b = T.Load(_lnfB, 0);
        for (var i = 0; i < n; i++)
        {
            T.Store(LayerNorm(T.Load(ref h0, i * D), g, b), ref a0, i * D);
        }

        var roles = T.LaneMask(ModelArchitecture.Roles);
        var hb = T.Load(_headB, 0);
        for (var i = 0; i < n; i++)
        {
            var ai = a.AsSpan(i * D, D);
            var acc0 = hb;
            var acc1 = T.Zero;
            for (var c = 0; c < ai.Length - 1; c += 2)
            {
                acc0 = T.Fma(T.Splat(ai[c]), T.Load(ref hw, c * D), acc0);
                acc1 = T.Fma(T.Splat(ai[c + 1]), T.Load(ref hw, (c + 1) * D), acc1);
            }

            var logits = T.Add(acc0, acc1);
            var e = T.Select(roles, T.Exp(T.Subtract(logits, T.Splat(T.MaxAcross(logits)))), T.Zero);
            var p = T.Multiply(e, T.Splat(1f / T.Sum(e)));
            var at = i * ModelArchitecture.Roles;
            if (at + D <= n * ModelArchitecture.Roles)
            {
                // Lanes 5..15 land on the next rows' places, which are written afterwards.
                T.Store(p, probabilities[at..]);
            }
            else
            {
                T.Store(p, row, 0);
                row.AsSpan(0, ModelArchitecture.Roles).CopyTo(probabilities.Slice(at, ModelArchitecture.Roles));
            }
        }
    }
}
