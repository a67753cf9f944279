namespace MevDefense.Wire;

/// <summary>A compiled instruction in a <see cref="TransactionMessage"/> (heap model used for writing).</summary>
/// <param name="ProgramIdIndex">The index of the program id among the static keys.</param>
/// <param name="Accounts">The account indexes.</param>
/// <param name="Data">The instruction data.</param>
public sealed record MessageInstruction(byte ProgramIdIndex, ReadOnlyMemory<byte> Accounts, ReadOnlyMemory<byte> Data);
