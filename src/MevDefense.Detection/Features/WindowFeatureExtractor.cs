using System.Buffers.Binary;
using MevDefense.Detection.Features.Internal;

namespace MevDefense.Detection.Features;

/// <summary>
/// Turns a window of up to 64 transactions in block order into the model input (<see cref="WindowTensors"/>):
/// per-transaction fields, window-relative fields (same-pool and linked-identity counts, sandwich-shaped
/// neighbourhoods, tip and fee ranks) and the transaction graph. Deterministic, and allocation-free after
/// construction. Not thread-safe: use one instance per thread.
/// </summary>
public sealed class WindowFeatureExtractor
{
    private const int F = TransactionFeatures.Count;
    private const int N = TransactionFeatures.WindowSize;
    private readonly int[] _direction = new int[N];
    private readonly bool[] _pair = new bool[N * N];
    private readonly int[] _enclosing = new int[N];
    private readonly double[] _logAmount = new double[N];

    /// <summary>Extracts the features and graph of <paramref name="transactions"/> into <paramref name="destination"/>.</summary>
    /// <param name="transactions">At most 64 transactions, in block order.</param>
    /// <param name="destination">The buffers to overwrite.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than 64 transactions.</exception>
    public void Extract(ReadOnlySpan<TransactionFeatureInput> transactions, WindowTensors destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(transactions.Length, N, nameof(transactions));
        var n = transactions.Length;
        Array.Clear(destination.Features);
        destination.Count = n;
        for (var i = 0; i < n; i++)
        {
            WriteOwn(in transactions[i], i, n, destination.Row(i));
            _direction[i] = Math.Sign(transactions[i].Direction);
        }

        WindowGraph.Build(destination);
        WriteRelational(transactions, destination);
    }

    /// <summary>Hashes an account into the 24-bit identity space of the feature vector (0 only for the zero key).</summary>
    /// <param name="key">The account.</param>
    /// <returns>A value in 0..2^24-1, exactly representable as a float.</returns>
    internal static int IdentityHash(in Pubkey key)
    {
        if (key.IsZero)
        {
            return 0;
        }

        var span = key.AsSpan();
        var x = BinaryPrimitives.ReadUInt64LittleEndian(span) ^ BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
        x ^= x >> 31;
        x *= 0x9E3779B97F4A7C15UL;
        x ^= x >> 29;
        var h = (int)(x >> 40);
        return h == 0 ? 1 : h;
    }

    private static float Log(ulong value, float scale) => value == 0 ? 0f : MathF.Log(1f + value) / scale;

    private static void WriteOwn(in TransactionFeatureInput t, int i, int n, Span<float> r)
    {
        r[FeatureLayout.PoolId] = IdentityHash(t.Pool);
        r[FeatureLayout.SignerId] = IdentityHash(t.Signer);
        r[FeatureLayout.SourceAccountId] = IdentityHash(t.SourceTokenAccount);
        r[FeatureLayout.DestinationAccountId] = IdentityHash(t.DestinationTokenAccount);
        r[FeatureLayout.LastPoolId] = t.LastPool == t.Pool ? 0 : IdentityHash(t.LastPool);
        r[FeatureLayout.TransferDestinationId] = IdentityHash(t.TransferDestination);

        var isSwap = t.SwapCount > 0 && !t.Pool.IsZero;
        r[FeatureLayout.Valid] = 1f;
        r[FeatureLayout.Position] = i / (float)(N - 1);
        r[FeatureLayout.PositionFromEnd] = (n - 1 - i) / (float)(N - 1);
        r[FeatureLayout.WindowFill] = n / (float)N;
        r[FeatureLayout.IsSwap] = isSwap ? 1f : 0f;
        r[FeatureLayout.SwapCount] = Math.Min(t.SwapCount, 4) / 4f;
        r[FeatureLayout.DistinctPools] = Math.Min(t.DistinctPools, 4) / 4f;
        if (isSwap)
        {
            r[t.Direction > 0 ? FeatureLayout.DirectionPlus : t.Direction < 0 ? FeatureLayout.DirectionMinus : FeatureLayout.DirectionUnknown] = 1f;
            r[FeatureLayout.NoSlippageLimit] = t.MinimumOut == 0 ? 1f : 0f;
        }

        r[FeatureLayout.LogAmountIn] = Log(t.AmountIn, 44f);
        r[FeatureLayout.LogMinimumOut] = Log(t.MinimumOut, 44f);
        r[FeatureLayout.ExactOut] = t.ExactOut ? 1f : 0f;
        r[FeatureLayout.LogCuPrice] = Log(t.ComputeUnitPrice, 30f);
        r[FeatureLayout.LogCuLimit] = Log(t.ComputeUnitLimit, 15f);
        r[FeatureLayout.HasCuPrice] = t.ComputeUnitPrice > 0 ? 1f : 0f;
        r[FeatureLayout.LogTip] = Log(t.TipLamports, 30f);
        r[FeatureLayout.HasTip] = t.TipLamports > 0 ? 1f : 0f;
        r[FeatureLayout.DontFront] = t.DontFront ? 1f : 0f;
        r[FeatureLayout.IsVote] = t.IsVote ? 1f : 0f;
        r[FeatureLayout.IsTransferOnly] = !isSwap && !t.IsVote && t.TransferLamports > 0 ? 1f : 0f;
        r[FeatureLayout.LogTransfer] = Log(t.TransferLamports, 44f);
        r[FeatureLayout.Signatures] = Math.Min(t.SignatureCount, 8) / 4f;
        r[FeatureLayout.Instructions] = Math.Min(t.InstructionCount, 32) / 16f;
        r[FeatureLayout.Cyclic] = t.Cyclic ? 1f : 0f;
        r[FeatureLayout.Unresolved] = t.HasUnresolvedAccounts ? 1f : 0f;
        if (t.ProgramKind > 0)
        {
            r[FeatureLayout.ProgramKindBase + Math.Min(t.ProgramKind, FeatureLayout.ProgramKinds) - 1] = 1f;
        }
    }

