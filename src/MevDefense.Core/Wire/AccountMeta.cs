namespace MevDefense.Wire;

/// <summary>An account an instruction uses, with its role.</summary>
/// <param name="Pubkey">The account address.</param>
/// <param name="IsSigner">Whether the account must sign.</param>
/// <param name="IsWritable">Whether the instruction writes the account.</param>
public readonly record struct AccountMeta(Pubkey Pubkey, bool IsSigner, bool IsWritable)
{
    /// <summary>Creates a writable account meta.</summary>
    /// <param name="pubkey">The address.</param>
    /// <param name="isSigner">Whether it signs.</param>
    /// <returns>The meta.</returns>
    public static AccountMeta Writable(Pubkey pubkey, bool isSigner = false) => new(pubkey, isSigner, true);

    /// <summary>Creates a read-only account meta.</summary>
    /// <param name="pubkey">The address.</param>
    /// <param name="isSigner">Whether it signs.</param>
    /// <returns>The meta.</returns>
    public static AccountMeta ReadOnly(Pubkey pubkey, bool isSigner = false) => new(pubkey, isSigner, false);
}
