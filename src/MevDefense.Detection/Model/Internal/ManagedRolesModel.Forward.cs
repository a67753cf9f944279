using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MevDefense.Detection.Features;
using MevDefense.Detection.Features.Internal;

namespace MevDefense.Detection.Model.Internal;

/// <content>
/// The forward pass, written once over <see cref="IVector16{TSelf}"/> and specialised per vector width by the JIT. The
/// methods are compiled fully optimised on first use (no tiering or on-stack replacement), so the first windows are as
/// fast as the later ones and the JIT never runs (or allocates) in the middle of a steady-state call.
/// <para/>
/// Every 16→16 linear layer is <see cref="Linear16"/>: the 16 weight rows are loaded into registers once per layer and
/// each row of the input costs 16 broadcast-FMAs (two rows at a time, two accumulators each), with the epilogue (store,
/// ReLU, residual add, residual add + LayerNorm) fused in. The input projection skips zero features (exact: the skipped
/// products are zero), message passing walks a 64-bit neighbour mask per row, and attention works on 8 keys × 2 heads
/// per vector (pair-interleaved layout, see <see cref="Attention"/>).
/// </content>
internal sealed partial class ManagedRolesModel
{
    private const int F = TransactionFeatures.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward<T>(WindowTensors window, ManagedRolesScratch s, Span<float> probabilities)
        where T : struct, IVector16<T>
    {
        var n = window.Count;
        var m = ActiveRows(window);
        var poolReach = NeighbourMasks<T>(window.PoolAdjacency, 0, m, s.PoolMask);
        var linkReach = NeighbourMasks<T>(window.LinkAdjacency, 0, m, s.LinkMask);
        if (m < N && ((poolReach | linkReach) >> m) != 0)
        {
            // A real row aggregates a padded one: compute every row, as the dense graph does.
            poolReach |= NeighbourMasks<T>(window.PoolAdjacency, m, N, s.PoolMask);
            linkReach |= NeighbourMasks<T>(window.LinkAdjacency, m, N, s.LinkMask);
            m = N;
        }

        Forward<T>(ref window.Features[0], n, m, window.KeyMask, window.PoolAdjacency, window.LinkAdjacency, poolReach, linkReach, s, probabilities);
    }

    /// <summary>
    /// The seed API shape: <paramref name="n"/> (1..64) finite 128-float vectors read in place, the graph rebuilt as
    /// neighbour masks (<see cref="WindowGraph.Relations(ReadOnlySpan{float}, int, Span{ulong}, Span{ulong}, Span{ulong})"/>) whose rows weigh each neighbour <c>1 / popcount</c>, exactly
    /// the row-normalised adjacency <see cref="WindowTensors.LoadFeatures"/> would build, without the dense matrices.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardVectors<T>(ReadOnlySpan<float> features, int n, ManagedRolesScratch s, Span<float> probabilities)
        where T : struct, IVector16<T>
    {
        Debug.Assert(n is > 0 and <= N && features.Length == n * F);
        WindowGraph.Relations(features, n, s.PoolMask, s.LinkMask, s.SharedMask);
        ulong poolReach = 0, linkReach = 0;
        for (var i = 0; i < n; i++)
        {
            poolReach |= s.PoolMask[i];
            linkReach |= s.LinkMask[i];
        }

        var keyMask = s.KeyMask;
        keyMask.AsSpan(0, n).Clear();
        keyMask.AsSpan(n).Fill(WindowTensors.MaskedValue);
#pragma warning disable RS0030 // MemoryMarshal.GetReference: the caller's n x 128 vectors are read in place; every read is below row n (asserted above, see InputProjection).
        ref var first = ref MemoryMarshal.GetReference(features);
#pragma warning restore RS0030
        Forward<T>(ref first, n, n, keyMask, null, null, poolReach, linkReach, s, probabilities);
    }

