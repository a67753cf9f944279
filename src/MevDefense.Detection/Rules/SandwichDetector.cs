using System.Runtime.CompilerServices;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Rules.Internal;

namespace MevDefense.Detection.Rules;

/// <summary>
/// Finds sandwiches: on one pool, an attacker's front-run and back-run in opposite directions around one or more
/// victims trading in the front-run's direction. The attacker is identified by signer, by shared token accounts
/// (the back-run spends what the front-run bought) or by a funding transfer between the two wallets in the window.
/// Front and back must be in the same slot or consecutive slots of one leader. Evidence layers (adjacency, Jito tip,
/// linkage kind, verified directions, amount round trip, priority fee) map to a confidence; victim loss is replayed on
/// constant-product reserves when an <see cref="State.IAccountStateProvider"/> knows the pool, otherwise it is the
/// attacker-bound proxy <c>max(0, back.minimumOut − front.amountIn)</c> in the front-run's input token, or unknown.
/// </summary>
public sealed class SandwichDetector : IDetector
{
    /// <summary>The detector name.</summary>
    public const string DetectorName = "rules/sandwich";

    private readonly SandwichDetectorOptions _options;
    private readonly TimeProvider _time;
    private readonly SandwichPoolState _scan = new();
    private int[] _victims = new int[16];

    /// <summary>Initializes a new instance with default options.</summary>
    public SandwichDetector()
        : this(new SandwichDetectorOptions(), null)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for <see cref="DetectionEvent.DetectedAt"/>; the system clock when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public SandwichDetector(SandwichDetectorOptions options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string Name => DetectorName;

    /// <inheritdoc/>
    public void Detect(DetectionWindow window, ICollection<DetectionEvent> detections)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(detections);
        var index = window.Prepare();
        for (var p = 0; p < index.PoolCount; p++)
        {
            if (index.PoolLegs(p).Length < 3)
            {
                continue; // no front, victim and back
            }

            _scan.Reset();
            Advance(window, index, p, _scan, detections);
        }
    }

    internal SandwichDetectorOptions Options => _options;

    /// <summary>Gets or sets whether candidate pairs are first screened by the index's key and signer filters (default). The
    /// filters only skip pairs that provably have no link; tests compare against the unscreened rule.</summary>
    internal bool UsePairFilters { get; set; } = true;

    /// <summary>
    /// Runs the rule on pool <paramref name="pool"/> from where <paramref name="state"/> left off: legs appended since are
    /// queued as fronts, then every front still searching examines the legs it has not seen, in block order. Over a window
    /// built up by appends this reports exactly what one run over the whole window reports (fronts are resolved in block
    /// order and a front's verdict on a leg never depends on legs after it).
    /// </summary>
    internal void Advance(DetectionWindow window, WindowIndex index, int pool, SandwichPoolState state, ICollection<DetectionEvent> detections)
    {
        var legs = index.PoolLegs(pool);
        state.Ensure(legs.Length);
        for (var k = state.Queued; k < legs.Length; k++)
        {
            state.Used[k] = false;
            state.End[k] = -1;
            state.Fronts[k] = default;
            if (!legs[k].RepeatedInTx)
            {
                state.OpenFront[state.OpenCount] = k;
                state.OpenNext[state.OpenCount++] = k + 1;
            }
        }

        state.Queued = legs.Length;
        var kept = 0;
        for (var o = 0; o < state.OpenCount; o++)
        {
            var i = state.OpenFront[o];
            if (state.Used[i])
            {
                continue; // taken as the back-run of an earlier front
            }

            if (TryFront(window, index, legs, i, state.OpenNext[o], state, detections))
            {
                state.OpenFront[kept] = i;
                state.OpenNext[kept++] = legs.Length;
            }
        }

        state.OpenCount = kept;
    }

