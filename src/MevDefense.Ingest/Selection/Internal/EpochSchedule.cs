using System.Numerics;

namespace MevDefense.Ingest.Selection.Internal;

/// <summary>
/// A cluster's epoch layout as returned by <c>getEpochSchedule</c> (agave <c>EpochSchedule</c>): with warm-up, epoch e &lt;
/// <see cref="FirstNormalEpoch"/> has 32·2^e slots and starts at 32·(2^e − 1); from <see cref="FirstNormalSlot"/> on every epoch has
/// <see cref="SlotsPerEpoch"/> slots.
/// </summary>
internal readonly record struct EpochSchedule(ulong SlotsPerEpoch, ulong FirstNormalEpoch, ulong FirstNormalSlot)
{
    private const ulong MinimumSlotsPerEpoch = 32;

    /// <summary>The epoch containing <paramref name="slot"/>.</summary>
    public ulong GetEpoch(ulong slot)
    {
        if (slot >= FirstNormalSlot)
        {
            return FirstNormalEpoch + ((slot - FirstNormalSlot) / SlotsPerEpoch);
        }

        // Warm-up epoch e covers [32 (2^e - 1), 32 (2^(e+1) - 1)): e = log2((slot + 32) / 32) rounded down.
        return (ulong)(BitOperations.Log2((slot + MinimumSlotsPerEpoch) / MinimumSlotsPerEpoch));
    }

    /// <summary>The first slot of <paramref name="epoch"/>.</summary>
    public ulong GetFirstSlot(ulong epoch) => epoch < FirstNormalEpoch
        ? MinimumSlotsPerEpoch * ((1UL << (int)epoch) - 1)
        : FirstNormalSlot + ((epoch - FirstNormalEpoch) * SlotsPerEpoch);

    /// <summary>The number of slots of <paramref name="epoch"/>.</summary>
    public ulong GetSlotsInEpoch(ulong epoch) => epoch < FirstNormalEpoch ? MinimumSlotsPerEpoch << (int)epoch : SlotsPerEpoch;

    /// <summary>Whether the values are usable (non-zero epoch length, warm-up bounded to 64 doublings, consistent first normal slot).</summary>
    public bool IsValid => SlotsPerEpoch > 0 && FirstNormalEpoch < 58
        && FirstNormalSlot == MinimumSlotsPerEpoch * ((1UL << (int)FirstNormalEpoch) - 1);
}
