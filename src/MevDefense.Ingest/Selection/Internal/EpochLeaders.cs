namespace MevDefense.Ingest.Selection.Internal;

/// <summary>
/// The leader schedule of one epoch, immutable once built: the distinct leaders plus, per slot of the epoch, the index of its
/// leader (−1 when the schedule did not name one). ~4 bytes per slot (1.7 MB for a 432,000-slot epoch).
/// </summary>
internal sealed class EpochLeaders(ulong epoch, ulong firstSlot, Pubkey[] leaders, int[] slotLeader)
{
    public ulong Epoch { get; } = epoch;

    public ulong FirstSlot { get; } = firstSlot;

    public int LeaderCount => leaders.Length;

    public int SlotCount => slotLeader.Length;

    public bool TryGet(ulong slot, out Pubkey leader, out bool inRange)
    {
        ulong offset = slot - FirstSlot;
        inRange = slot >= FirstSlot && offset < (ulong)slotLeader.Length;
        if (inRange)
        {
            int index = slotLeader[(int)offset];
            if (index >= 0)
            {
                leader = leaders[index];
                return true;
            }
        }

        leader = default;
        return false;
    }
}
