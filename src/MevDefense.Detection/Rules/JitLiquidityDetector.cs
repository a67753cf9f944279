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
        var index = window.Prepare();
        for (var a = 0; a < window.Count; a++)
        {
            var add = window[a];
            foreach (var l in add.LiquidityChanges)
            {
                if (!l.IsAdd || !index.TryGetPoolId(l.Pool, out var pid))
                {
                    continue;
                }

                for (var r = a + 1; r < window.Count && r - a <= MaxDistance; r++)
                {
                    var remove = window[r];
                    if (remove.Slot != add.Slot)
                    {
                        break;
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

                    var victims = new List<Signature>();
                    foreach (var leg in index.PoolLegs(pid))
                    {
                        if (leg.Tx > a && leg.Tx < r && !window[leg.Tx].IsSigner(add.FeePayer) && (victims.Count == 0 || victims[^1] != window[leg.Tx].Signature))
                        {
                            victims.Add(window[leg.Tx].Signature);
                        }
                    }

                    if (victims.Count > 0)
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

                    break;
                }
            }
        }
    }
}
