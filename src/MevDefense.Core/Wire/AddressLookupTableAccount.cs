namespace MevDefense.Wire;

/// <summary>The contents of an on-chain address lookup table, used by <see cref="TransactionBuilder"/> to compile v0 messages.</summary>
/// <param name="Key">The table account address.</param>
/// <param name="Addresses">The addresses the table holds, by index.</param>
public sealed record AddressLookupTableAccount(Pubkey Key, IReadOnlyList<Pubkey> Addresses);
