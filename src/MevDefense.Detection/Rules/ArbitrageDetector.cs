using MevDefense.Detection.Decoding;
using MevDefense.Detection.Rules.Internal;

namespace MevDefense.Detection.Rules;

/// <summary>
/// Finds atomic arbitrage: one transaction whose swaps on at least two distinct pools form a cycle back to the starting
/// token, proven by the mint chain (each hop's output mint is the next hop's input mint and the last output is the first
/// input) or by the account chain (each hop pays into the account the next hop spends from, and the last hop pays back into
/// the first hop's source). A transaction touching a single pool twice is not an arbitrage.
/// </summary>
public sealed class ArbitrageDetector : IDetector
{
    /// <summary>The detector name.</summary>
    public const string DetectorName = "rules/arbitrage";

    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="timeProvider">The clock for <see cref="DetectionEvent.DetectedAt"/>; the system clock when <see langword="null"/>.</param>
    public ArbitrageDetector(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc/>
    public string Name => DetectorName;

    /// <inheritdoc/>
    public void Detect(DetectionWindow window, ICollection<DetectionEvent> detections)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(detections);
        DetectRange(window, window.Prepare(), 0, detections);
    }

    /// <summary>Examines the transactions from position <paramref name="from"/> to the end of the window.</summary>
    internal void DetectRange(DetectionWindow window, WindowIndex index, int from, ICollection<DetectionEvent> detections)
    {
        for (var t = from; t < window.Count; t++)
        {
            if (DetectOne(window, index, t) is { } d)
            {
                detections.Add(d);
            }
        }
    }

    /// <summary>Judges transaction <paramref name="t"/> (the verdict reads only that transaction and the index's mints).</summary>
    internal DetectionEvent? DetectOne(DetectionWindow window, WindowIndex index, int t)
    {
        var c = index.Cycle(t);
        if (c <= 0)
        {
            return null;
        }

        var tx = window[t];
        return new DetectionEvent
        {
            Kind = DetectionKind.Arbitrage,
            Slot = tx.Slot,
            Front = tx.Signature,
            Attacker = tx.FeePayer,
            Pool = tx.Swaps[index.TxLegs(t)[0].Swap].Pool,
            Confidence = c,
            Detector = DetectorName,
            DetectedAt = _time.GetUtcNow(),
            Transactions = [tx.Signature],
        };
    }

    /// <summary>Returns the confidence that transaction <paramref name="t"/> is a cyclic arbitrage, or 0.</summary>
    internal static double CycleConfidence(DetectionWindow window, WindowIndex index, int t)
    {
        var legs = index.TxLegs(t);
        if (legs.Length < 2)
        {
            return 0;
        }

        var distinct = false;
        for (var i = 1; i < legs.Length; i++)
        {
            if (legs[i].Pool != legs[0].Pool)
            {
                distinct = true;
                break;
            }
        }

        if (!distinct)
        {
            return 0;
        }

        var tx = window[t];
        var swaps = tx.Swaps;
        ref readonly var first = ref swaps[legs[0].Swap];
        ref readonly var last = ref swaps[legs[^1].Swap];

        var accounts = !first.SourceTokenAccount.IsZero && first.SourceTokenAccount == last.DestinationTokenAccount;
        for (var i = 0; accounts && i + 1 < legs.Length; i++)
        {
            ref readonly var a = ref swaps[legs[i].Swap];
            ref readonly var b = ref swaps[legs[i + 1].Swap];
            accounts = !a.DestinationTokenAccount.IsZero && a.DestinationTokenAccount == b.SourceTokenAccount;
        }

        var startMint = index.MintOf(window, first.SourceMint, first.SourceTokenAccount);
        var endMint = index.MintOf(window, last.DestinationMint, last.DestinationTokenAccount);
        var mints = !startMint.IsZero && startMint == endMint;
        for (var i = 0; mints && i + 1 < legs.Length; i++)
        {
            ref readonly var a = ref swaps[legs[i].Swap];
            ref readonly var b = ref swaps[legs[i + 1].Swap];
            var outMint = index.MintOf(window, a.DestinationMint, a.DestinationTokenAccount);
            var inMint = index.MintOf(window, b.SourceMint, b.SourceTokenAccount);
            mints = outMint.IsZero || inMint.IsZero || outMint == inMint;
        }

        if (!accounts && !mints)
        {
            return 0;
        }

        var c = mints ? 0.92 : 0.86;
        if (tx.TipLamports > 0)
        {
            c += 0.03;
        }

        return Math.Round(Math.Min(c, 0.99), 4);
    }
}
