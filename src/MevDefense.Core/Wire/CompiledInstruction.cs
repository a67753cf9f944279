namespace MevDefense.Wire;

/// <summary>One compiled instruction, as spans over the wire bytes.</summary>
public readonly ref struct CompiledInstruction
{
    /// <summary>Creates an instruction view.</summary>
    /// <param name="programIdIndex">The index of the program id in the account list.</param>
    /// <param name="accounts">The account indexes.</param>
    /// <param name="data">The instruction data.</param>
    public CompiledInstruction(byte programIdIndex, ReadOnlySpan<byte> accounts, ReadOnlySpan<byte> data)
    {
        ProgramIdIndex = programIdIndex;
        Accounts = accounts;
        Data = data;
    }

    /// <summary>Gets the index of the program id among the static keys.</summary>
    public byte ProgramIdIndex { get; }

    /// <summary>Gets the account indexes (into static keys, then lookup writable, then lookup read-only).</summary>
    public ReadOnlySpan<byte> Accounts { get; }

    /// <summary>Gets the instruction data.</summary>
    public ReadOnlySpan<byte> Data { get; }
}
