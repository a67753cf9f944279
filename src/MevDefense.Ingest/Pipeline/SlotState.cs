namespace MevDefense.Ingest.Pipeline;

/// <summary>Per-slot deshred state (pooled and reused): data shreds by index, DATA_COMPLETE positions, emitted batches.</summary>
internal sealed class SlotState
{
    public readonly Dictionary<uint, FecSetState> Sets = [];
    public readonly DataShredTable Data = new();
    public readonly ulong[] Present = new ulong[Shreds.ShredConstants.MaxShredsPerSlot / 64];
    public readonly List<uint> DataComplete = [];
    public readonly HashSet<uint> EmittedEnds = [];
    public ulong Slot;

    public bool IsPresent(uint index) => (Present[index >> 6] & (1UL << (int)(index & 63))) != 0;

    public void MarkPresent(uint index) => Present[index >> 6] |= 1UL << (int)(index & 63);

    public bool AllPresent(uint first, uint last)
    {
        for (uint i = first; i <= last;)
        {
            int word = (int)(i >> 6);
            int bit = (int)(i & 63);
            int span = (int)Math.Min(64 - bit, last - i + 1);
            ulong mask = span == 64 ? ulong.MaxValue : ((1UL << span) - 1) << bit;
            if ((Present[word] & mask) != mask)
            {
                return false;
            }

            i += (uint)span;
        }

        return true;
    }

    public void AddDataComplete(uint index)
    {
        int pos = DataComplete.BinarySearch(index);
        if (pos < 0)
        {
            DataComplete.Insert(~pos, index);
        }
    }

    public void Reset()
    {
        Sets.Clear();
        Data.Clear();
        Array.Clear(Present);
        DataComplete.Clear();
        EmittedEnds.Clear();
        Slot = 0;
    }
}

/// <summary>A data shred's buffer, receive timestamp and owning FEC set (null for legacy shreds, owned by the slot).</summary>
internal readonly record struct DataShredRef(byte[] Buffer, long Timestamp, FecSetState? Owner);
