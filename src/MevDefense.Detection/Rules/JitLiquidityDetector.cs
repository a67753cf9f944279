using MevDefense.Detection.Rules.Internal;

namespace MevDefense.Detection.Rules;

/// <summary>
/// Finds just-in-time liquidity on concentrated-liquidity pools (Whirlpool, Raydium CLMM, Meteora DLMM): a wallet adds
/// liquidity, another wallet swaps on that pool, and the same position (or the same owner) removes liquidity within
/// <see cref="MaxDistance"/> transactions of the same slot.
/// </summary>
public sealed class JitLiquidityDetector : IDetector
{
    /// <summary>The detector name.</summary>
    public const string DetectorName = "rules/jit";

    /// <summary>The maximum number of positions between the add and the remove.</summary>
    public const int MaxDistance = 16;

    private readonly TimeProvider _time;
    private readonly JitScanState _scan = new();

    /// <summary>Initializes a new instance.</summary>
    /// <param name="timeProvider">The clock for <see cref="DetectionEvent.DetectedAt"/>; the system clock when <see langword="null"/>.</param>
    public JitLiquidityDetector(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc/>
    public string Name => DetectorName;

    /// <inheritdoc/>
    public void Detect(DetectionWindow window, ICollection<DetectionEvent> detections)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(detections);
        _scan.Reset();
        Advance(window, window.Prepare(), _scan, detections);
    }

    /// <summary>
    /// Runs the rule from where <paramref name="state"/> left off: adds in transactions appended since are queued, then every
    /// add still open examines the positions it has not seen. Each add is judged on its own (the first matching remove within
    /// <see cref="MaxDistance"/> positions of its slot decides), so this reports exactly what one run over the whole window
    /// reports.
    /// </summary>
    internal void Advance(DetectionWindow window, WindowIndex index, JitScanState state, ICollection<DetectionEvent> detections)
    {
        for (var a = state.Queued; a < window.Count; a++)
        {
            var changes = window[a].LiquidityChanges;
            for (var c = 0; c < changes.Length; c++)
            {
                if (changes[c].IsAdd)
                {
                    state.Add(a, c);
                }
            }
        }

        state.Queued = window.Count;
        var kept = 0;
        for (var o = 0; o < state.OpenCount; o++)
        {
            var (a, c, next) = state.Open[o];
            if (Scan(window, index, a, c, next, detections))
            {
                state.Open[kept++] = (a, c, window.Count);
            }
        }

        state.OpenCount = kept;
    }

    /// <summary>Looks for the remove matching add <paramref name="change"/> of transaction <paramref name="a"/> from position
    /// <paramref name="from"/>; returns whether the search is still open (ran out of window).</summary>
    private bool Scan(DetectionWindow window, WindowIndex index, int a, int change, int from, ICollection<DetectionEvent> detections)
    {
        var add = window[a];
        var l = add.LiquidityChanges[change];
        for (var r = from; r < window.Count; r++)
        {
            if (r - a > MaxDistance)
            {
                return false;
            }

            var remove = window[r];
            if (remove.Slot != add.Slot)
            {
                return false;
            }

            var matched = false;
            var samePosition = false;
            foreach (var x in remove.LiquidityChanges)
            {
                if (!x.IsAdd && x.Pool == l.Pool && (x.Position == l.Position || remove.IsSigner(add.FeePayer)))
                {
                    matched = true;
                    samePosition = x.Position == l.Position;
                    break;
                }
            }

            if (!matched)
            {
                continue;
            }

            // Victims: other wallets' swaps on the pool between the add and the remove (none when the pool has no swap).
            if (!index.TryGetPoolId(l.Pool, out var pid))
            {
                return false;
            }

            List<Signature>? victims = null;
            foreach (var leg in index.PoolLegs(pid))
            {
                if (leg.Tx > a && leg.Tx < r && !window[leg.Tx].IsSigner(add.FeePayer) && (victims is null || victims[^1] != window[leg.Tx].Signature))
                {
                    (victims ??= []).Add(window[leg.Tx].Signature);
                }
            }

            if (victims is not null)
            {
                var c = (samePosition ? 0.9 : 0.8) + (r - a == victims.Count + 1 ? 0.05 : 0);
                var all = new List<Signature>(victims.Count + 2) { add.Signature };
                all.AddRange(victims);
                all.Add(remove.Signature);
                detections.Add(new DetectionEvent
                {
                    Kind = DetectionKind.JitLiquidity,
                    Slot = remove.Slot,
                    Front = add.Signature,
                    Back = remove.Signature,
                    Victims = victims,
                    Attacker = add.FeePayer,
                    Pool = l.Pool,
                    Confidence = Math.Round(c, 4),
                    Detector = DetectorName,
                    DetectedAt = _time.GetUtcNow(),
                    Transactions = all,
                });
            }

            return false;
        }

        return true;
    }
}
