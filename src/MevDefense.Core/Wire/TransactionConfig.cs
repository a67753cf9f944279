namespace MevDefense.Wire;

/// <summary>The inline compute-budget configuration of a v1 (SIMD-0385) transaction; <see langword="null"/> fields are absent.</summary>
/// <param name="PriorityFee">The priority fee in lamports (mask bits 0 and 1).</param>
/// <param name="ComputeUnitLimit">The compute unit limit (mask bit 2).</param>
/// <param name="LoadedAccountsDataSizeLimit">The loaded accounts data size limit in bytes (mask bit 3).</param>
/// <param name="HeapSize">The requested heap size in bytes (mask bit 4).</param>
public readonly record struct TransactionConfig(ulong? PriorityFee, uint? ComputeUnitLimit, uint? LoadedAccountsDataSizeLimit, uint? HeapSize)
{
    /// <summary>Gets the configuration mask these values encode to.</summary>
    public uint Mask => (PriorityFee.HasValue ? 0b11u : 0) | (ComputeUnitLimit.HasValue ? 0b100u : 0)
        | (LoadedAccountsDataSizeLimit.HasValue ? 0b1000u : 0) | (HeapSize.HasValue ? 0b10000u : 0);

    /// <summary>Gets the number of bytes the values take on the wire.</summary>
    public int EncodedLength => (PriorityFee.HasValue ? 8 : 0) + (ComputeUnitLimit.HasValue ? 4 : 0)
        + (LoadedAccountsDataSizeLimit.HasValue ? 4 : 0) + (HeapSize.HasValue ? 4 : 0);
}
