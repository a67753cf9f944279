using MevDefense.Detection.Rules.Internal;

namespace MevDefense.Detection.Rules;

/// <summary>
/// Finds back-runs: a cyclic arbitrage transaction that trades, on one of its pools, against the direction of a swap by
/// another wallet placed just before it (at most <see cref="MaxLookback"/> swap transactions earlier, same slot), capturing
/// the price move that swap caused. With pool state the triggering swap must move at least 0.5 % of the input reserve.
/// </summary>
public sealed class BackrunDetector : IDetector
{
    /// <summary>The detector name.</summary>
    public const string DetectorName = "rules/backrun";

    /// <summary>The number of earlier swap transactions examined.</summary>
    public const int MaxLookback = 2;

    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="timeProvider">The clock for <see cref="DetectionEvent.DetectedAt"/>; the system clock when <see langword="null"/>.</param>
    public BackrunDetector(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc/>
    public string Name => DetectorName;

    /// <inheritdoc/>
    public void Detect(DetectionWindow window, ICollection<DetectionEvent> detections)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(detections);
        DetectRange(window, window.Prepare(), 0, detections);
    }

    /// <summary>Examines the transactions from position <paramref name="from"/> to the end of the window as back-runs.</summary>
    internal void DetectRange(DetectionWindow window, WindowIndex index, int from, ICollection<DetectionEvent> detections)
    {
        for (var t = Math.Max(1, from); t < window.Count; t++)
        {
            if (DetectOne(window, index, t) is { } d)
            {
                detections.Add(d);
            }
        }
    }

    /// <summary>Judges transaction <paramref name="t"/> as a back-run (the verdict reads the transaction and the swap
    /// transactions of its slot just before it).</summary>
    internal DetectionEvent? DetectOne(DetectionWindow window, WindowIndex index, int t)
    {
        if (t < 1 || index.TxLegs(t).Length < 2 || index.Cycle(t) <= 0)
        {
            return null;
        }

        var tx = window[t];
        foreach (var leg in index.TxLegs(t))
        {
            if (leg.Direction == 0)
            {
                continue;
            }

            var seen = 0;
            for (var p = t - 1; p >= 0 && seen < MaxLookback; p--)
            {
                var prev = window[p];
                if (prev.Slot != tx.Slot)
                {
                    break;
                }

                if (!prev.HasSwap)
                {
                    continue;
                }

                seen++;
                if (prev.IsSigner(tx.FeePayer))
                {
                    continue;
                }

                foreach (var pl in index.TxLegs(p))
                {
                    if (pl.Pool != leg.Pool || pl.Direction != -leg.Direction)
                    {
                        continue;
                    }

                    ref readonly var trigger = ref prev.Swaps[pl.Swap];
                    var c = 0.72 + (seen == 1 ? 0.05 : 0);
                    if (window.AccountState is { } state && state.TryGetPool(trigger.Pool, prev.Slot, out var ps))
                    {
                        var reserveIn = pl.Direction > 0 ? ps.ReserveA : ps.ReserveB;
                        if (reserveIn > 0 && trigger.AmountInBound < reserveIn / 200)
                        {
                            continue;
                        }

                        c += 0.1;
                    }

                    if (tx.TipLamports > 0)
                    {
                        c += 0.03;
                    }

                    return new DetectionEvent
                    {
                        Kind = DetectionKind.Backrun,
                        Slot = tx.Slot,
                        Front = tx.Signature,
                        Victims = [prev.Signature],
                        Attacker = tx.FeePayer,
                        Pool = trigger.Pool,
                        Confidence = Math.Round(Math.Min(c, 0.99), 4),
                        Detector = DetectorName,
                        DetectedAt = _time.GetUtcNow(),
                        Transactions = [prev.Signature, tx.Signature],
                    };
                }
            }
        }

        return null;
    }
}
