namespace MevDefense.Wire;

/// <summary>
/// A compiled message as a heap model: what <see cref="TransactionWriter"/> serializes and <see cref="TransactionBuilder"/> produces.
/// </summary>
public sealed class TransactionMessage
{
    /// <summary>Gets the format to write.</summary>
    /// <value>The default value is <see cref="TransactionVersion.Legacy"/>.</value>
    public TransactionVersion Version { get; init; }

    /// <summary>Gets the header.</summary>
    public MessageHeader Header { get; init; }

    /// <summary>Gets the static account keys (signers first).</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<Pubkey> StaticKeys { get; init; } = [];

    /// <summary>Gets the recent blockhash (v1: lifetime specifier).</summary>
    public Hash RecentBlockhash { get; init; }

    /// <summary>Gets the compiled instructions.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<MessageInstruction> Instructions { get; init; } = [];

    /// <summary>Gets the address-table lookups (v0 only).</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<MessageAddressTableLookup> Lookups { get; init; } = [];

    /// <summary>Gets the inline configuration (v1 only).</summary>
    /// <value>The default value has no fields set.</value>
    public TransactionConfig Config { get; init; }

    /// <summary>Copies a parsed transaction's message into the heap model.</summary>
    /// <param name="view">The transaction.</param>
    /// <returns>The message.</returns>
    public static TransactionMessage FromView(TransactionView view)
    {
        var keys = new Pubkey[view.StaticKeyCount];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = new Pubkey(view.GetStaticKey(i));
        }

        var instructions = new List<MessageInstruction>(view.Layout.InstructionCount);
        foreach (var ix in view.Instructions)
        {
            instructions.Add(new MessageInstruction(ix.ProgramIdIndex, ix.Accounts.ToArray(), ix.Data.ToArray()));
        }

        var lookups = new List<MessageAddressTableLookup>(view.Layout.LookupCount);
        foreach (var l in view.Lookups)
        {
            lookups.Add(new MessageAddressTableLookup(new Pubkey(l.TableKey), l.WritableIndexes.ToArray(), l.ReadonlyIndexes.ToArray()));
        }

        return new TransactionMessage
        {
            Version = view.Version,
            Header = view.Header,
            StaticKeys = keys,
            RecentBlockhash = new Hash(view.RecentBlockhash),
            Instructions = instructions,
            Lookups = lookups,
            Config = view.Config,
        };
    }
}