    /// <summary>Searches a back-run for the front at leg <paramref name="i"/> from leg <paramref name="from"/>; returns whether the search is still open (ran out of legs).</summary>
    private bool TryFront(DetectionWindow window, WindowIndex index, ReadOnlySpan<Leg> legs, int i, int from, SandwichPoolState state, ICollection<DetectionEvent> detections)
    {
        var used = state.Used;
        state.End[i] = legs.Length - 1; // the last leg this front's verdict read so far
        ref readonly var f = ref legs[i];
        var front = new FrontContext { AuthorityList = -2, OutputList = -2, FirstTransfer = -2 };
        for (var j = from; j < legs.Length; j++)
        {
            // Leg-only checks first (position, slot, directions): most candidate pairs end here without loading the
            // back-run's transaction. The verdicts and the recorded End positions are those of the transaction-based checks.
            ref readonly var b = ref legs[j];
            if (b.Tx == f.Tx || used[j] || b.RepeatedInTx)
            {
                continue;
            }

            if (b.Tx - f.Tx > _options.MaxDistance)
            {
                state.End[i] = j;
                return false;
            }

            if (b.Slot != f.Slot && (!_options.CrossSlot || !window.SameLeaderRun(f.Slot, b.Slot)))
            {
                if (b.Slot > f.Slot + 1)
                {
                    state.End[i] = j;
                    return false;
                }

                continue;
            }

            if (f.Direction != 0 && b.Direction != 0 && f.Direction != -b.Direction)
            {
                continue;
            }

            // Most pairs that get here share no account, no signer and no funding transfer. Filters kept in the legs and the
            // index's per-transaction facts prove that without loading either transaction (UsePairFilters); whatever they
            // cannot rule out is decided by Examine on the transactions, exactly as without them.
            if (UsePairFilters)
            {
                ref readonly var ff = ref index.Facts(f.Tx);
                ref readonly var bf = ref index.Facts(b.Tx);
                if (!((b.SourceKey != 0 && b.SourceKey == f.DestinationKey) || (b.DestinationKey != 0 && b.DestinationKey == f.SourceKey))
                    && !WindowIndex.MaySign(bf.SignerBloom, ff.PayerBits) && !WindowIndex.MaySign(ff.SignerBloom, bf.PayerBits))
                {
                    // Not a reversal and not one wallet (so not skipped as such), no signer link: Examine's checks in their order.
                    if (index.Cycle(f.Tx) > 0)
                    {
                        state.End[i] = j;
                        return false;
                    }

                    if (index.Cycle(b.Tx) > 0)
                    {
                        continue;
                    }

                    if (front.FirstTransfer == -2)
                    {
                        FindFrontTransfers(window, index, f, ref state.Fronts[i], ref front);
                    }

                    if ((front.FirstTransfer > b.Tx && bf.PayerLastTransfer < f.Tx)
                        || !index.MayLinkByTransfer(front.AuthorityList, front.OutputList, ff, bf, b.SourceKey, f.Tx, b.Tx))
                    {
                        continue; // no transfer in f.Tx..b.Tx of either wallet or from the front's output to the other side: no link
                    }
                }
            }

            if (Examine(window, index, legs, i, j, state, detections, ref front))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The front's transaction and transfer lists, looked up on first need during one <see cref="TryFront"/> call.</summary>
    private struct FrontContext
    {
        public DecodedTransaction? Tx;
        public int AuthorityList; // -2: not looked up yet
        public int OutputList;
        public int FirstTransfer; // the first transaction from the front on with a transfer in either list (int.MaxValue: none); -2: not computed
    }

    /// <summary>Brings the front's transfer look-ups up to date (cached per front across calls, see <see cref="FrontTransfers"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FindFrontTransfers(DetectionWindow window, WindowIndex index, in Leg f, ref FrontTransfers cache, ref FrontContext front)
    {
        if (!cache.Known)
        {
            var ftx = front.Tx ??= window[f.Tx];
            cache.Wallet = ftx.FeePayer;
            cache.Output = ftx.Swaps[f.Swap].DestinationTokenAccount;
            cache.WalletKey = WindowIndex.KeyFilter(cache.Wallet);
            cache.OutputKey = WindowIndex.KeyFilter(cache.Output);
            cache.Authority = cache.OutputList = -1;
            cache.ListCount = -1;
            cache.FirstTransfer = int.MaxValue;
            cache.Known = true;
        }

        if (cache.ListCount != index.TransferListCount && (cache.Authority < 0 || cache.OutputList < 0))
        {
            if (cache.ListCount < 0 || index.MayHaveNewList(cache.ListCount, cache.Authority < 0, cache.WalletKey, cache.OutputList < 0, cache.OutputKey))
            {
                cache.Authority = index.AuthorityTransfers(cache.Wallet);
                cache.OutputList = index.FrontOutputTransfers(cache.Output);
            }

            cache.ListCount = index.TransferListCount;
        }

        if (cache.FirstTransfer == int.MaxValue)
        {
            cache.FirstTransfer = Math.Min(index.FirstTransferFrom(cache.Authority, f.Tx), index.FirstTransferFrom(cache.OutputList, f.Tx));
        }

        front.AuthorityList = cache.Authority;
        front.OutputList = cache.OutputList;
        front.FirstTransfer = cache.FirstTransfer;
    }

    /// <summary>
    /// Judges front leg <paramref name="i"/> against candidate back leg <paramref name="j"/> (which passed the leg-only checks) on
    /// their transactions; returns whether the front's search ended here (with or without a sandwich; End is then set).
    /// Kept out of <see cref="TryFront"/>'s loop so the common path stays small.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Examine(DetectionWindow window, WindowIndex index, ReadOnlySpan<Leg> legs, int i, int j, SandwichPoolState state, ICollection<DetectionEvent> detections,
        ref FrontContext front)
    {
        ref readonly var f = ref legs[i];
        ref readonly var b = ref legs[j];
        var known = f.Direction != 0 && b.Direction != 0;
        var ftx = front.Tx ??= window[f.Tx];
        ref readonly var fs = ref ftx.Swaps[f.Swap];
        var btx = window[b.Tx];
        ref readonly var bs = ref btx.Swaps[b.Swap];
        var reversedAccounts = (!bs.SourceTokenAccount.IsZero && bs.SourceTokenAccount == fs.DestinationTokenAccount)
            || (!bs.DestinationTokenAccount.IsZero && bs.DestinationTokenAccount == fs.SourceTokenAccount);
        if (!known && !reversedAccounts && btx.IsSigner(ftx.FeePayer))
        {
            return false; // one wallet, direction-blind pool, no account evidence of a reversal
        }

        // A self-contained cycle (atomic arbitrage) is not a sandwich leg, even when its bot trades the pool twice.
        if (index.Cycle(f.Tx) > 0)
        {
            state.End[i] = j;
            return true;
        }

        if (index.Cycle(b.Tx) > 0)
        {
            return false;
        }

        var link = Linkage(index, ftx, btx, fs, bs, reversedAccounts, f.Tx, b.Tx, ref front.AuthorityList, ref front.OutputList);
        if (link == Link.None || (!known && !reversedAccounts && link != Link.Transfer))
        {
            // Direction-blind legs count as opposite only when the back spends what the front bought, or when a
            // funding transfer links two different wallets (the linked-wallet pattern).
            return false;
        }

        // The attacker's position closes here: with no victim between, this is a round trip, not a sandwich.
        var victimCount = 0;
        var unverified = f.Direction == 0 || b.Direction == 0;
        for (var m = i + 1; m < j; m++)
        {
            var v = legs[m];
            if (v.Tx == f.Tx || v.Tx == b.Tx)
            {
                continue;
            }

            var vtx = window[v.Tx];
            if (vtx.IsSigner(ftx.FeePayer) || vtx.IsSigner(btx.FeePayer))
            {
                continue;
            }

            if (f.Direction != 0 && v.Direction != 0)
            {
                if (v.Direction != f.Direction)
                {
                    continue;
                }
            }
            else
            {
                unverified = true;
            }

            if (victimCount > 0 && _victims[victimCount - 1] == v.Tx)
            {
                continue; // several hops of one victim transaction
            }

            if (victimCount == _victims.Length)
            {
                Array.Resize(ref _victims, _victims.Length * 2);
            }

            _victims[victimCount++] = v.Tx;
        }

        if (victimCount == 0)
        {
            state.End[i] = j;
            return true;
        }

        var confidence = Confidence(window, ftx, btx, fs, bs, f.Tx, b.Tx, victimCount, link, unverified, index, legs, i, out var loss);
        if (confidence >= _options.MinConfidence)
        {
            state.Used[i] = true;
            state.Used[j] = true;
            state.AddDetection(i, j);
            detections.Add(Event(window, ftx, btx, fs, victimCount, confidence, loss));
        }

        state.End[i] = j;
        return true;
    }

    private enum Link
    {
        None,
        Signer,
        SharedAccount,
        Transfer,
    }

    private static Link Linkage(WindowIndex index, DecodedTransaction ftx, DecodedTransaction btx, in SwapIntent fs, in SwapIntent bs, bool reversedAccounts, int fi, int bi,
        ref int frontAuthorityList, ref int frontOutputList)
    {
        if (btx.IsSigner(ftx.FeePayer) || ftx.IsSigner(btx.FeePayer))
        {
            return Link.Signer;
        }

        if (reversedAccounts)
        {
            return Link.SharedAccount;
        }

        // A funding transfer between the two wallets (or between their swap accounts) from the front-run to the back-run; the
        // index reads only the transfers authorised by either wallet or spending the front's output.
        var a = ftx.FeePayer;
        if (frontAuthorityList == -2)
        {
            frontAuthorityList = index.AuthorityTransfers(a);
            frontOutputList = index.FrontOutputTransfers(fs.DestinationTokenAccount);
        }

        return index.HasTransferLink(frontAuthorityList, a, btx.FeePayer, frontOutputList, bs.SourceTokenAccount, fi, bi) ? Link.Transfer : Link.None;
    }

    private double Confidence(DetectionWindow window, DecodedTransaction ftx, DecodedTransaction btx, in SwapIntent fs, in SwapIntent bs, int fi, int bi,
        int victimCount, Link link, bool unverified, WindowIndex index, ReadOnlySpan<Leg> legs, int frontLeg, out decimal? loss)
    {
        var crossSlot = ftx.Slot != btx.Slot;
        var adjacent = !crossSlot;
        if (adjacent)
        {
            // Adjacent when nothing but victims, votes and non-swap transactions (tips, transfers) sits between front and back.
            var v = 0;
            for (var t = fi + 1; t < bi; t++)
            {
                if (v < victimCount && _victims[v] == t)
                {
                    v++;
                    continue;
                }

                if (window[t].HasSwap || window[t].LiquidityChanges.Length > 0)
                {
                    adjacent = false;
                    break;
                }
            }
        }

        var c = crossSlot ? 0.62 : adjacent ? 0.90 : 0.78;
        if (ftx.TipLamports > 0 || btx.TipLamports > 0)
        {
            c += adjacent ? 0.05 : 0.03;
        }

        c += link switch
        {
            Link.Signer => 0.02,
            Link.Transfer => -0.04,
            _ => 0,
        };
        if (unverified)
        {
            c -= 0.12;
        }

        ulong maxVictimCuPrice = 0;
        for (var v = 0; v < victimCount; v++)
        {
            maxVictimCuPrice = Math.Max(maxVictimCuPrice, window[_victims[v]].ComputeUnitPrice);
        }

        // Bot evidence: a Jito tip, or a priority fee that outbids every victim. Retail round trips rarely show either,
        // so patterns without it lose confidence, most for the weakest (cross-slot) shape.
        var outbids = ftx.ComputeUnitPrice > maxVictimCuPrice && ftx.ComputeUnitPrice >= 100_000;
        if (outbids)
        {
            c += 0.02;
        }

        var tipped = ftx.TipLamports > 0 || btx.TipLamports > 0;
        if (!outbids && !tipped)
        {
            c -= crossSlot ? 0.15 : adjacent ? 0.03 : 0.08;
        }

        if (crossSlot && !tipped)
        {
            // Retail wallets flip tokens across slots too; without bundle (tip) evidence a cross-slot shape stays below the
            // default reporting threshold (GetToasted likewise limits cross-slot calls to known bots).
            c = Math.Min(c, 0.5);
        }

        loss = EstimateLoss(window, ftx, fs, bs, index, legs, frontLeg, victimCount, out var frontOut);
        if (frontOut is { } fo && bs.AmountKind == SwapAmountKind.ExactIn && fo > 0)
        {
            // Round trip: the back-run sells what the front-run bought.
            var diff = Math.Abs((double)bs.Amount - fo) / Math.Max((double)bs.Amount, fo);
            c += diff <= _options.RoundTripTolerance ? 0.03 : diff > 0.25 ? -0.2 : 0;
        }
        else if (fs.AmountKind == SwapAmountKind.ExactIn && fs.Limit > 0 && bs.AmountKind == SwapAmountKind.ExactIn)
        {
            // Without reserves: the front-run's output is at least its minimum, and rarely far above it.
            var ratio = (double)bs.Amount / fs.Limit;
            c += ratio is >= 0.95 and <= 1.5 ? 0.02 : -0.2;
        }

        return Math.Clamp(c, 0.05, 0.99);
    }

    /// <summary>Constant-product replay when the pool's reserves are known; otherwise the attacker-bound proxy.</summary>
    private decimal? EstimateLoss(DetectionWindow window, DecodedTransaction ftx, in SwapIntent fs, in SwapIntent bs, WindowIndex index, ReadOnlySpan<Leg> legs,
        int frontLeg, int victimCount, out double? frontOut)
    {
        frontOut = null;
        if (window.AccountState is { } state && state.TryGetPool(fs.Pool, ftx.Slot, out var pool) && pool.IsConstantProduct && legs[frontLeg].Direction != 0)
        {
            // Replay the pool's swaps of the front-run's slot that precede it, then the front-run and the victims.
            double ra = pool.ReserveA, rb = pool.ReserveB;
            var fee = 1 - (pool.FeeBps / 10_000.0);
            var ok = true;
            for (var l = 0; l < frontLeg && ok; l++)
            {
                var leg = legs[l];
                var tx = window[leg.Tx];
                if (tx.Slot != ftx.Slot)
                {
                    continue;
                }

                ok = Apply(ref ra, ref rb, fee, leg.Direction, tx.Swaps[leg.Swap], out _);
            }

            var fDir = legs[frontLeg].Direction;
            if (ok && Apply(ref ra, ref rb, fee, fDir, fs, out var fo))
            {
                frontOut = fo;

                // Counterfactual reserves: as before the front-run.
                double ca = ra, cb = rb;
                UndoFront(ref ca, ref cb, fDir, fs.Amount, fo);
                double total = 0;
                var v = 0;
                for (var l = frontLeg + 1; l < legs.Length && v < victimCount; l++)
                {
                    var leg = legs[l];
                    if (leg.Tx != _victims[v])
                    {
                        continue;
                    }

                    v++;
                    ref readonly var vs = ref window[leg.Tx].Swaps[leg.Swap];
                    if (!Apply(ref ra, ref rb, fee, leg.Direction, vs, out var actual) || !Apply(ref ca, ref cb, fee, leg.Direction, vs, out var counterfactual))
                    {
                        return null;
                    }

                    total += Math.Max(0, counterfactual - actual);
                }

                return (decimal)Math.Round(total);
            }
        }

        // Proxy: an exact-in back-run's minimum output above the front-run's input bounds the attacker's gross take.
        if (fs.AmountKind == SwapAmountKind.ExactIn && bs.AmountKind == SwapAmountKind.ExactIn && bs.Limit > 0)
        {
            return bs.Limit > fs.Amount ? bs.Limit - fs.Amount : 0;
        }

        return null;
    }

    private static bool Apply(ref double ra, ref double rb, double fee, sbyte direction, in SwapIntent s, out double output)
    {
        output = 0;
        if (direction == 0 || s.AmountKind != SwapAmountKind.ExactIn)
        {
            return false;
        }

        var input = s.Amount * fee;
        if (direction > 0)
        {
            output = input * rb / (ra + input);
            ra += s.Amount;
            rb -= output;
        }
        else
        {
            output = input * ra / (rb + input);
            rb += s.Amount;
            ra -= output;
        }

        return true;
    }

    private static void UndoFront(ref double ra, ref double rb, sbyte direction, ulong amountIn, double output)
    {
        if (direction > 0)
        {
            ra -= amountIn;
            rb += output;
        }
        else
        {
            rb -= amountIn;
            ra += output;
        }
    }

    private DetectionEvent Event(DetectionWindow window, DecodedTransaction ftx, DecodedTransaction btx, in SwapIntent fs, int victimCount, double confidence, decimal? loss)
    {
        var victims = new Signature[victimCount];
        var all = new Signature[victimCount + 2];
        all[0] = ftx.Signature;
        for (var v = 0; v < victimCount; v++)
        {
            victims[v] = window[_victims[v]].Signature;
            all[v + 1] = victims[v];
        }

        all[^1] = btx.Signature;
        return new DetectionEvent
        {
            Kind = DetectionKind.Sandwich,
            Slot = btx.Slot,
            Front = ftx.Signature,
            Back = btx.Signature,
            Victims = victims,
            Attacker = ftx.FeePayer,
            Pool = fs.Pool,
            Confidence = Math.Round(confidence, 4),
            EstimatedVictimLoss = loss,
            Detector = DetectorName,
            DetectedAt = _time.GetUtcNow(),
            Transactions = all,
        };
    }
}
