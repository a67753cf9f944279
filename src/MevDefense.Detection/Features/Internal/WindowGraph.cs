using System.Diagnostics;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace MevDefense.Detection.Features.Internal;

/// <summary>
/// Builds the two adjacency matrices and the key mask of a window from the identity slots of its features, and keeps
/// the pairwise relations (same pool, linked, shared token account) for the relational features.
/// <para/>
/// The identity slots are copied once into six column vectors; each row with some id then compares its ids against 16
/// (<see cref="Vector512{T}"/>) or 8 (<see cref="Vector256{T}"/>) other transactions per compare and gets a 64-bit
/// neighbour mask per relation, so only the (few) edges are written. All three relations are symmetric ("the two transactions share a non-zero id in these
/// slots"), so only the later transactions are compared and the masks are mirrored.
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
        var mask = w.KeyMask;
        mask.AsSpan(0, n).Clear();
        mask.AsSpan(n).Fill(WindowTensors.MaskedValue);
        Span<ulong> poolRows = stackalloc ulong[N];
        Span<ulong> linkRows = stackalloc ulong[N];
        Span<ulong> sharedRows = stackalloc ulong[N];
        Relations(features.AsSpan(0, n * F), n, poolRows, linkRows, sharedRows);
        for (var i = 0; i < n; i++)
        {
            Write(pool, samePool, i, poolRows[i]);
            Write(link, linked, i, linkRows[i]);
            for (var bits = sharedRows[i]; bits != 0; bits &= bits - 1)
            {
                shared[(i * N) + BitOperations.TrailingZeroCount(bits)] = true;
            }
        }
    }

    /// <summary>
    /// The symmetric neighbour masks of <paramref name="n"/> transactions given as row-major 128-float vectors: per row i,
    /// bit j set when i and j (j != i, both below n) share a pool, are linked, or share a token account. Rows at and after
    /// <paramref name="n"/> are not written. The adjacency rows <see cref="Build"/> writes are these masks with weight
    /// <c>1 / popcount</c>; the managed engine uses the masks directly.
    /// </summary>
    public static void Relations(ReadOnlySpan<float> features, int n, Span<ulong> poolRows, Span<ulong> linkRows, Span<ulong> sharedRows)
        => Relations(features, n, poolRows, linkRows, sharedRows, Vector512.IsHardwareAccelerated);

    /// <summary><see cref="Relations(ReadOnlySpan{float}, int, Span{ulong}, Span{ulong}, Span{ulong})"/> with 16-id (<paramref name="wide"/>) or 8-id blocks (tests run both).</summary>
    internal static void Relations(ReadOnlySpan<float> features, int n, Span<ulong> poolRows, Span<ulong> linkRows, Span<ulong> sharedRows, bool wide)
    {
        Debug.Assert(n <= N && features.Length >= n * F && poolRows.Length >= n && linkRows.Length >= n && sharedRows.Length >= n);

        // Columns of ids, padded with zeros (an absent id never matches).
        Span<int> pool1 = stackalloc int[N];
        Span<int> pool2 = stackalloc int[N];
        Span<int> signer = stackalloc int[N];
        Span<int> transfer = stackalloc int[N];
        Span<int> source = stackalloc int[N];
        Span<int> destination = stackalloc int[N];
        var padFrom = n & ~15; // blocks of up to 16 ids are read; ids past n are masked off anyway
        pool1[padFrom..].Clear();
        pool2[padFrom..].Clear();
        signer[padFrom..].Clear();
        transfer[padFrom..].Clear();
        source[padFrom..].Clear();
        destination[padFrom..].Clear();
        for (var i = 0; i < n; i++)
        {
            var row = features.Slice(i * F, FeatureLayout.IdentitySlots);
            pool1[i] = (int)row[FeatureLayout.PoolId];
            pool2[i] = (int)row[FeatureLayout.LastPoolId];
            signer[i] = (int)row[FeatureLayout.SignerId];
            transfer[i] = (int)row[FeatureLayout.TransferDestinationId];
            source[i] = (int)row[FeatureLayout.SourceAccountId];
            destination[i] = (int)row[FeatureLayout.DestinationAccountId];
        }

        // Upper triangle first (j > i, from the block holding i + 1 on), then mirrored: the relations are symmetric.
        var valid = n == N ? ulong.MaxValue : (1UL << n) - 1;
        for (var i = 0; i < n; i++)
        {
            ulong poolBits = 0, linkBits = 0, sharedBits = 0;

            // A zero (absent) id on the row side matches nothing: its terms are masked off, and a row without any id
            // (votes, plain transfers, caller vectors without identities) has no edge to a later row.
            if ((pool1[i] | pool2[i] | signer[i] | transfer[i] | source[i] | destination[i]) != 0)
            {
                if (wide)
                {
                    Row512(i, n, pool1, pool2, signer, transfer, source, destination, ref poolBits, ref linkBits, ref sharedBits);
                }
                else
                {
                    Row256(i, n, pool1, pool2, signer, transfer, source, destination, ref poolBits, ref linkBits, ref sharedBits);
                }
            }

            // Only later, real transactions (no self pairs).
            var later = i == N - 1 ? 0 : valid & (ulong.MaxValue << (i + 1));
            poolRows[i] = poolBits & later;
            linkRows[i] = linkBits & later;
            sharedRows[i] = sharedBits & later;
        }

        Mirror(poolRows[..n]);
        Mirror(linkRows[..n]);
        Mirror(sharedRows[..n]);
    }

    /// <summary>
    /// Row <paramref name="i"/> against the 8-id blocks from the one holding <c>i + 1</c> on: bit j of each mask is set when
    /// the relation holds between i and j (bits at or below i, and at or after n, are masked off by the caller).
    /// </summary>
    private static void Row256(
        int i, int n, Span<int> pool1, Span<int> pool2, Span<int> signer, Span<int> transfer, Span<int> source, Span<int> destination,
        ref ulong poolBits, ref ulong linkBits, ref ulong sharedBits)
    {
        const int Lanes = 8;
        var a1 = Vector256.Create(pool1[i]);
        var a2 = Vector256.Create(pool2[i]);
        var si = Vector256.Create(signer[i]);
        var ti = Vector256.Create(transfer[i]);
        var ai = Vector256.Create(source[i]);
        var bi = Vector256.Create(destination[i]);
        var a1On = pool1[i] != 0 ? Vector256<int>.AllBitsSet : Vector256<int>.Zero;
        var a2On = pool2[i] != 0 ? Vector256<int>.AllBitsSet : Vector256<int>.Zero;
        var siOn = signer[i] != 0 ? Vector256<int>.AllBitsSet : Vector256<int>.Zero;
        var tiOn = transfer[i] != 0 ? Vector256<int>.AllBitsSet : Vector256<int>.Zero;
        var aiOn = source[i] != 0 ? Vector256<int>.AllBitsSet : Vector256<int>.Zero;
        var biOn = destination[i] != 0 ? Vector256<int>.AllBitsSet : Vector256<int>.Zero;
        var blocks = (n + Lanes - 1) / Lanes;
        for (var b = (i + 1) / Lanes; b < blocks; b++)
        {
            var at = b * Lanes;
            var b1 = Vector256.Create(pool1.Slice(at, Lanes));
            var b2 = Vector256.Create(pool2.Slice(at, Lanes));
            var sj = Vector256.Create(signer.Slice(at, Lanes));
            var tj = Vector256.Create(transfer.Slice(at, Lanes));
            var aj = Vector256.Create(source.Slice(at, Lanes));
            var bj = Vector256.Create(destination.Slice(at, Lanes));

            // SharePool: (a1 != 0 && (a1 == b1 || a1 == b2)) || (a2 != 0 && (a2 == b1 || a2 == b2)).
            var sp = (a1On & (Vector256.Equals(a1, b1) | Vector256.Equals(a1, b2)))
                | (a2On & (Vector256.Equals(a2, b1) | Vector256.Equals(a2, b2)));

            // SharesAccount: (ai != 0 && (ai == aj || ai == bj)) || (bi != 0 && (bi == aj || bi == bj)).
            var sa = (aiOn & (Vector256.Equals(ai, aj) | Vector256.Equals(ai, bj)))
                | (biOn & (Vector256.Equals(bi, aj) | Vector256.Equals(bi, bj)));

            // Linked: shares an account, same signer, or a transfer from one's signer to the other's
            // ((si != 0 && si == sj) || (ti != 0 && ti == sj) || (tj != 0 && tj == si); tj == si with si != 0 implies tj != 0).
            var lk = sa
                | (siOn & (Vector256.Equals(si, sj) | Vector256.Equals(si, tj)))
                | (tiOn & Vector256.Equals(ti, sj));
            poolBits |= (ulong)sp.ExtractMostSignificantBits() << at;
            linkBits |= (ulong)lk.ExtractMostSignificantBits() << at;
            sharedBits |= (ulong)sa.ExtractMostSignificantBits() << at;
        }
    }

    /// <summary>
    /// <see cref="Row256"/> over 16-id blocks, one id of row <paramref name="i"/> at a time: an absent (zero) id, or one
    /// equal to the row's other id of the same kind, adds nothing and is skipped, so a typical row (one pool, no transfer)
    /// runs a few short compare loops instead of every term.
    /// </summary>
    private static void Row512(
        int i, int n, Span<int> pool1, Span<int> pool2, Span<int> signer, Span<int> transfer, Span<int> source, Span<int> destination,
        ref ulong poolBits, ref ulong linkBits, ref ulong sharedBits)
    {
        const int Lanes = 16;
        var from = (i + 1) / Lanes;
        var blocks = (n + Lanes - 1) / Lanes;

        // SharePool: (a1 != 0 && (a1 == b1 || a1 == b2)) || (a2 != 0 && (a2 == b1 || a2 == b2)).
        var sp = EitherEquals(pool1[i], pool1, pool2, from, blocks);
        if (pool2[i] != pool1[i])
        {
            sp |= EitherEquals(pool2[i], pool1, pool2, from, blocks);
        }

        // SharesAccount: (ai != 0 && (ai == aj || ai == bj)) || (bi != 0 && (bi == aj || bi == bj)).
        var sa = EitherEquals(source[i], source, destination, from, blocks);
        if (destination[i] != source[i])
        {
            sa |= EitherEquals(destination[i], source, destination, from, blocks);
        }

        // Linked: shares an account, same signer, or a transfer from one's signer to the other's
        // ((si != 0 && (si == sj || si == tj)) || (ti != 0 && ti == sj)).
        var lk = sa | EitherEquals(signer[i], signer, transfer, from, blocks) | OneEquals(transfer[i], signer, from, blocks);
        poolBits = sp;
        linkBits = lk;
        sharedBits = sa;
    }

    /// <summary>Bit j (in 16-id blocks [from, to)) set when <paramref name="id"/> is not zero and equals x[j].</summary>
    private static ulong OneEquals(int id, Span<int> x, int from, int to)
    {
        if (id == 0)
        {
            return 0;
        }

        var v = Vector512.Create(id);
        var bits = 0UL;
        for (var b = from; b < to; b++)
        {
            var at = b * 16;
            bits |= Vector512.Equals(v, Vector512.Create(x.Slice(at, 16))).ExtractMostSignificantBits() << at;
        }

        return bits;
    }

    /// <summary>Bit j (in 16-id blocks [from, to)) set when <paramref name="id"/> is not zero and equals x[j] or y[j].</summary>
    private static ulong EitherEquals(int id, Span<int> x, Span<int> y, int from, int to)
    {
        if (id == 0)
        {
            return 0;
        }

        var v = Vector512.Create(id);
        var bits = 0UL;
        for (var b = from; b < to; b++)
        {
            var at = b * 16;
            var eq = Vector512.Equals(v, Vector512.Create(x.Slice(at, 16))) | Vector512.Equals(v, Vector512.Create(y.Slice(at, 16)));
            bits |= eq.ExtractMostSignificantBits() << at;
        }

        return bits;
    }

    /// <summary>Completes upper-triangular neighbour masks (bits j &gt; i of row i) to the symmetric relation.</summary>
    private static void Mirror(Span<ulong> rows)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            for (var bits = rows[i] & ~((2UL << i) - 1); bits != 0; bits &= bits - 1)
            {
                rows[BitOperations.TrailingZeroCount(bits)] |= 1UL << i;
            }
        }
    }

    /// <summary>Whether two transactions swap on a common pool (first or last pool of each).</summary>
    public static bool SharePool(float[] f, int ri, int rj)
    {
        int a1 = (int)f[ri + FeatureLayout.PoolId], a2 = (int)f[ri + FeatureLayout.LastPoolId];
        int b1 = (int)f[rj + FeatureLayout.PoolId], b2 = (int)f[rj + FeatureLayout.LastPoolId];
        return (a1 != 0 && (a1 == b1 || a1 == b2)) || (a2 != 0 && (a2 == b1 || a2 == b2));
    }

    /// <summary>Row <paramref name="i"/> of a row-normalised adjacency (mean over the neighbours) and of its relation.</summary>
    private static void Write(float[] adjacency, bool[] relation, int i, ulong bits)
    {
        if (bits == 0)
        {
            return;
        }

        var weight = 1f / BitOperations.PopCount(bits);
        for (; bits != 0; bits &= bits - 1)
        {
            var ij = (i * N) + BitOperations.TrailingZeroCount(bits);
            adjacency[ij] = weight;
            relation[ij] = true;
        }
    }
}
