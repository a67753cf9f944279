namespace MevDefense.Ingest.Selection.Internal;

/// <summary>The node's current position (<c>getEpochInfo</c>): epoch, slot within it, epoch length and absolute slot.</summary>
internal readonly record struct EpochInfo(ulong Epoch, ulong SlotIndex, ulong SlotsInEpoch, ulong AbsoluteSlot)
{
    /// <summary>The first slot of the current epoch.</summary>
    public ulong FirstSlot => AbsoluteSlot - SlotIndex;
}