    /// <summary>
    /// The forward pass over rows [0, <paramref name="m"/>) with the neighbour masks already in the scratch; the
    /// adjacency weights come from the dense matrices, or (both <see langword="null"/>) are <c>1 / popcount</c> per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward<T>(
        ref float features, int n, int m, float[] keyMask, float[]? poolAdjacency, float[]? linkAdjacency, ulong poolReach, ulong linkReach,
        ManagedRolesScratch s, Span<float> probabilities)
        where T : struct, IVector16<T>
    {
        // Only rows that some row aggregates need their pool / link projections.
        var (poolRows, linkRows) = (RowList(poolReach, s.PoolRows), RowList(linkReach, s.LinkRows));

        InputProjection<T>(ref features, m, s);
        foreach (var layer in _gnn)
        {
            Gnn<T>(layer, poolAdjacency, linkAdjacency, m, poolRows, linkRows, s);
        }

        // The last encoder layer's final residual add also applies the head's LayerNorm (into scratch A).
        var (lnfG, lnfB) = (T.Load(_lnfG, 0), T.Load(_lnfB, 0));
        for (var l = 0; l < _enc.Length; l++)
        {
            Encoder<T>(_enc[l], keyMask, m, s, l == _enc.Length - 1, lnfG, lnfB);
        }

        Head<T>(n, s, probabilities, normalized: _enc.Length > 0);
    }

    /// <summary>The indices of the set bits of <paramref name="bits"/>, ascending, into <paramref name="rows"/>; returns their count.</summary>
    private static int RowList(ulong bits, int[] rows)
    {
        var count = 0;
        for (; bits != 0; bits &= bits - 1)
        {
            rows[count++ & (N - 1)] = BitOperations.TrailingZeroCount(bits);
        }

        return count;
    }

    /// <summary>Per row in [from, to), a bit per non-zero column of <paramref name="adjacency"/>; returns the union.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong NeighbourMasks<T>(float[] adjacency, int from, int to, ulong[] masks)
        where T : struct, IVector16<T>
    {
        Debug.Assert(adjacency.Length == N * N && masks.Length == N && to <= N);
        var any = 0UL;
        for (var i = from; i < to; i++)
        {
            var at = i * N;
            var bits = T.NonZeroBits(adjacency, at) | ((ulong)T.NonZeroBits(adjacency, at + 16) << 16)
                | ((ulong)T.NonZeroBits(adjacency, at + 32) << 32) | ((ulong)T.NonZeroBits(adjacency, at + 48) << 48);
            masks[i] = bits;
            any |= bits;
        }

        return any;
    }

    /// <summary>
    /// <c>h = relu(x[:, 8:72] · W_in + b_in + pos)</c> over the feature columns that are non-zero in at least one row (the
    /// skipped products are exactly zero; reserved slots, absent one-hot classes and unused fields drop out), four rows
    /// at a time with two accumulator chains each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InputProjection<T>(ref float features, int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        // features: row 0 of at least `rows` rows of F floats (a window's array, or the caller's vectors).
        Debug.Assert(_inW.Length == ModelArchitecture.InputWidth * D && ModelArchitecture.InputWidth == 64
            && ModelArchitecture.InputOffset == 8 && _posBias.Length == N * D && s.H.Length == N * D
            && s.Columns.Length == ModelArchitecture.InputWidth && rows <= N);
        var used = 0UL;
        for (var i = 0; i < rows; i++)
        {
            // Columns 8..71 are bits 8..71 of the row's first 80 lanes.
            var row = i * F;
            used |= (T.NonZeroBits(ref features, row) >> 8) | ((ulong)T.NonZeroBits(ref features, row + 16) << 8)
                | ((ulong)T.NonZeroBits(ref features, row + 32) << 24) | ((ulong)T.NonZeroBits(ref features, row + 48) << 40)
                | ((ulong)(T.NonZeroBits(ref features, row + 64) & 0xFF) << 56);
        }

        var columns = s.Columns;
        var count = 0;
        for (; used != 0; used &= used - 1)
        {
            columns[count++] = BitOperations.TrailingZeroCount(used);
        }

        ref var w = ref _inW[0];
        ref var pos = ref _posBias[0];
#pragma warning disable RS0030 // Unsafe.Add: column 8 of row 0; rows < `rows` are in bounds (see above).
        ref var f = ref Unsafe.Add(ref features, ModelArchitecture.InputOffset);
