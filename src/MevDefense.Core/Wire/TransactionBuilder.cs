using MevDefense.Crypto;

namespace MevDefense.Wire;

/// <summary>
/// Compiles instructions into a legacy, v0 or v1 <see cref="TransactionMessage"/> and signs it.
/// </summary>
/// <remarks>
/// Account order: the fee payer first, then writable signers, read-only signers, writable non-signers and read-only non-signers, each
/// group in first-use order; an account used several times gets the union of its roles. For v0, non-signer accounts that are not
/// program ids and appear in a supplied lookup table are loaded through that table (first matching table wins) instead of being static.
/// </remarks>
/// <example>
/// <code>
/// var tx = new TransactionBuilder(payer.PublicKey, blockhash)
///     .AddInstruction(new Instruction(memoProgram, [AccountMeta.ReadOnly(payer.PublicKey, isSigner: true)], memoBytes))
///     .BuildAndSign([payer]);
/// </code>
/// </example>
public sealed class TransactionBuilder
{
    private readonly List<Instruction> _instructions = [];
    private readonly List<AddressLookupTableAccount> _tables = [];

    /// <summary>Creates a builder.</summary>
    /// <param name="feePayer">The fee payer: always static key 0, a writable signer.</param>
    /// <param name="recentBlockhash">The recent blockhash (or durable nonce).</param>
    public TransactionBuilder(Pubkey feePayer, Hash recentBlockhash)
    {
        FeePayer = feePayer;
        RecentBlockhash = recentBlockhash;
    }

    /// <summary>Gets the fee payer.</summary>
    public Pubkey FeePayer { get; }

    /// <summary>Gets the recent blockhash.</summary>
    public Hash RecentBlockhash { get; }

    /// <summary>Gets or sets the format to compile to. Adding a lookup table switches a legacy builder to v0.</summary>
    /// <value>The default value is <see cref="TransactionVersion.Legacy"/>.</value>
    public TransactionVersion Version { get; set; }

    /// <summary>Gets or sets the inline configuration (v1 only).</summary>
    /// <value>The default value has no fields set.</value>
    public TransactionConfig Config { get; set; }

    /// <summary>Adds an instruction.</summary>
    /// <param name="instruction">The instruction.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    public TransactionBuilder AddInstruction(Instruction instruction)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        ArgumentNullException.ThrowIfNull(instruction.Accounts);
        _instructions.Add(instruction);
        return this;
    }

    /// <summary>Adds an address lookup table to compile against (makes the message v0).</summary>
    /// <param name="table">The table contents.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    public TransactionBuilder AddLookupTable(AddressLookupTableAccount table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _tables.Add(table);
        if (Version == TransactionVersion.Legacy)
        {
            Version = TransactionVersion.V0;
        }

        return this;
    }

    /// <summary>Compiles the message.</summary>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidOperationException">Lookup tables with a non-v0 version, or too many accounts.</exception>
    public TransactionMessage Compile()
    {
        if (_tables.Count > 0 && Version != TransactionVersion.V0)
        {
            throw new InvalidOperationException("Lookup tables need a v0 message.");
        }

        // Collect roles in first-use order.
        var order = new List<Pubkey>();
        var roles = new Dictionary<Pubkey, (bool Signer, bool Writable, bool Program)>();
        void Add(Pubkey k, bool signer, bool writable, bool program)
        {
            if (roles.TryGetValue(k, out var r))
            {
                roles[k] = (r.Signer | signer, r.Writable | writable, r.Program | program);
            }
            else
            {
                roles[k] = (signer, writable, program);
                order.Add(k);
            }
        }

        Add(FeePayer, true, true, false);
        foreach (var ix in _instructions)
        {
            foreach (var a in ix.Accounts)
            {
                Add(a.Pubkey, a.IsSigner, a.IsWritable, false);
            }

            Add(ix.ProgramId, false, false, true);
        }

        var ws = new List<Pubkey>();
        var rs = new List<Pubkey>();
        var wn = new List<Pubkey>();
        var rn = new List<Pubkey>();
        foreach (var k in order)
        {
            var r = roles[k];
            (r.Signer ? (r.Writable ? ws : rs) : (r.Writable ? wn : rn)).Add(k);
        }

        // v0: move eligible non-signers into lookups.
        var lookups = new List<MessageAddressTableLookup>();
        var lookupWritable = new List<Pubkey>();
        var lookupReadonly = new List<Pubkey>();
        foreach (var table in _tables)
        {
            var w = new List<byte>();
            var ro = new List<byte>();
            Extract(table, wn, w, lookupWritable, roles);
            Extract(table, rn, ro, lookupReadonly, roles);
            if (w.Count + ro.Count > 0)
            {
                lookups.Add(new MessageAddressTableLookup(table.Key, w.ToArray(), ro.ToArray()));
            }
        }

        var staticKeys = new List<Pubkey>(ws.Count + rs.Count + wn.Count + rn.Count);
        staticKeys.AddRange(ws);
        staticKeys.AddRange(rs);
        staticKeys.AddRange(wn);
        staticKeys.AddRange(rn);
        var index = new Dictionary<Pubkey, int>();
        foreach (var k in staticKeys)
        {
            index[k] = index.Count;
        }

        foreach (var k in lookupWritable)
        {
            index[k] = index.Count;
        }

        foreach (var k in lookupReadonly)
        {
            index[k] = index.Count;
        }

        if (index.Count > TransactionReader.MaxAccounts || ws.Count + rs.Count > byte.MaxValue || rn.Count > byte.MaxValue)
        {
            throw new InvalidOperationException("Too many accounts for one transaction.");
        }

        var compiled = new List<MessageInstruction>(_instructions.Count);
        foreach (var ix in _instructions)
        {
            var accounts = new byte[ix.Accounts.Count];
            for (int i = 0; i < accounts.Length; i++)
            {
                accounts[i] = (byte)index[ix.Accounts[i].Pubkey];
            }

            compiled.Add(new MessageInstruction((byte)index[ix.ProgramId], accounts, ix.Data));
        }

        return new TransactionMessage
        {
            Version = Version,
            Header = new MessageHeader((byte)(ws.Count + rs.Count), (byte)rs.Count, (byte)rn.Count),
            StaticKeys = staticKeys,
            RecentBlockhash = RecentBlockhash,
            Instructions = compiled,
            Lookups = lookups,
            Config = Version == TransactionVersion.V1 ? Config : default,
        };
    }

    /// <summary>Compiles, signs and serializes the transaction.</summary>
    /// <param name="signers">Keypairs for every signer (fee payer included).</param>
    /// <returns>The signed transaction.</returns>
    /// <exception cref="ArgumentException">A signer is missing, or the result is not a valid transaction (for example too large).</exception>
    public Transaction BuildAndSign(IEnumerable<Ed25519Keypair> signers) => TransactionWriter.Sign(Compile(), signers);

    private static void Extract(AddressLookupTableAccount table, List<Pubkey> candidates, List<byte> indexes, List<Pubkey> loaded,
        Dictionary<Pubkey, (bool Signer, bool Writable, bool Program)> roles)
    {
        for (int i = 0; i < candidates.Count; i++)
        {
            var k = candidates[i];
            if (roles[k].Program)
            {
                continue;
            }

            int at = -1;
            for (int j = 0; j < table.Addresses.Count && j <= byte.MaxValue; j++)
            {
                if (table.Addresses[j] == k)
                {
                    at = j;
                    break;
                }
            }

            if (at >= 0)
            {
                indexes.Add((byte)at);
                loaded.Add(k);
                candidates.RemoveAt(i);
                i--;
            }
        }
    }
}
