namespace MevDefense.Wire;

/// <summary>An uncompiled instruction: program, accounts with roles, and data. <see cref="TransactionBuilder"/> compiles it.</summary>
/// <param name="ProgramId">The program to invoke.</param>
/// <param name="Accounts">The accounts, in the order the program expects.</param>
/// <param name="Data">The instruction data.</param>
public sealed record Instruction(Pubkey ProgramId, IReadOnlyList<AccountMeta> Accounts, ReadOnlyMemory<byte> Data);
