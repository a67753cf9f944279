namespace MevDefense.Wire;

/// <summary>The three-byte message header.</summary>
/// <param name="NumRequiredSignatures">The number of signatures required; the first this many static keys sign.</param>
/// <param name="NumReadonlySigned">How many of the signing keys (the last ones) are read-only.</param>
/// <param name="NumReadonlyUnsigned">How many of the non-signing static keys (the last ones) are read-only.</param>
public readonly record struct MessageHeader(byte NumRequiredSignatures, byte NumReadonlySigned, byte NumReadonlyUnsigned);