#pragma warning restore RS0030
        ref var h0 = ref s.H[0];
        for (var i = 0; i < rows; i += 4)
        {
            var (i1, i2, i3) = (Math.Min(i + 1, rows - 1), Math.Min(i + 2, rows - 1), Math.Min(i + 3, rows - 1));
#pragma warning disable RS0030 // Unsafe.Add: row refs (rows < 64) into the features array asserted above; column indices are below 64.
            ref var x0 = ref Unsafe.Add(ref f, i * F);
            ref var x1 = ref Unsafe.Add(ref f, i1 * F);
            ref var x2 = ref Unsafe.Add(ref f, i2 * F);
            ref var x3 = ref Unsafe.Add(ref f, i3 * F);
#pragma warning restore RS0030
            var (a0, a1, a2, a3) = (T.Load(ref pos, i * D), T.Load(ref pos, i1 * D), T.Load(ref pos, i2 * D), T.Load(ref pos, i3 * D));
            T b0 = T.Zero, b1 = T.Zero, b2 = T.Zero, b3 = T.Zero;
            var k = 0;
            for (; k + 1 < count; k += 2)
            {
                var c = columns[k] & 63;
                var wc = T.Load(ref w, c * D);
                a0 = T.Fma(T.Splat(ref x0, c), wc, a0);
                a1 = T.Fma(T.Splat(ref x1, c), wc, a1);
                a2 = T.Fma(T.Splat(ref x2, c), wc, a2);
                a3 = T.Fma(T.Splat(ref x3, c), wc, a3);
                c = columns[k + 1] & 63;
                wc = T.Load(ref w, c * D);
                b0 = T.Fma(T.Splat(ref x0, c), wc, b0);
                b1 = T.Fma(T.Splat(ref x1, c), wc, b1);
                b2 = T.Fma(T.Splat(ref x2, c), wc, b2);
                b3 = T.Fma(T.Splat(ref x3, c), wc, b3);
            }

            if (k < count)
            {
                var c = columns[k] & 63;
                var wc = T.Load(ref w, c * D);
                a0 = T.Fma(T.Splat(ref x0, c), wc, a0);
                a1 = T.Fma(T.Splat(ref x1, c), wc, a1);
                a2 = T.Fma(T.Splat(ref x2, c), wc, a2);
                a3 = T.Fma(T.Splat(ref x3, c), wc, a3);
            }

            // Repeated last rows store the same value again.
            T.Store(T.Relu(T.Add(a0, b0)), ref h0, i * D);
            T.Store(T.Relu(T.Add(a1, b1)), ref h0, i1 * D);
            T.Store(T.Relu(T.Add(a2, b2)), ref h0, i2 * D);
            T.Store(T.Relu(T.Add(a3, b3)), ref h0, i3 * D);
        }
    }

    /// <summary>
    /// <c>h = h + relu([h | A_pool·h | A_link·h] · W + b)</c>, computed as <c>h·W_self + A_pool·(h·W_pool) + A_link·(h·W_link) + b</c>
    /// so each edge costs one FMA.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gnn<T>(GnnLayer layer, float[]? poolAdjacency, float[]? linkAdjacency, int rows, int poolRows, int linkRows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var (h, self, pool, link) = (s.H, s.A, s.B, s.C);
        Debug.Assert(layer.W.Length == 3 * D * D && h.Length == N * D && self.Length == N * D && pool.Length == N * D && link.Length == N * D && rows <= N);
        ref var h0 = ref h[0];
        ref var self0 = ref self[0];
        ref var pool0 = ref pool[0];
        ref var link0 = ref link[0];
        ref var none = ref s.Row[0];
        Linear16<T, StoreRow>(ref layer.W[0], D, T.Load(layer.B, 0), ref h0, D, ref self0, D, rows, ref none, T.Zero, T.Zero);
        Linear16Rows<T>(ref layer.W[D * D], ref h0, ref pool0, s.PoolRows, poolRows);
        Linear16Rows<T>(ref layer.W[2 * D * D], ref h0, ref link0, s.LinkRows, linkRows);
        var (poolMask, linkMask) = (s.PoolMask, s.LinkMask);
        if (poolAdjacency is null || linkAdjacency is null)
        {
            // Row-normalised masks: every neighbour of row i weighs 1 / popcount, as the dense rows WindowGraph writes.
            for (var i = 0; i < rows; i++)
            {
                var z = T.Add(AggregateUniform<T>(poolMask[i], ref pool0), AggregateUniform<T>(linkMask[i], ref link0));
                T.Store(T.Add(T.Load(ref h0, i * D), T.Relu(T.Add(T.Load(ref self0, i * D), z))), ref h0, i * D);
            }

            return;
        }

        for (var i = 0; i < rows; i++)
        {
            var z = T.Add(Aggregate<T>(poolAdjacency, i, poolMask[i], ref pool0), Aggregate<T>(linkAdjacency, i, linkMask[i], ref link0));
            T.Store(T.Add(T.Load(ref h0, i * D), T.Relu(T.Add(T.Load(ref self0, i * D), z))), ref h0, i * D);
        }
    }

    /// <summary>
    /// <c>sum_j x_j / popcount(mask)</c> over the columns j set in <paramref name="mask"/> (all below 64): the same FMA
    /// sequence as <see cref="Aggregate"/> over a row whose non-zero entries all hold that weight (bit-identical).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T AggregateUniform<T>(ulong mask, ref float x)
        where T : struct, IVector16<T>
    {
        T z0 = T.Zero, z1 = T.Zero;
        if (mask == 0)
        {
            return T.Add(z0, z1);
        }

        var a = T.Splat(1f / BitOperations.PopCount(mask));
        while (mask != 0)
        {
            var j = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            z0 = T.Fma(a, T.Load(ref x, j * D), z0);
            if (mask == 0)
            {
                break;
            }

            j = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            z1 = T.Fma(a, T.Load(ref x, j * D), z1);
        }

        return T.Add(z0, z1);
    }

    /// <summary><c>sum_j A[i,j] · x_j</c> over the columns j set in <paramref name="mask"/> (all below 64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Aggregate<T>(float[] adjacency, int i, ulong mask, ref float x)
        where T : struct, IVector16<T>
    {
        ref var a = ref adjacency[i * N];
        T z0 = T.Zero, z1 = T.Zero;
        while (mask != 0)
        {
            var j = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            z0 = T.Fma(T.Splat(ref a, j), T.Load(ref x, j * D), z0);
            if (mask == 0)
            {
                break;
            }

            j = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            z1 = T.Fma(T.Splat(ref a, j), T.Load(ref x, j * D), z1);
        }

        return T.Add(z0, z1);
    }

    /// <summary>
    /// <c>y_i = epilogue(x_i · W + bias)</c> for rows i in [0, rows): W is 16 rows of 16 floats at <paramref name="w"/> with
    /// row stride <paramref name="wStride"/>, held in registers for the whole loop. Rows are processed four at a time (the
    /// last group repeats its last row, whose epilogue runs once), each with two accumulator chains, so eight independent
    /// FMA chains hide the FMA latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Linear16<T, TEpilogue>(
        ref float w, int wStride, T bias, ref float x, int xStride, ref float y, int yStride, int rows, ref float y2, T gamma, T beta)
        where T : struct, IVector16<T>
        where TEpilogue : struct, IEpilogue
    {
        var (w0, w1, w2, w3) = (T.Load(ref w, 0), T.Load(ref w, wStride), T.Load(ref w, 2 * wStride), T.Load(ref w, 3 * wStride));
        var (w4, w5, w6, w7) = (T.Load(ref w, 4 * wStride), T.Load(ref w, 5 * wStride), T.Load(ref w, 6 * wStride), T.Load(ref w, 7 * wStride));
        var (w8, w9, w10, w11) = (T.Load(ref w, 8 * wStride), T.Load(ref w, 9 * wStride), T.Load(ref w, 10 * wStride), T.Load(ref w, 11 * wStride));
        var (w12, w13, w14, w15) = (T.Load(ref w, 12 * wStride), T.Load(ref w, 13 * wStride), T.Load(ref w, 14 * wStride), T.Load(ref w, 15 * wStride));
        for (var i = 0; i < rows; i += 4)
        {
            var (i1, i2, i3) = (Math.Min(i + 1, rows - 1), Math.Min(i + 2, rows - 1), Math.Min(i + 3, rows - 1));
#pragma warning disable RS0030 // Unsafe.Add: row refs (rows < 64, strides <= 48) into the fixed-size arrays asserted by the callers, so every broadcast below is one instruction with a constant displacement.
            ref var x0 = ref Unsafe.Add(ref x, i * xStride);
            ref var x1 = ref Unsafe.Add(ref x, i1 * xStride);
            ref var x2 = ref Unsafe.Add(ref x, i2 * xStride);
            ref var x3 = ref Unsafe.Add(ref x, i3 * xStride);
#pragma warning restore RS0030
            var a0 = T.Fma(T.Splat(ref x0, 0), w0, bias);
            var a1 = T.Fma(T.Splat(ref x1, 0), w0, bias);
            var a2 = T.Fma(T.Splat(ref x2, 0), w0, bias);
            var a3 = T.Fma(T.Splat(ref x3, 0), w0, bias);
            var b0 = T.Multiply(T.Splat(ref x0, 1), w1);
            var b1 = T.Multiply(T.Splat(ref x1, 1), w1);
            var b2 = T.Multiply(T.Splat(ref x2, 1), w1);
            var b3 = T.Multiply(T.Splat(ref x3, 1), w1);
            a0 = T.Fma(T.Splat(ref x0, 2), w2, a0);
            a1 = T.Fma(T.Splat(ref x1, 2), w2, a1);
            a2 = T.Fma(T.Splat(ref x2, 2), w2, a2);
            a3 = T.Fma(T.Splat(ref x3, 2), w2, a3);
            b0 = T.Fma(T.Splat(ref x0, 3), w3, b0);
            b1 = T.Fma(T.Splat(ref x1, 3), w3, b1);
            b2 = T.Fma(T.Splat(ref x2, 3), w3, b2);
            b3 = T.Fma(T.Splat(ref x3, 3), w3, b3);
            a0 = T.Fma(T.Splat(ref x0, 4), w4, a0);
            a1 = T.Fma(T.Splat(ref x1, 4), w4, a1);
            a2 = T.Fma(T.Splat(ref x2, 4), w4, a2);
            a3 = T.Fma(T.Splat(ref x3, 4), w4, a3);
            b0 = T.Fma(T.Splat(ref x0, 5), w5, b0);
            b1 = T.Fma(T.Splat(ref x1, 5), w5, b1);
            b2 = T.Fma(T.Splat(ref x2, 5), w5, b2);
            b3 = T.Fma(T.Splat(ref x3, 5), w5, b3);
            a0 = T.Fma(T.Splat(ref x0, 6), w6, a0);
            a1 = T.Fma(T.Splat(ref x1, 6), w6, a1);
            a2 = T.Fma(T.Splat(ref x2, 6), w6, a2);
            a3 = T.Fma(T.Splat(ref x3, 6), w6, a3);
            b0 = T.Fma(T.Splat(ref x0, 7), w7, b0);
            b1 = T.Fma(T.Splat(ref x1, 7), w7, b1);
            b2 = T.Fma(T.Splat(ref x2, 7), w7, b2);
            b3 = T.Fma(T.Splat(ref x3, 7), w7, b3);
            a0 = T.Fma(T.Splat(ref x0, 8), w8, a0);
            a1 = T.Fma(T.Splat(ref x1, 8), w8, a1);
            a2 = T.Fma(T.Splat(ref x2, 8), w8, a2);
            a3 = T.Fma(T.Splat(ref x3, 8), w8, a3);
            b0 = T.Fma(T.Splat(ref x0, 9), w9, b0);
            b1 = T.Fma(T.Splat(ref x1, 9), w9, b1);
            b2 = T.Fma(T.Splat(ref x2, 9), w9, b2);
            b3 = T.Fma(T.Splat(ref x3, 9), w9, b3);
            a0 = T.Fma(T.Splat(ref x0, 10), w10, a0);
            a1 = T.Fma(T.Splat(ref x1, 10), w10, a1);
            a2 = T.Fma(T.Splat(ref x2, 10), w10, a2);
            a3 = T.Fma(T.Splat(ref x3, 10), w10, a3);
            b0 = T.Fma(T.Splat(ref x0, 11), w11, b0);
            b1 = T.Fma(T.Splat(ref x1, 11), w11, b1);
            b2 = T.Fma(T.Splat(ref x2, 11), w11, b2);
            b3 = T.Fma(T.Splat(ref x3, 11), w11, b3);
            a0 = T.Fma(T.Splat(ref x0, 12), w12, a0);
            a1 = T.Fma(T.Splat(ref x1, 12), w12, a1);
            a2 = T.Fma(T.Splat(ref x2, 12), w12, a2);
            a3 = T.Fma(T.Splat(ref x3, 12), w12, a3);
            b0 = T.Fma(T.Splat(ref x0, 13), w13, b0);
            b1 = T.Fma(T.Splat(ref x1, 13), w13, b1);
            b2 = T.Fma(T.Splat(ref x2, 13), w13, b2);
            b3 = T.Fma(T.Splat(ref x3, 13), w13, b3);
            a0 = T.Fma(T.Splat(ref x0, 14), w14, a0);
            a1 = T.Fma(T.Splat(ref x1, 14), w14, a1);
            a2 = T.Fma(T.Splat(ref x2, 14), w14, a2);
            a3 = T.Fma(T.Splat(ref x3, 14), w14, a3);
            b0 = T.Fma(T.Splat(ref x0, 15), w15, b0);
            b1 = T.Fma(T.Splat(ref x1, 15), w15, b1);
            b2 = T.Fma(T.Splat(ref x2, 15), w15, b2);
            b3 = T.Fma(T.Splat(ref x3, 15), w15, b3);
            TEpilogue.Apply(T.Add(a0, b0), ref y, i * yStride, ref y2, i * D, gamma, beta);
            if (i1 != i)
            {
                TEpilogue.Apply(T.Add(a1, b1), ref y, i1 * yStride, ref y2, i1 * D, gamma, beta);
            }

            if (i2 != i1)
            {
                TEpilogue.Apply(T.Add(a2, b2), ref y, i2 * yStride, ref y2, i2 * D, gamma, beta);
            }

            if (i3 != i2)
            {
                TEpilogue.Apply(T.Add(a3, b3), ref y, i3 * yStride, ref y2, i3 * D, gamma, beta);
            }
        }
    }

    /// <summary>
    /// <c>y_r = x_r · W</c> (no bias) for the <paramref name="count"/> rows listed in <paramref name="rows"/>, 16-float rows
    /// in x and y; otherwise as <see cref="Linear16"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Linear16Rows<T>(ref float w, ref float x, ref float y, int[] rows, int count)
        where T : struct, IVector16<T>
    {
        Debug.Assert(rows.Length == N && count <= N);
        var (w0, w1, w2, w3) = (T.Load(ref w, 0), T.Load(ref w, D), T.Load(ref w, 2 * D), T.Load(ref w, 3 * D));
        var (w4, w5, w6, w7) = (T.Load(ref w, 4 * D), T.Load(ref w, 5 * D), T.Load(ref w, 6 * D), T.Load(ref w, 7 * D));
        var (w8, w9, w10, w11) = (T.Load(ref w, 8 * D), T.Load(ref w, 9 * D), T.Load(ref w, 10 * D), T.Load(ref w, 11 * D));
        var (w12, w13, w14, w15) = (T.Load(ref w, 12 * D), T.Load(ref w, 13 * D), T.Load(ref w, 14 * D), T.Load(ref w, 15 * D));
        for (var k = 0; k < count; k += 4)
        {
            var r0 = rows[k] & (N - 1);
            var r1 = rows[Math.Min(k + 1, count - 1)] & (N - 1);
            var r2 = rows[Math.Min(k + 2, count - 1)] & (N - 1);
            var r3 = rows[Math.Min(k + 3, count - 1)] & (N - 1);
#pragma warning disable RS0030 // Unsafe.Add: row refs (row indices masked below 64) into the fixed-size scratch arrays asserted by the callers.
            ref var x0 = ref Unsafe.Add(ref x, r0 * D);
            ref var x1 = ref Unsafe.Add(ref x, r1 * D);
            ref var x2 = ref Unsafe.Add(ref x, r2 * D);
            ref var x3 = ref Unsafe.Add(ref x, r3 * D);
#pragma warning restore RS0030
            var a0 = T.Multiply(T.Splat(ref x0, 0), w0);
            var a1 = T.Multiply(T.Splat(ref x1, 0), w0);
            var a2 = T.Multiply(T.Splat(ref x2, 0), w0);
            var a3 = T.Multiply(T.Splat(ref x3, 0), w0);
            var b0 = T.Multiply(T.Splat(ref x0, 1), w1);
            var b1 = T.Multiply(T.Splat(ref x1, 1), w1);
            var b2 = T.Multiply(T.Splat(ref x2, 1), w1);
            var b3 = T.Multiply(T.Splat(ref x3, 1), w1);
            a0 = T.Fma(T.Splat(ref x0, 2), w2, a0);
            a1 = T.Fma(T.Splat(ref x1, 2), w2, a1);
            a2 = T.Fma(T.Splat(ref x2, 2), w2, a2);
            a3 = T.Fma(T.Splat(ref x3, 2), w2, a3);
            b0 = T.Fma(T.Splat(ref x0, 3), w3, b0);
            b1 = T.Fma(T.Splat(ref x1, 3), w3, b1);
            b2 = T.Fma(T.Splat(ref x2, 3), w3, b2);
            b3 = T.Fma(T.Splat(ref x3, 3), w3, b3);
            a0 = T.Fma(T.Splat(ref x0, 4), w4, a0);
            a1 = T.Fma(T.Splat(ref x1, 4), w4, a1);
            a2 = T.Fma(T.Splat(ref x2, 4), w4, a2);
            a3 = T.Fma(T.Splat(ref x3, 4), w4, a3);
            b0 = T.Fma(T.Splat(ref x0, 5), w5, b0);
            b1 = T.Fma(T.Splat(ref x1, 5), w5, b1);
            b2 = T.Fma(T.Splat(ref x2, 5), w5, b2);
            b3 = T.Fma(T.Splat(ref x3, 5), w5, b3);
            a0 = T.Fma(T.Splat(ref x0, 6), w6, a0);
            a1 = T.Fma(T.Splat(ref x1, 6), w6, a1);
            a2 = T.Fma(T.Splat(ref x2, 6), w6, a2);
            a3 = T.Fma(T.Splat(ref x3, 6), w6, a3);
            b0 = T.Fma(T.Splat(ref x0, 7), w7, b0);
            b1 = T.Fma(T.Splat(ref x1, 7), w7, b1);
            b2 = T.Fma(T.Splat(ref x2, 7), w7, b2);
            b3 = T.Fma(T.Splat(ref x3, 7), w7, b3);
            a0 = T.Fma(T.Splat(ref x0, 8), w8, a0);
            a1 = T.Fma(T.Splat(ref x1, 8), w8, a1);
            a2 = T.Fma(T.Splat(ref x2, 8), w8, a2);
            a3 = T.Fma(T.Splat(ref x3, 8), w8, a3);
            b0 = T.Fma(T.Splat(ref x0, 9), w9, b0);
            b1 = T.Fma(T.Splat(ref x1, 9), w9, b1);
            b2 = T.Fma(T.Splat(ref x2, 9), w9, b2);
            b3 = T.Fma(T.Splat(ref x3, 9), w9, b3);
            a0 = T.Fma(T.Splat(ref x0, 10), w10, a0);
            a1 = T.Fma(T.Splat(ref x1, 10), w10, a1);
            a2 = T.Fma(T.Splat(ref x2, 10), w10, a2);
            a3 = T.Fma(T.Splat(ref x3, 10), w10, a3);
            b0 = T.Fma(T.Splat(ref x0, 11), w11, b0);
            b1 = T.Fma(T.Splat(ref x1, 11), w11, b1);
            b2 = T.Fma(T.Splat(ref x2, 11), w11, b2);
            b3 = T.Fma(T.Splat(ref x3, 11), w11, b3);
            a0 = T.Fma(T.Splat(ref x0, 12), w12, a0);
            a1 = T.Fma(T.Splat(ref x1, 12), w12, a1);
            a2 = T.Fma(T.Splat(ref x2, 12), w12, a2);
            a3 = T.Fma(T.Splat(ref x3, 12), w12, a3);
            b0 = T.Fma(T.Splat(ref x0, 13), w13, b0);
            b1 = T.Fma(T.Splat(ref x1, 13), w13, b1);
            b2 = T.Fma(T.Splat(ref x2, 13), w13, b2);
            b3 = T.Fma(T.Splat(ref x3, 13), w13, b3);
            a0 = T.Fma(T.Splat(ref x0, 14), w14, a0);
            a1 = T.Fma(T.Splat(ref x1, 14), w14, a1);
            a2 = T.Fma(T.Splat(ref x2, 14), w14, a2);
            a3 = T.Fma(T.Splat(ref x3, 14), w14, a3);
            b0 = T.Fma(T.Splat(ref x0, 15), w15, b0);
            b1 = T.Fma(T.Splat(ref x1, 15), w15, b1);
            b2 = T.Fma(T.Splat(ref x2, 15), w15, b2);
            b3 = T.Fma(T.Splat(ref x3, 15), w15, b3);

            // Repeated last rows store the same value again.
            T.Store(T.Add(a0, b0), ref y, r0 * D);
            T.Store(T.Add(a1, b1), ref y, r1 * D);
            T.Store(T.Add(a2, b2), ref y, r2 * D);
            T.Store(T.Add(a3, b3), ref y, r3 * D);
        }
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
    /// stays within the JIT's inlining budget.
    /// </summary>
    private static void Encoder<T>(EncoderLayer layer, float[] keyMask, int rows, ManagedRolesScratch s, bool last, T lnfG, T lnfB)
        where T : struct, IVector16<T>
    {
        Debug.Assert(s.H.Length == N * D && s.A.Length == N * D && s.B.Length == N * D && s.C.Length == N * D && s.V.Length == N * D
            && s.KeysX.Length == N * D && s.ValuesX.Length == N * D && s.Hidden.Length == N * FF && s.KeyAdd.Length == 8 * 16
            && s.Scores.Length == 2 * 8 * 16 && layer.QkvW.Length == 3 * D * D && layer.OW.Length == D * D
            && layer.Ff1W.Length == D * FF && layer.Ff2W.Length == FF * D && keyMask.Length == N && rows <= N);
        Project<T>(layer, keyMask, rows, s);
        Attention<T>(rows, s);
        FeedForward<T>(layer, rows, s, last, lnfG, lnfB);
    }

    /// <summary>LN1, then queries, keys and values (pair-interleaved rows), keys and values regrouped by blocks of 8, and the additive key mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Project<T>(EncoderLayer layer, float[] keyMask, int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        ref var h0 = ref s.H[0];
        ref var a0 = ref s.A[0];
        ref var q0 = ref s.B[0];
        ref var k0 = ref s.C[0];
        ref var v0 = ref s.V[0];
        ref var none = ref s.Row[0];
        var g1 = T.Load(layer.Ln1G, 0);
        var beta1 = T.Load(layer.Ln1B, 0);
        for (var i = 0; i < rows; i++)
        {
            T.Store(LayerNorm(T.Load(ref h0, i * D), g1, beta1), ref a0, i * D);
        }

        Linear16<T, StoreRow>(ref layer.QkvW[0], 3 * D, T.Load(layer.QkvB, 0), ref a0, D, ref q0, D, rows, ref none, T.Zero, T.Zero);
        Linear16<T, StoreRow>(ref layer.QkvW[D], 3 * D, T.Load(layer.QkvB, D), ref a0, D, ref k0, D, rows, ref none, T.Zero, T.Zero);
        Linear16<T, StoreRow>(ref layer.QkvW[2 * D], 3 * D, T.Load(layer.QkvB, 2 * D), ref a0, D, ref v0, D, rows, ref none, T.Zero, T.Zero);

        // Rows past the active ones inside the last block are zero keys and values with a PaddingLogit mask, whose
        // exponential (clamped, 4.5e-38) weighs nothing next to the maximum's 1.
        var blocks = (rows + 7) >> 3;
        for (var j = rows; j < blocks * 8; j++)
        {
            T.Store(T.Zero, ref k0, j * D);
            T.Store(T.Zero, ref v0, j * D);
        }

        var keyAdd = s.KeyAdd;
        for (var b = 0; b < blocks; b++)
        {
            T.TransposePairs8(ref s.C[b * 8 * D], ref s.KeysX[b * 8 * D]);
            T.TransposePairs8(ref s.V[b * 8 * D], ref s.ValuesX[b * 8 * D]);
            for (var l = 0; l < 8; l++)
            {
                var j = (b * 8) + l;
                keyAdd[(b * 16) + (2 * l)] = keyAdd[(b * 16) + (2 * l) + 1] = j < rows ? keyMask[j] * Log2E : PaddingLogit;
            }
        }
    }

    /// <summary>
    /// Per query: scores, softmax and the weighted values for both heads at once. A vector holds 8 keys × 2 heads (pair l
    /// = key 8b + l, head 0 in the even lane, head 1 in the odd), because queries, keys and values are pair-interleaved
    /// (see <see cref="Interleaved"/>): a broadcast query pair times a key block row accumulates both heads' scores, the
    /// softmax max and sum reduce the pairs with the heads kept apart (scores are in log2 units, see <see cref="Log2E"/>,
    /// so the numerators are <c>2^(s - max)</c>), and the output comes out pair-interleaved (W_o's
    /// rows are permuted to match). Two queries go through each loop together (an odd last query is paired with itself),
    /// so their exponentials and FMA chains interleave.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Attention<T>(int rows, ManagedRolesScratch s)
        where T : struct, IVector16<T>
    {
        var blocks = (rows + 7) >> 3;
        ref var q = ref s.B[0];
        ref var kx = ref s.KeysX[0];
        ref var vx = ref s.ValuesX[0];
        ref var keyAdd = ref s.KeyAdd[0];
        ref var scores = ref s.Scores[0];
        ref var o = ref s.A[0];
        var lowest = T.Splat(float.NegativeInfinity);
        var one = T.Splat(1f);
        for (var i = 0; i < rows; i += 2)
        {
            var j = Math.Min(i + 1, rows - 1);
#pragma warning disable RS0030 // Unsafe.Add: row and block refs into the fixed-size scratch arrays (i, j < 64, b < 8), so the loads below take constant displacements.
            ref var qi = ref Unsafe.Add(ref q, i * D);
            ref var qj = ref Unsafe.Add(ref q, j * D);
#pragma warning restore RS0030
            var (c0, c1, c2, c3) = (T.SplatPair(ref qi, 0), T.SplatPair(ref qi, 2), T.SplatPair(ref qi, 4), T.SplatPair(ref qi, 6));
            var (c4, c5, c6, c7) = (T.SplatPair(ref qi, 8), T.SplatPair(ref qi, 10), T.SplatPair(ref qi, 12), T.SplatPair(ref qi, 14));
            var (d0, d1, d2, d3) = (T.SplatPair(ref qj, 0), T.SplatPair(ref qj, 2), T.SplatPair(ref qj, 4), T.SplatPair(ref qj, 6));
            var (d4, d5, d6, d7) = (T.SplatPair(ref qj, 8), T.SplatPair(ref qj, 10), T.SplatPair(ref qj, 12), T.SplatPair(ref qj, 14));
            var (maxI, maxJ) = (lowest, lowest);
            for (var b = 0; b < blocks; b++)
            {
#pragma warning disable RS0030 // See above.
                ref var k = ref Unsafe.Add(ref kx, b * 8 * D);
#pragma warning restore RS0030
                var mask = T.Load(ref keyAdd, b * 16);
                var (k0, k1, k2, k3) = (T.Load(ref k, 0), T.Load(ref k, 16), T.Load(ref k, 32), T.Load(ref k, 48));
                var si = T.Fma(c0, k0, mask);
                var sj = T.Fma(d0, k0, mask);
                var ti = T.Multiply(c1, k1);
                var tj = T.Multiply(d1, k1);
                si = T.Fma(c2, k2, si);
                sj = T.Fma(d2, k2, sj);
                ti = T.Fma(c3, k3, ti);
                tj = T.Fma(d3, k3, tj);
                (k0, k1, k2, k3) = (T.Load(ref k, 64), T.Load(ref k, 80), T.Load(ref k, 96), T.Load(ref k, 112));
                si = T.Fma(c4, k0, si);
                sj = T.Fma(d4, k0, sj);
                ti = T.Fma(c5, k1, ti);
                tj = T.Fma(d5, k1, tj);
                si = T.Fma(c6, k2, si);
                sj = T.Fma(d6, k2, sj);
                ti = T.Fma(c7, k3, ti);
                tj = T.Fma(d7, k3, tj);
                (si, sj) = (T.Add(si, ti), T.Add(sj, tj));
                T.Store(si, ref scores, b * 16);
                T.Store(sj, ref scores, 128 + (b * 16));
                (maxI, maxJ) = (T.Max(maxI, si), T.Max(maxJ, sj));
            }

            (maxI, maxJ) = (T.PairMax(maxI), T.PairMax(maxJ));
            T sumI = T.Zero, u0 = T.Zero, u1 = T.Zero, u2 = T.Zero, u3 = T.Zero, u4 = T.Zero, u5 = T.Zero, u6 = T.Zero, u7 = T.Zero;
            T sumJ = T.Zero, v0 = T.Zero, v1 = T.Zero, v2 = T.Zero, v3 = T.Zero, v4 = T.Zero, v5 = T.Zero, v6 = T.Zero, v7 = T.Zero;
            for (var b = 0; b < blocks; b++)
            {
                var ei = T.Exp2NonPositive(T.Subtract(T.Load(ref scores, b * 16), maxI));
                var ej = T.Exp2NonPositive(T.Subtract(T.Load(ref scores, 128 + (b * 16)), maxJ));
                (sumI, sumJ) = (T.Add(sumI, ei), T.Add(sumJ, ej));
#pragma warning disable RS0030 // See above.
                ref var v = ref Unsafe.Add(ref vx, b * 8 * D);
#pragma warning restore RS0030
                var x = T.Load(ref v, 0);
                (u0, v0) = (T.Fma(x, ei, u0), T.Fma(x, ej, v0));
                x = T.Load(ref v, 16);
                (u1, v1) = (T.Fma(x, ei, u1), T.Fma(x, ej, v1));
                x = T.Load(ref v, 32);
                (u2, v2) = (T.Fma(x, ei, u2), T.Fma(x, ej, v2));
                x = T.Load(ref v, 48);
                (u3, v3) = (T.Fma(x, ei, u3), T.Fma(x, ej, v3));
                x = T.Load(ref v, 64);
                (u4, v4) = (T.Fma(x, ei, u4), T.Fma(x, ej, v4));
                x = T.Load(ref v, 80);
                (u5, v5) = (T.Fma(x, ei, u5), T.Fma(x, ej, v5));
                x = T.Load(ref v, 96);
                (u6, v6) = (T.Fma(x, ei, u6), T.Fma(x, ej, v6));
                x = T.Load(ref v, 112);
                (u7, v7) = (T.Fma(x, ei, u7), T.Fma(x, ej, v7));
            }

            // Pair c of the tree is (sum of u_c's even lanes, sum of its odd lanes) = output dimensions (c, 8 + c).
            var totalI = T.PairHalfSums(
                T.PairHalfSums(T.PairHalfSums(u0, u1), T.PairHalfSums(u2, u3)),
                T.PairHalfSums(T.PairHalfSums(u4, u5), T.PairHalfSums(u6, u7)));
            var totalJ = T.PairHalfSums(
                T.PairHalfSums(T.PairHalfSums(v0, v1), T.PairHalfSums(v2, v3)),
                T.PairHalfSums(T.PairHalfSums(v4, v5), T.PairHalfSums(v6, v7)));
            var inverse = T.Divide(one, T.PairSum(sumI));
            T.Store(T.Multiply(totalJ, T.Divide(one, T.PairSum(sumJ))), ref o, j * D);
            T.Store(T.Multiply(totalI, inverse), ref o, i * D);
        }
    }

    /// <summary>
    /// <c>h += o·W_o + b_o</c> and LN2, then <c>h += W2·relu(W1·LN2(h) + b1) + b2</c>; in the <paramref name="last"/> layer
    /// also <c>A = LN_f(h)</c> for the head.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FeedForward<T>(EncoderLayer layer, int rows, ManagedRolesScratch s, bool last, T lnfG, T lnfB)
        where T : struct, IVector16<T>
    {
        ref var h0 = ref s.H[0];
        ref var a0 = ref s.A[0];
        ref var n0 = ref s.B[0];
        ref var hid = ref s.Hidden[0];
        ref var none = ref s.Row[0];
        Linear16<T, AddRowThenNormalize>(
            ref layer.OW[0], D, T.Load(layer.OB, 0), ref a0, D, ref h0, D, rows, ref n0, T.Load(layer.Ln2G, 0), T.Load(layer.Ln2B, 0));
        Linear16<T, StoreRelu>(ref layer.Ff1W[0], FF, T.Load(layer.Ff1B, 0), ref n0, D, ref hid, FF, rows, ref none, T.Zero, T.Zero);
        Linear16<T, StoreRelu>(ref layer.Ff1W[D], FF, T.Load(layer.Ff1B, D), ref n0, D, ref s.Hidden[D], FF, rows, ref none, T.Zero, T.Zero);
        Linear16<T, AddRow>(ref layer.Ff2W[0], D, T.Load(layer.Ff2B, 0), ref hid, FF, ref h0, D, rows, ref none, T.Zero, T.Zero);
        if (last)
        {
            Linear16<T, AddRowThenNormalize>(ref layer.Ff2W[D * D], D, T.Zero, ref s.Hidden[D], FF, ref h0, D, rows, ref a0, lnfG, lnfB);
        }
        else
        {
            Linear16<T, AddRow>(ref layer.Ff2W[D * D], D, T.Zero, ref s.Hidden[D], FF, ref h0, D, rows, ref none, T.Zero, T.Zero);
        }
    }

    /// <summary>
    /// <c>probs = softmax(LN_f(h)·W_head + b_head)</c> for the window's real rows (LN_f already in scratch A when
    /// <paramref name="normalized"/>, as the last encoder layer leaves it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Head<T>(int n, ManagedRolesScratch s, Span<float> probabilities, bool normalized)
        where T : struct, IVector16<T>
    {
        var (h, a, logits, row) = (s.H, s.A, s.B, s.Row);
        Debug.Assert(h.Length == N * D && a.Length == N * D && logits.Length == N * D && _headW.Length == D * D && n <= N);
        ref var h0 = ref h[0];
        ref var a0 = ref a[0];
        ref var l0 = ref logits[0];
        var g = T.Load(_lnfG, 0);
        var b = T.Load(_lnfB, 0);
        for (var i = 0; !normalized && i < n; i++)
        {
            T.Store(LayerNorm(T.Load(ref h0, i * D), g, b), ref a0, i * D);
        }

        Linear16<T, StoreRow>(ref _headW[0], D, T.Load(_headB, 0), ref a0, D, ref l0, D, n, ref row[0], T.Zero, T.Zero);
        // Padding lanes (logit PaddingLogit) are zeroed by the 0/1 role mask after the clamped exponential.
        var roles = T.Select(T.LaneMask(ModelArchitecture.Roles), T.Splat(1f), T.Zero);
        for (var i = 0; i < n; i++)
        {
            var z = T.Load(ref l0, i * D);
            var e = T.Multiply(T.ExpNonPositive(T.Subtract(z, T.Splat(T.MaxAcross(z)))), roles);
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

    /// <summary>What <see cref="Linear16"/> does with each output row (a struct type argument, so it is inlined).</summary>
    private interface IEpilogue
    {
        static abstract void Apply<T>(T value, ref float y, int at, ref float y2, int at2, T gamma, T beta)
            where T : struct, IVector16<T>;
    }

    /// <summary><c>y = value</c>.</summary>
    private readonly struct StoreRow : IEpilogue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<T>(T value, ref float y, int at, ref float y2, int at2, T gamma, T beta)
            where T : struct, IVector16<T>
            => T.Store(value, ref y, at);
    }

    /// <summary><c>y = relu(value)</c>.</summary>
    private readonly struct StoreRelu : IEpilogue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<T>(T value, ref float y, int at, ref float y2, int at2, T gamma, T beta)
            where T : struct, IVector16<T>
            => T.Store(T.Relu(value), ref y, at);
    }

    /// <summary><c>y += value</c> (a residual add).</summary>
    private readonly struct AddRow : IEpilogue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<T>(T value, ref float y, int at, ref float y2, int at2, T gamma, T beta)
            where T : struct, IVector16<T>
            => T.Store(T.Add(T.Load(ref y, at), value), ref y, at);
    }

    /// <summary><c>y += value; y2 = LayerNorm(y)</c>.</summary>
    private readonly struct AddRowThenNormalize : IEpilogue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply<T>(T value, ref float y, int at, ref float y2, int at2, T gamma, T beta)
            where T : struct, IVector16<T>
        {
            var sum = T.Add(T.Load(ref y, at), value);
            T.Store(sum, ref y, at);
            T.Store(LayerNorm(sum, gamma, beta), ref y2, at2);
        }
    }
}
