namespace MevDefense.Wire;

/// <summary>
/// The validated layout of one wire transaction: offsets and counts only, no references, so it can be stored beside the bytes
/// (see <see cref="TransactionView"/> and <see cref="Transaction"/>). Produced by <see cref="TransactionReader"/>.
/// </summary>
public readonly struct TransactionLayout
{
    /// <summary>Gets the transaction format.</summary>
    public TransactionVersion Version { get; init; }

    /// <summary>Gets the total length of the transaction in bytes.</summary>
    public int Length { get; init; }

    /// <summary>Gets the message header.</summary>
    public MessageHeader Header { get; init; }

    /// <summary>Gets the number of signatures.</summary>
    public int SignatureCount { get; init; }

    /// <summary>Gets the offset of the first 64-byte signature.</summary>
    public int SignaturesOffset { get; init; }

    /// <summary>Gets the offset of the message (the bytes the signatures cover).</summary>
    public int MessageOffset { get; init; }

    /// <summary>Gets the length of the message in bytes.</summary>
    public int MessageLength { get; init; }

    /// <summary>Gets the number of static account keys.</summary>
    public int StaticKeyCount { get; init; }

    /// <summary>Gets the offset of the first static key.</summary>
    public int StaticKeysOffset { get; init; }

    /// <summary>Gets the offset of the recent blockhash (v1: the lifetime specifier).</summary>
    public int RecentBlockhashOffset { get; init; }

    /// <summary>Gets the number of compiled instructions.</summary>
    public int InstructionCount { get; init; }

    /// <summary>Gets the offset of the first instruction (v1: of the first instruction header).</summary>
    public int InstructionsOffset { get; init; }

    /// <summary>Gets the number of address-table lookups (v0 only).</summary>
    public int LookupCount { get; init; }

    /// <summary>Gets the offset of the first address-table lookup (v0 only).</summary>
    public int LookupsOffset { get; init; }

    /// <summary>Gets the total number of writable indexes over all lookups.</summary>
    public int LookupWritableCount { get; init; }

    /// <summary>Gets the total number of read-only indexes over all lookups.</summary>
    public int LookupReadonlyCount { get; init; }

    /// <summary>Gets the v1 configuration mask (0 for legacy and v0).</summary>
    public uint ConfigMask { get; init; }

    /// <summary>Gets the offset of the v1 configuration values.</summary>
    public int ConfigOffset { get; init; }

    /// <summary>Gets the number of accounts the transaction loads: static keys plus lookup indexes.</summary>
    public int TotalAccountCount => StaticKeyCount + LookupWritableCount + LookupReadonlyCount;
}