    private void WriteRelational(ReadOnlySpan<TransactionFeatureInput> txs, WindowTensors w)
    {
        var n = txs.Length;
        var f = w.Features;
        var dir = _direction;
        var pair = _pair;
        var samePool = w.SamePool;
        var linked = w.Linked;
        var enclosing = _enclosing;
        Array.Clear(enclosing);
        var logAmount = _logAmount;
        for (var i = 0; i < n; i++)
        {
            logAmount[i] = Math.Log(1.0 + txs[i].AmountIn);
        }

        // pair[i*N+j] (i<j): a linked, same-pool, opposite-direction swap pair (front/back shape). Each pair (a, b)
        // encloses the unlinked same-pool swaps between them that trade in a's direction (victim shape).
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var ij = (i * N) + j;
                var isPair = dir[i] != 0 && dir[i] == -dir[j] && samePool[ij] && linked[ij];
                pair[ij] = isPair;
                if (!isPair)
                {
                    continue;
                }

                for (var k = i + 1; k < j; k++)
                {
                    if (dir[k] == dir[i] && samePool[(k * N) + i] && samePool[(k * N) + j] && !linked[(k * N) + i])
                    {
                        enclosing[k]++;
                    }
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            var ri = i * F;
            int poolBefore = 0, poolAfter = 0, linkBefore = 0, linkAfter = 0, lpBefore = 0, lpAfter = 0;
            int oppBefore = 0, oppAfter = 0, sameBefore = 0, sameAfter = 0, tipBelow = 0, feeBelow = 0;
            var front = false;
            var back = false;
            var funding = false;
            var sharedAccount = false;
            var partnerDistance = N;
            var partner = -1;
            double poolAmountSum = 0;
            var poolAmountCount = 0;
            var tip = txs[i].TipLamports;
            var fee = txs[i].ComputeUnitPrice;
            var signer = f[ri + FeatureLayout.SignerId];
            for (var j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }

                var ij = (i * N) + j;
                tipBelow += txs[j].TipLamports < tip ? 1 : 0;
                feeBelow += txs[j].ComputeUnitPrice < fee ? 1 : 0;
                var shares = w.SharedAccount[ij];
                sharedAccount |= shares;
                if (linked[ij])
                {
                    funding |= !shares && f[(j * F) + FeatureLayout.SignerId] != signer;
                    if (j < i)
                    {
                        linkBefore++;
                        lpBefore += samePool[ij] ? 1 : 0;
                    }
                    else
                    {
                        linkAfter++;
                        lpAfter += samePool[ij] ? 1 : 0;
                    }
                }

                if (samePool[ij])
                {
                    poolAmountSum += logAmount[j];
                    poolAmountCount++;
                    var opposite = dir[i] != 0 && dir[i] == -dir[j] ? 1 : 0;
                    var same = dir[i] != 0 && dir[i] == dir[j] ? 1 : 0;
                    if (j < i)
                    {
                        poolBefore++;
                        oppBefore += opposite;
                        sameBefore += same;
                    }
                    else
                    {
                        poolAfter++;
                        oppAfter += opposite;
                        sameAfter += same;
                    }
                }

                if (j > i ? pair[ij] : pair[(j * N) + i])
                {
                    front |= j > i;
                    back |= j < i;
                    if (Math.Abs(j - i) < partnerDistance)
                    {
                        partnerDistance = Math.Abs(j - i);
                        partner = j;
                    }
                }
            }

            var others = 0;
            if (partner >= 0)
            {
                var lo = Math.Min(i, partner);
                var hi = Math.Max(i, partner);
                for (var k = lo + 1; k < hi; k++)
                {
                    others += samePool[(i * N) + k] && !linked[(i * N) + k] ? 1 : 0;
                }
            }

            var r = f.AsSpan(ri, F);
            r[FeatureLayout.SamePoolBefore] = Clip8(poolBefore);
            r[FeatureLayout.SamePoolAfter] = Clip8(poolAfter);
            r[FeatureLayout.LinkedBefore] = Clip8(linkBefore);
            r[FeatureLayout.LinkedAfter] = Clip8(linkAfter);
            r[FeatureLayout.LinkedSamePoolBefore] = Clip8(lpBefore);
            r[FeatureLayout.LinkedSamePoolAfter] = Clip8(lpAfter);
            r[FeatureLayout.FrontCandidate] = front ? 1f : 0f;
            r[FeatureLayout.BackCandidate] = back ? 1f : 0f;
            r[FeatureLayout.PartnerDistance] = partner >= 0 ? partnerDistance / (float)N : 1f;
            r[FeatureLayout.VictimCandidate] = enclosing[i] > 0 ? 1f : 0f;
            r[FeatureLayout.EnclosingPairs] = Math.Min(enclosing[i], 4) / 4f;
            r[FeatureLayout.OthersBetweenPartner] = Clip8(others);
            r[FeatureLayout.TipRank] = n > 1 ? tipBelow / (float)(n - 1) : 0f;
            r[FeatureLayout.CuPriceRank] = n > 1 ? feeBelow / (float)(n - 1) : 0f;
            r[FeatureLayout.SamePoolOppositeBefore] = Clip8(oppBefore);
            r[FeatureLayout.SamePoolOppositeAfter] = Clip8(oppAfter);
            r[FeatureLayout.FundingLink] = funding ? 1f : 0f;
            r[FeatureLayout.SharedTokenAccount] = sharedAccount ? 1f : 0f;
            r[FeatureLayout.AmountVsPool] = poolAmountCount > 0 && txs[i].AmountIn > 0
                ? (float)Math.Clamp((logAmount[i] - (poolAmountSum / poolAmountCount)) / 4.0, -2.0, 2.0)
                : 0f;
            r[FeatureLayout.SamePoolSameDirBefore] = Clip8(sameBefore);
            r[FeatureLayout.SamePoolSameDirAfter] = Clip8(sameAfter);
            r[FeatureLayout.PartnerAmountMatch] = partner >= 0 ? AmountMatch(txs[i], txs[partner]) : 0f;
        }
    }

    private static float Clip8(int count) => Math.Min(count, 8) / 8f;

    /// <summary>1 when the back-run sells about what the front-run bought (log-scale closeness of in/out amounts).</summary>
    private static float AmountMatch(in TransactionFeatureInput a, in TransactionFeatureInput b)
    {
        if (a.AmountIn == 0 || b.AmountIn == 0)
        {
            return 0f;
        }

        var la = Math.Log(1.0 + Math.Max(a.MinimumOut, 1));
        var lb = Math.Log(1.0 + b.AmountIn);
        var lc = Math.Log(1.0 + a.AmountIn);
        var ld = Math.Log(1.0 + Math.Max(b.MinimumOut, 1));
        var d = Math.Min(Math.Abs(la - lb), Math.Abs(lc - ld));
        return (float)Math.Exp(-d);
    }
}
