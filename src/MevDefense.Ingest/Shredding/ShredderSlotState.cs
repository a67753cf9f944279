namespace MevDefense.Ingest.Shredding;

/// <summary>Per-slot state a <see cref="MerkleShredder"/> carries between entry batches of one slot.</summary>
public sealed class ShredderSlotState
{
    /// <summary>Creates the state for the start of a slot.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="parentSlot">The parent slot (equal to <paramref name="slot"/> only for slot 0).</param>
    /// <param name="chainedMerkleRoot">The Merkle root of the last FEC set of the parent slot (zero for slot 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">The parent is after the slot or more than 65,535 slots before it.</exception>
    public ShredderSlotState(ulong slot, ulong parentSlot, Hash chainedMerkleRoot = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parentSlot, slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slot - parentSlot, (ulong)ushort.MaxValue, nameof(parentSlot));
        Slot = slot;
        ParentSlot = parentSlot;
        ChainedMerkleRoot = chainedMerkleRoot;
    }

    /// <summary>Gets the slot.</summary>
    public ulong Slot { get; }

    /// <summary>Gets the parent slot.</summary>
    public ulong ParentSlot { get; }

    /// <summary>Gets the index the next data shred gets (always a multiple of 32).</summary>
    public uint NextIndex { get; internal set; }

    /// <summary>Gets the Merkle root of the previous FEC set, chained into the next one.</summary>
    public Hash ChainedMerkleRoot { get; internal set; }

    /// <summary>Gets whether the slot's last shred was produced.</summary>
    public bool IsComplete { get; internal set; }
}
