using System.Buffers.Binary;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Dex.Internal;
using MevDefense.Wire;
using MevDefense.Detection.Lookup;

namespace MevDefense.Detection.Decoding;

/// <summary>
/// Decodes wire transactions (legacy and v0) into <see cref="DecodedTransaction"/>s: resolves lookup-table accounts
/// through an optional <see cref="IAddressLookupTableProvider"/>, runs the swap decoders of a
/// <see cref="SwapDecoderRegistry"/> on every top-level instruction, and reads compute-budget settings, transfers, Jito
/// tips, the <c>jitodontfront</c> marker and liquidity changes. Allocation-free after warm-up. Not thread-safe: use one
/// instance per thread.
/// </summary>
public sealed class TransactionDecoder
{
    private const int MaxKeys = 256;
    private readonly SwapDecoderRegistry _registry;
    private readonly IAddressLookupTableProvider? _lookupTables;
    private readonly Pubkey[] _keys = new Pubkey[MaxKeys];
    private readonly bool[] _unresolved = new bool[MaxKeys];
    private readonly Pubkey[] _ixAccounts = new Pubkey[MaxKeys];
    private readonly SwapIntent[] _swaps = new SwapIntent[JupiterV6Decoder.MaxSteps];

    /// <summary>Initializes a new instance with the built-in decoders and no lookup-table provider.</summary>
    public TransactionDecoder()
        : this(SwapDecoderRegistry.CreateDefault(), null)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="registry">The swap decoders.</param>
    /// <param name="lookupTables">Resolves lookup tables; without it, accounts loaded from tables stay unresolved and the swaps that need them are counted in <see cref="DecodedTransaction.UnresolvedSwapCount"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="registry"/> is <see langword="null"/>.</exception>
    public TransactionDecoder(SwapDecoderRegistry registry, IAddressLookupTableProvider? lookupTables)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _lookupTables = lookupTables;
    }

    /// <summary>Returns the lookup tables a v0 transaction refers to that the provider does not know yet (to prefetch them).</summary>
    /// <param name="wire">The wire transaction.</param>
    /// <param name="missing">Receives the unknown tables.</param>
    public void CollectMissingLookupTables(ReadOnlySpan<byte> wire, ICollection<Pubkey> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        if (!TransactionView.TryParse(wire, out var tx) || tx.Version != TransactionVersion.V0)
        {
            return;
        }

        foreach (var l in tx.Lookups)
        {
            var table = new Pubkey(l.TableKey);
            if (_lookupTables is null || !_lookupTables.TryGetAddresses(table, out _))
            {
                missing.Add(table);
            }
        }
    }

    /// <summary>Decodes one wire transaction.</summary>
    /// <param name="wire">Exactly one serialized transaction.</param>
    /// <param name="slot">The slot.</param>
    /// <param name="index">The position in the slot.</param>
    /// <param name="target">The instance to overwrite.</param>
    /// <returns><see langword="false"/> when the bytes are not a well-formed legacy or v0 transaction (the target is then cleared).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    public bool TryDecode(ReadOnlySpan<byte> wire, ulong slot, int index, DecodedTransaction target)
        => TryDecode(wire, slot, index, target, default, default, useLoaded: false);

    /// <summary>Decodes one wire transaction whose lookup-table accounts are already known (for example
    /// <c>meta.loadedAddresses</c> of a <c>getBlock</c> response).</summary>
    /// <param name="wire">Exactly one serialized transaction.</param>
    /// <param name="slot">The slot.</param>
    /// <param name="index">The position in the slot.</param>
    /// <param name="target">The instance to overwrite.</param>
    /// <param name="loadedWritable">The writable addresses loaded from lookup tables, in message order.</param>
    /// <param name="loadedReadonly">The read-only addresses loaded from lookup tables, in message order.</param>
    /// <returns><see langword="false"/> when the bytes are not a well-formed legacy or v0 transaction or the loaded addresses do not match its lookups.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    public bool TryDecode(ReadOnlySpan<byte> wire, ulong slot, int index, DecodedTransaction target, ReadOnlySpan<Pubkey> loadedWritable, ReadOnlySpan<Pubkey> loadedReadonly)
        => TryDecode(wire, slot, index, target, loadedWritable, loadedReadonly, useLoaded: true);

    private bool TryDecode(ReadOnlySpan<byte> wire, ulong slot, int index, DecodedTransaction target, ReadOnlySpan<Pubkey> loadedWritable, ReadOnlySpan<Pubkey> loadedReadonly, bool useLoaded)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Clear();
        // Core's reader: legacy, v0 and v1, bounds-checked, exactly one transaction.
        if (!TransactionView.TryParse(wire, out var tx))
        {
            return false;
        }

        return Decode(tx, slot, index, target, loadedWritable, loadedReadonly, useLoaded);
    }

    /// <summary>Decodes a transaction Core's reader has already validated (an entry batch's <see cref="EntryBatchReader.TryReadTransaction"/>
    /// view, whose bytes are exactly the transaction): the same result as <see cref="TryDecode(ReadOnlySpan{byte}, ulong, int, DecodedTransaction)"/>
    /// over <c>tx.Wire</c>, without reading the bytes a second time.</summary>
    internal bool TryDecodeView(scoped in TransactionView tx, ulong slot, int index, DecodedTransaction target, bool targetCleared = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!targetCleared)
        {
            target.Clear();
        }

        return Decode(tx, slot, index, target, default, default, useLoaded: false);
    }

    private bool Decode(scoped in TransactionView tx, ulong slot, int index, DecodedTransaction target, ReadOnlySpan<Pubkey> loadedWritable, ReadOnlySpan<Pubkey> loadedReadonly, bool useLoaded)
    {
        target.Signature = new Signature(tx.GetSignature(0));
        target.Slot = slot;
        target.Index = index;
        target.SignatureCount = tx.SignatureCount;
        target.InstructionCount = tx.Layout.InstructionCount;
        // Static keys straight from the validated layout (the reader checked they fit); the first NumRequiredSignatures sign.
        var keyCount = tx.StaticKeyCount;
        var staticKeys = tx.Wire.Slice(tx.Layout.StaticKeysOffset, keyCount * Pubkey.Size);
        var keys = _keys.AsSpan(0, keyCount);
        var dontFront = false;
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new Pubkey(staticKeys.Slice(i * Pubkey.Size, Pubkey.Size));
            dontFront |= JitoTipAccounts.MayBeDontFrontMarker(keys[i]) && JitoTipAccounts.IsDontFrontMarker(keys[i]);
        }

        _unresolved.AsSpan(0, keyCount).Clear();
        for (var i = 0; i < tx.Header.NumRequiredSignatures; i++)
        {
            target.AddSigner(keys[i]);
        }

        var staticCount = keyCount;
        if (tx.Version == TransactionVersion.V0 && !(useLoaded ? UseLoaded(tx, loadedWritable, loadedReadonly, ref keyCount) : ResolveLookups(tx, ref keyCount)))
        {
            target.Clear();
            return false;
        }

        for (var i = staticCount; i < keyCount && !dontFront; i++)
        {
            dontFront = JitoTipAccounts.MayBeDontFrontMarker(_keys[i]) && JitoTipAccounts.IsDontFrontMarker(_keys[i]);
        }

        target.DontFront = dontFront;

        foreach (var ix in tx.Instructions)
        {
            if (ix.ProgramIdIndex >= keyCount)
            {
                target.Clear();
                return false;
            }

            var anyUnresolved = _unresolved[ix.ProgramIdIndex];
            var n = ix.Accounts.Length;
            for (var a = 0; a < n; a++)
            {
                var k = ix.Accounts[a];
                if (k >= keyCount)
                {
                    target.Clear();
                    return false;
                }

                _ixAccounts[a] = _keys[k];
                anyUnresolved |= _unresolved[k];
            }

            if (_unresolved[ix.ProgramIdIndex])
            {
                target.UnresolvedInstructionCount++;
                continue;
            }

            DecodeInstruction(_keys[ix.ProgramIdIndex], _ixAccounts.AsSpan(0, n), ix.Data, anyUnresolved, target);
        }

        return true;
    }

    private bool UseLoaded(scoped in TransactionView tx, ReadOnlySpan<Pubkey> writable, ReadOnlySpan<Pubkey> readOnly, ref int keyCount)
    {
        int w = 0, r = 0;
        foreach (var l in tx.Lookups)
        {
            w += l.WritableIndexes.Length;
            r += l.ReadonlyIndexes.Length;
        }

        if (w != writable.Length || r != readOnly.Length || keyCount + w + r > MaxKeys)
        {
            return false;
        }

        foreach (var k in writable)
        {
            _keys[keyCount] = k;
            _unresolved[keyCount++] = false;
        }

        foreach (var k in readOnly)
        {
            _keys[keyCount] = k;
            _unresolved[keyCount++] = false;
        }

        return true;
    }

    private bool ResolveLookups(scoped in TransactionView tx, ref int keyCount)
    {
        // v0 order: every table's writable addresses, then every table's read-only addresses.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var l in tx.Lookups)
            {
                var indexes = pass == 0 ? l.WritableIndexes : l.ReadonlyIndexes;
                ReadOnlySpan<Pubkey> table = default;
                var known = _lookupTables is not null && _lookupTables.TryGetAddresses(new Pubkey(l.TableKey), out var mem) && (table = mem.Span).Length >= 0;
                foreach (var idx in indexes)
                {
                    if (keyCount >= MaxKeys)
                    {
                        return false;
                    }

                    var ok = known && idx < table.Length;
                    _keys[keyCount] = ok ? table[idx] : default;
                    _unresolved[keyCount] = !ok;
                    keyCount++;
                }
            }
        }

        return true;
    }

    private void DecodeInstruction(in Pubkey program, ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, bool anyUnresolved, DecodedTransaction target)
    {
        // The built-in programs differ in their first eight bytes: one compare rules each out before the full key compare.
        var prefix = BinaryPrimitives.ReadUInt64LittleEndian(program.AsSpan());
        if (prefix == BuiltinPrefixes.ComputeBudget && program == DexProgramIds.ComputeBudget)
        {
            if (data.Length >= 5 && data[0] == 2)
            {
                target.ComputeUnitLimit = BinaryPrimitives.ReadUInt32LittleEndian(data[1..]);
            }
            else if (data.Length >= 9 && data[0] == 3)
            {
                target.ComputeUnitPrice = BinaryPrimitives.ReadUInt64LittleEndian(data[1..]);
            }

            return;
        }

        if (prefix == BuiltinPrefixes.Vote && program == DexProgramIds.VoteProgram)
        {
            target.IsVote = true;
            return;
        }

        if (prefix == BuiltinPrefixes.System && program == DexProgramIds.SystemProgram)
        {
            if (data.Length >= 12 && BinaryPrimitives.ReadUInt32LittleEndian(data) == 2 && accounts.Length >= 2)
            {
                var lamports = BinaryPrimitives.ReadUInt64LittleEndian(data[4..]);
                var tip = JitoTipAccounts.IsTipAccount(accounts[1]);
                if (tip)
                {
                    target.TipLamports += lamports;
                }

                target.AddTransfer(new TransferRecord { From = accounts[0], To = accounts[1], Authority = accounts[0], Amount = lamports, IsTip = tip });
            }

            return;
        }

        if ((prefix == BuiltinPrefixes.Token && program == DexProgramIds.TokenProgram) || (prefix == BuiltinPrefixes.Token2022 && program == DexProgramIds.Token2022Program))
        {
            if (data.Length >= 9 && data[0] == 3 && accounts.Length >= 3)
            {
                target.AddTransfer(new TransferRecord { From = accounts[0], To = accounts[1], Authority = accounts[2], Amount = BinaryPrimitives.ReadUInt64LittleEndian(data[1..]), IsToken = true });
            }
            else if (data.Length >= 10 && data[0] == 12 && accounts.Length >= 4)
            {
                target.AddTransfer(new TransferRecord { From = accounts[0], To = accounts[2], Authority = accounts[3], Amount = BinaryPrimitives.ReadUInt64LittleEndian(data[1..]), IsToken = true });
            }

            return;
        }

        if (prefix == BuiltinPrefixes.AssociatedToken && program == DexProgramIds.AssociatedTokenProgram)
        {
            if ((data.IsEmpty || data[0] <= 1) && accounts.Length >= 4)
            {
                target.AddTokenAccount(new TokenAccountInfo { Account = accounts[1], Owner = accounts[2], Mint = accounts[3] });
            }

            return;
        }

        var status = _registry.Decode(program, accounts, data, _swaps, out var written);
        switch (status)
        {
            case SwapDecodeStatus.Decoded:
                for (var i = 0; i < written; i++)
                {
                    if (_swaps[i].Pool.IsZero && anyUnresolved)
                    {
                        target.UnresolvedSwapCount++;
                    }
                    else
                    {
                        target.AddSwap(_swaps[i]);
                    }
                }

                return;
            case SwapDecodeStatus.Malformed:
                if (anyUnresolved)
                {
                    target.UnresolvedSwapCount++;
                }
                else
                {
                    target.MalformedSwapCount++;
                }

                return;
            case SwapDecodeStatus.DestinationTooSmall:
                target.MalformedSwapCount++;
                return;
        }

        if (LiquidityDecoder.TryDecode(program, accounts, data, out var liquidity) && !liquidity.Pool.IsZero)
        {
            target.AddLiquidityChange(liquidity);
        }
    }

    /// <summary>The first eight bytes (little-endian) of the built-in programs' ids, pairwise different.</summary>
    private static class BuiltinPrefixes
    {
        public static readonly ulong ComputeBudget = Prefix(DexProgramIds.ComputeBudget);
        public static readonly ulong Vote = Prefix(DexProgramIds.VoteProgram);
        public static readonly ulong System = Prefix(DexProgramIds.SystemProgram);
        public static readonly ulong Token = Prefix(DexProgramIds.TokenProgram);
        public static readonly ulong Token2022 = Prefix(DexProgramIds.Token2022Program);
        public static readonly ulong AssociatedToken = Prefix(DexProgramIds.AssociatedTokenProgram);

        private static ulong Prefix(in Pubkey key) => BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan());
    }
}
