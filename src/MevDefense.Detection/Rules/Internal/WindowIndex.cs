using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Dex.Internal;

namespace MevDefense.Detection.Rules.Internal;

/// <summary>One swap hop of the window with its resolved direction.</summary>
internal struct Leg
{
    public int Tx;
    public int Index; // position in the window's leg list
    public int Swap;
    public int Pool;
    public ulong Slot; // the transaction's slot (read per candidate pair by the sandwich rule without loading the transaction)
    public sbyte Direction; // +1 A->B, -1 B->A, 0 unknown
    public bool RepeatedInTx; // the transaction swaps on this pool more than once
    public ulong SourceKey; // WindowIndex.KeyFilter of the swap's source token account (0 exactly when it is zero)
    public ulong DestinationKey; // WindowIndex.KeyFilter of the swap's destination token account (0 exactly when it is zero)
}

/// <summary>
/// What the sandwich rule's pair checks need from a swap transaction without loading it: a Bloom filter of its signers, the
/// filter bits of its fee payer, and the transfer list its fee payer authorised (see <see cref="WindowIndex.Facts"/>). Each
/// filter can only rule a match out; a possible match is confirmed on the transaction itself.
/// </summary>
internal struct TxFacts
{
    public ulong SignerBloom; // OR of WindowIndex.SignerBits over the signers
    public ulong PayerBits; // WindowIndex.SignerBits of the fee payer
    public ulong PayerKey; // WindowIndex.KeyFilter of the fee payer
    public int PayerTransfers; // the fee payer's authority transfer list when the transaction was indexed, or -1
    public int PayerLastTransfer; // the last transaction up to this one with a transfer the fee payer authorised, or -1
}

/// <summary>One transfer of the window as the sandwich rule's link check reads it: its transaction and destination.</summary>
internal readonly record struct TransferRef(int Tx, Pubkey To)
{
    /// <summary>Gets <see cref="WindowIndex.KeyFilter"/> of <see cref="To"/>.</summary>
    public ulong ToKey { get; } = WindowIndex.KeyFilter(To);
}

/// <summary>
/// Per-window index shared by the rule detectors: every swap hop grouped by pool (in block order), with directions
/// resolved from the instruction, from token-account mints revealed in the window, or from the account-state provider.
/// Reuses its buffers across windows.
/// </summary>
/// <remarks>
/// <para>The index can also be maintained incrementally (<see cref="Append"/>): transactions appended to the window are
/// indexed without re-indexing the earlier ones, and the pools the new legs landed on are reported in
/// <see cref="TouchedPools"/>. A leg's direction and a transaction's cycle check read token-account mints and pool mints that
/// later transactions may reveal; the index remembers which legs looked up which accounts (and which pools' mints), and when
/// an append reveals one of them it re-resolves exactly those legs and re-checks their transactions' cycles, reporting the
/// pools whose legs changed direction or whose transactions' cycle verdict changed (<see cref="RevisedPools"/>) and the
/// transactions concerned (<see cref="RevisedTransactions"/>). An incrementally maintained index is therefore always
/// identical to one built over the whole window.</para>
/// </remarks>
internal sealed class WindowIndex
{
    private readonly PubkeyMap<int> _poolIds = new();
    private readonly PubkeyMap<Pubkey> _accountMints = new(256);
    private readonly PubkeyMap<int> _transferAuthorities = new(); // authority -> its transfer list
    private readonly PubkeyMap<int> _transferSources = new(); // non-zero source account -> its transfer list
    private TransferRef[][] _transferLists = new TransferRef[64][]; // per list: (transaction, destination) in block order
    private int[] _transferListCounts = new int[64];
    private ulong[] _transferListKeys = new ulong[64]; // per list: KeyFilter of its account, with the low bit of the kind folded in below
    private readonly ulong[] _authorityBits = new ulong[64]; // 4,096-bit Bloom filter of the authorities that have a transfer list
    private int _transferListCount;
    private readonly PubkeyMap<int> _consulted = new(256); // account -> first side reference (leg * 2 + side) that looked its mint up
    private int[] _sideNext = new int[512]; // next side reference of the same account, or -1
    private int[] _legPoolPos = new int[256]; // position of each leg in its pool's list
    private double[] _cycle = new double[64]; // cycle (arbitrage) confidence per transaction
    private readonly List<Pubkey> _revealed = []; // consulted accounts whose mint changed in this append
    private int[] _revisedTx = new int[16];
    private int _revisedTxCount;
    private int[] _txMark = new int[64];
    private int[] _revisedPools = new int[16];
    private int[] _revisedPoolFirst = new int[64]; // per pool: earliest position in its leg list whose evidence changed
    private int _revisedPoolCount;
    private int[] _poolMintChanged = new int[64]; // generation mark: the pool's mints changed in this append
    private Pubkey[] _pools = new Pubkey[64];
    private (Pubkey A, Pubkey B)[] _poolMints = new (Pubkey, Pubkey)[64];
    private bool[] _poolMintsConsulted = new bool[64];
    private Leg[][] _poolLegs = new Leg[64][];
    private int[] _poolCounts = new int[64];
    private int[] _touchedMark = new int[64];
    private int[] _touched = new int[64];
    private int _touchedCount;
    private int _generation;
    private Leg[] _legs = new Leg[256];
    private TxFacts[] _facts = new TxFacts[64];
    private int[] _firstLegOfTx = new int[65];
    private bool _tracking;

    public int LegCount { get; private set; }

    /// <summary>Gets the number of transfer lists (authorities and source accounts); grows only, until the next build.</summary>
    public int TransferListCount => _transferListCount;

    /// <summary>
    /// Whether a transfer list created since the index had <paramref name="since"/> lists may belong to the authority with
    /// key filter <paramref name="authorityKey"/> or to the source account with filter <paramref name="sourceKey"/> (each
    /// checked when its flag is set): <see langword="false"/> proves <see cref="AuthorityTransfers"/> /
    /// <see cref="FrontOutputTransfers"/> still answer what they answered then.
    /// </summary>
    public bool MayHaveNewList(int since, bool authority, ulong authorityKey, bool source, ulong sourceKey)
    {
        var a = ListKey(authorityKey, source: false);
        var s = ListKey(sourceKey, source: true);
        foreach (var k in _transferListKeys.AsSpan(since, _transferListCount - since))
        {
            if ((authority && k == a) || (source && k == s))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="authority"/> may have a transfer list: <see langword="false"/> proves
    /// <see cref="AuthorityTransfers"/> returns -1 (most fee payers authorise no transfer; this spares their look-up).</summary>
    private bool MayHaveAuthorityList(in Pubkey authority)
    {
        var bit = AuthorityBit(authority);
        return (_authorityBits[bit >> 6] & (1UL << bit)) != 0;
    }

    private static int AuthorityBit(in Pubkey key)
        => (int)((System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan()) * 0x9E3779B97F4A7C15UL) >> 52);

    private static ulong ListKey(ulong filter, bool source) => (filter & ~1UL) | (source ? 1UL : 0UL);

    public int PoolCount { get; private set; }

    /// <summary>Gets the number of window transactions indexed.</summary>
    public int TransactionCount { get; private set; }

    public ReadOnlySpan<Leg> Legs => _legs.AsSpan(0, LegCount);

    /// <summary>Pools that received legs in the last <see cref="Append"/> or <see cref="Build(DetectionWindow, bool)"/>, in first-touch order.</summary>
    public ReadOnlySpan<int> TouchedPools => _touched.AsSpan(0, _touchedCount);

    /// <summary>Pools whose earlier legs changed direction, or whose transactions' cycle verdict changed, in the last
    /// <see cref="Append"/>: detectors must re-examine them from scratch.</summary>
    public ReadOnlySpan<int> RevisedPools => _revisedPools.AsSpan(0, _revisedPoolCount);

    /// <summary>The earliest position in <paramref name="pool"/>'s leg list whose direction or transaction cycle verdict
    /// changed in the last <see cref="Append"/> (valid for pools in <see cref="RevisedPools"/>).</summary>
    public int RevisedFrom(int pool) => _revisedPoolFirst[pool];

    /// <summary>Earlier transactions (before the last <see cref="Append"/>'s new ones) with a leg that changed direction or a
    /// changed cycle verdict, in the last <see cref="Append"/>.</summary>
    public ReadOnlySpan<int> RevisedTransactions => _revisedTx.AsSpan(0, _revisedTxCount);

    /// <summary>The cycle (atomic-arbitrage) confidence of transaction <paramref name="tx"/>, or 0 (see <see cref="ArbitrageDetector.CycleConfidence"/>).</summary>
    public double Cycle(int tx) => _cycle[tx];

    /// <summary>
    /// The pair-check facts of transaction <paramref name="tx"/> (valid for transactions with at least one leg). Transfers are
    /// indexed in block order and a transaction's are all indexed before its facts, so the fee payer's last transfer up to
    /// <paramref name="tx"/> never changes afterwards, and a list the payer gets later holds only later transactions' transfers:
    /// for any range ending at or before <paramref name="tx"/> the recorded list reads exactly what a look-up now would.
    /// </summary>
    public ref readonly TxFacts Facts(int tx) => ref _facts[tx];

    /// <summary>A 64-bit filter of a key's first eight bytes: equal keys have equal filters, and the filter is 0 exactly for the
    /// zero key.</summary>
    public static ulong KeyFilter(in Pubkey key)
    {
        var prefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan());
        return prefix != 0 ? prefix : key.IsZero ? 0UL : 1UL;
    }

    /// <summary>Two bits of a 64-bit Bloom filter for <paramref name="key"/> (<see cref="TxFacts.SignerBloom"/>).</summary>
    public static ulong SignerBits(in Pubkey key)
    {
        var h = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan()) * 0x9E3779B97F4A7C15UL;
        return (1UL << (int)(h >> 58)) | (1UL << (int)((h >> 52) & 63));
    }

    /// <summary>Whether <paramref name="signer"/>'s bits (<see cref="SignerBits"/>) are all in <paramref name="bloom"/>: <see langword="false"/>
    /// proves the key is not among the signers the filter was built from.</summary>
    public static bool MaySign(ulong bloom, ulong signer) => (bloom & signer) == signer;

    /// <summary>Legs of a pool in block order.</summary>
    public ReadOnlySpan<Leg> PoolLegs(int pool) => _poolLegs[pool].AsSpan(0, _poolCounts[pool]);

    public Pubkey Pool(int pool) => _pools[pool];

    /// <summary>Legs of one transaction.</summary>
    public ReadOnlySpan<Leg> TxLegs(int tx) => _legs.AsSpan(_firstLegOfTx[tx], _firstLegOfTx[tx + 1] - _firstLegOfTx[tx]);

    /// <summary>Indexes the whole window from scratch.</summary>
    public void Build(DetectionWindow window) => Build(window, tracking: false);

    /// <summary>Indexes the whole window from scratch; with <paramref name="tracking"/> it also records which legs read which
    /// mints, so later <see cref="Append"/> calls can revise them.</summary>
    public void Build(DetectionWindow window, bool tracking)
    {
        Reset();
        _tracking = tracking;
        Append(window);
    }

    /// <summary>Indexes the transactions appended to the window since the last build or append.</summary>
    public void Append(DetectionWindow window)
    {
        if (!_tracking && TransactionCount > 0)
        {
            throw new InvalidOperationException("The index was not built for incremental appends.");
        }

        AppendCore(window);
    }

    private void Reset()
    {
        _poolIds.Clear();
        _accountMints.Clear();
        _consulted.Clear();
        _transferAuthorities.Clear();
        _transferSources.Clear();
        _transferListCount = 0;
        Array.Clear(_authorityBits);
        PoolCount = 0;
        LegCount = 0;
        TransactionCount = 0;
        _touchedCount = 0;
    }

    private void AppendCore(DetectionWindow window)
    {
        var from = TransactionCount;
        var n = window.Count;
        _touchedCount = 0;
        _revisedTxCount = 0;
        _revisedPoolCount = 0;
        _revealed.Clear();
        _generation++;
        Grow(ref _firstLegOfTx, n + 1); // keeps the earlier transactions' entries

        Grow(ref _cycle, n);
        Grow(ref _txMark, n);
        Grow(ref _facts, n);

        // Token-account mints revealed in the window (ATA creates, swaps naming their mints). The last revelation of an account
        // wins for every leg; incrementally, a new or different mint for an account an earlier leg looked up is remembered
        // so that leg is re-resolved below.
        for (var t = from; t < n; t++)
        {
            var tx = window[t];
            foreach (ref readonly var x in tx.Transfers)
            {
                AddTransfer(_transferAuthorities, x.Authority, t, x.To);
                if (!x.From.IsZero)
                {
                    AddTransfer(_transferSources, x.From, t, x.To);
                }
            }

            foreach (ref readonly var a in tx.TokenAccounts)
            {
                SetMint(window, a.Account, a.Mint);
            }

            foreach (ref readonly var s in tx.Swaps)
            {
                if (!s.SourceMint.IsZero && !s.SourceTokenAccount.IsZero)
                {
                    SetMint(window, s.SourceTokenAccount, s.SourceMint);
                }

                if (!s.DestinationMint.IsZero && !s.DestinationTokenAccount.IsZero)
                {
                    SetMint(window, s.DestinationTokenAccount, s.DestinationMint);
                }
            }
        }

        var firstNewLeg = LegCount;
        for (var t = from; t < n; t++)
        {
            _firstLegOfTx[t] = LegCount;
            var tx = window[t];
            var swaps = tx.Swaps;
            if (swaps.Length > 0)
            {
                // Every transfer of this append is indexed above, so the payer's list (if any) already holds every transfer
                // it authorised up to this transaction.
                ulong bloom = 0;
                foreach (ref readonly var signer in tx.Signers)
                {
                    bloom |= SignerBits(signer);
                }

                var payer = tx.FeePayer;
                var payerList = MayHaveAuthorityList(payer) ? AuthorityTransfers(payer) : -1;
                _facts[t] = new TxFacts
                {
                    SignerBloom = bloom, PayerBits = SignerBits(payer), PayerKey = KeyFilter(payer), PayerTransfers = payerList,
                    PayerLastTransfer = LastTransferUpTo(payerList, t),
                };
            }

            for (var i = 0; i < swaps.Length; i++)
            {
                ref readonly var s = ref swaps[i];
                if (s.Pool.IsZero)
                {
                    continue;
                }

                if (!_poolIds.TryGetValue(s.Pool, out var pid))
                {
                    pid = PoolCount++;
                    _poolIds.Set(s.Pool, pid);
                    Grow(ref _pools, PoolCount);
                    Grow(ref _poolMints, PoolCount);
                    Grow(ref _poolMintsConsulted, PoolCount);
                    Grow(ref _poolLegs, PoolCount);
                    Grow(ref _poolCounts, PoolCount);
                    Grow(ref _touchedMark, PoolCount);
                    Grow(ref _poolMintChanged, PoolCount);
                    _poolMintChanged[pid] = 0;
                    _pools[pid] = s.Pool;
                    _poolMints[pid] = default;
                    _poolMintsConsulted[pid] = false;
                    _poolLegs[pid] ??= new Leg[8];
                    _poolCounts[pid] = 0;
                    _touchedMark[pid] = 0;
                }

                if (!s.SourceMint.IsZero && !s.DestinationMint.IsZero)
                {
                    var mints = s.SourceMint.CompareTo(s.DestinationMint) < 0 ? (s.SourceMint, s.DestinationMint) : (s.DestinationMint, s.SourceMint);
                    if (_poolMintsConsulted[pid] && mints != _poolMints[pid])
                    {
                        _poolMintChanged[pid] = _generation; // earlier legs resolved their direction through the previous mints
                    }

                    _poolMints[pid] = mints;
                }

                Grow(ref _legs, LegCount + 1);
                Grow(ref _legPoolPos, LegCount + 1);
                _legs[LegCount] = new Leg
                {
                    Tx = t, Index = LegCount, Swap = i, Pool = pid, Slot = tx.Slot,
                    SourceKey = KeyFilter(s.SourceTokenAccount), DestinationKey = KeyFilter(s.DestinationTokenAccount),
                };
                LegCount++;
            }
        }

        _firstLegOfTx[n] = LegCount;
        if (_tracking && from > 0)
        {
            Revise(window, firstNewLeg);
        }

        // Directions, and whether a transaction hits the same pool twice; then each leg joins its pool's list (block order).
        for (var l = firstNewLeg; l < LegCount; l++)
        {
            ref var leg = ref _legs[l];
            var tx = window[leg.Tx];
            ref readonly var s = ref tx.Swaps[leg.Swap];
            if (_tracking)
            {
                // The cycle check and direction resolution look these accounts' mints up.
                Grow(ref _sideNext, (l * 2) + 2);
                Consult(s.SourceMint, s.SourceTokenAccount, l * 2);
                Consult(s.DestinationMint, s.DestinationTokenAccount, (l * 2) + 1);
            }

            leg.Direction = Resolve(window, tx, s, leg.Pool);
            for (var m = _firstLegOfTx[leg.Tx]; m < _firstLegOfTx[leg.Tx + 1]; m++)
            {
                if (m != l && _legs[m].Pool == leg.Pool)
                {
                    leg.RepeatedInTx = true;
                }
            }

            var p = leg.Pool;
            ref var list = ref _poolLegs[p];
            if (list.Length == _poolCounts[p])
            {
                Array.Resize(ref list, list.Length * 2);
            }

            _legPoolPos[l] = _poolCounts[p];
            list[_poolCounts[p]++] = leg;
            if (_touchedMark[p] != _generation)
            {
                _touchedMark[p] = _generation;
                Grow(ref _touched, _touchedCount + 1);
                _touched[_touchedCount++] = p;
            }
        }

        for (var t = from; t < n; t++)
        {
            _cycle[t] = _firstLegOfTx[t + 1] - _firstLegOfTx[t] >= 2 ? ArbitrageDetector.CycleConfidence(window, this, t) : 0;
        }

        TransactionCount = n;
    }

    private void Consult(in Pubkey mint, in Pubkey account, int side)
    {
        _sideNext[side] = -1;
        if (!mint.IsZero || account.IsZero)
        {
            return;
        }

        ref var head = ref _consulted.GetValueRefOrAddDefault(account, out var exists);
        _sideNext[side] = exists ? head : -1;
        head = side;
    }

    /// <summary>Re-resolves earlier legs whose looked-up account mints or pool mints changed, and re-checks their transactions' cycles.</summary>
    private void Revise(DetectionWindow window, int firstNewLeg)
    {
        var gen = _generation;
        foreach (var account in _revealed)
        {
            if (!_consulted.TryGetValue(account, out var side))
            {
                continue;
            }

            for (; side >= 0; side = _sideNext[side])
            {
                var l = side >> 1;
                if (l < firstNewLeg)
                {
                    ReviseLeg(window, l);
                    MarkTx(_legs[l].Tx); // its cycle check read this account
                }
            }
        }

        for (var p = 0; p < PoolCount; p++)
        {
            if (_poolMintChanged[p] != gen)
            {
                continue;
            }

            var legs = _poolLegs[p];
            for (var k = 0; k < _poolCounts[p]; k++)
            {
                ReviseLeg(window, legs[k].Index);
            }
        }

        // Transactions whose cycle verdict changed: every pool they trade is revised (they may stop or start being legs).
        for (var i = 0; i < _revisedTxCount; i++)
        {
            var t = _revisedTx[i];
            var before = _cycle[t];
            var legs = TxLegs(t);
            _cycle[t] = legs.Length >= 2 ? ArbitrageDetector.CycleConfidence(window, this, t) : 0;
            if (_cycle[t] != before)
            {
                foreach (var leg in legs)
                {
                    MarkPool(leg.Pool, _legPoolPos[leg.Index]);
                }
            }
        }
    }

    private void ReviseLeg(DetectionWindow window, int l)
    {
        ref var leg = ref _legs[l];
        var tx = window[leg.Tx];
        var direction = Resolve(window, tx, tx.Swaps[leg.Swap], leg.Pool);
        if (direction != leg.Direction)
        {
            leg.Direction = direction;
            _poolLegs[leg.Pool][_legPoolPos[l]].Direction = direction;
            MarkPool(leg.Pool, _legPoolPos[l]);
            MarkTx(leg.Tx);
        }
    }

    private void MarkTx(int t)
    {
        if (_txMark[t] != _generation)
        {
            _txMark[t] = _generation;
            Grow(ref _revisedTx, _revisedTxCount + 1);
            _revisedTx[_revisedTxCount++] = t;
        }
    }

    private void MarkPool(int p, int position)
    {
        Grow(ref _revisedPoolFirst, PoolCount);
        for (var i = 0; i < _revisedPoolCount; i++)
        {
            if (_revisedPools[i] == p)
            {
                _revisedPoolFirst[p] = Math.Min(_revisedPoolFirst[p], position);
                return;
            }
        }

        Grow(ref _revisedPools, _revisedPoolCount + 1);
        _revisedPools[_revisedPoolCount++] = p;
        _revisedPoolFirst[p] = position;
    }

    private void SetMint(DetectionWindow window, in Pubkey account, in Pubkey mint)
    {
        var known = _accountMints.TryGetValue(account, out var old);
        if (known && old == mint)
        {
            return;
        }

        _accountMints.Set(account, mint);
        if (!_tracking || !_consulted.ContainsKey(account))
        {
            return;
        }

        // An earlier leg looked this account up: it read the previous mapping, or the account-state provider's answer.
        if (known || window.AccountState is not { } state || !state.TryGetTokenAccount(account, out var info) || info.Mint != mint)
        {
            _revealed.Add(account);
        }
    }

    private sbyte Resolve(DetectionWindow window, DecodedTransaction tx, in SwapIntent s, int pid)
    {
        if (s.Direction != SwapDirection.Unknown)
        {
            return s.Direction == SwapDirection.AToB ? (sbyte)1 : (sbyte)-1;
        }

        var src = MintOf(window, s.SourceMint, s.SourceTokenAccount);
        var dst = MintOf(window, s.DestinationMint, s.DestinationTokenAccount);
        if (src.IsZero ^ dst.IsZero)
        {
            _poolMintsConsulted[pid] = true;
            var (a, b) = _poolMints[pid];
            if (a.IsZero && window.AccountState is { } state && state.TryGetPool(s.Pool, tx.Slot, out var ps))
            {
                (a, b) = (ps.MintA, ps.MintB);
                _poolMints[pid] = (a, b);
            }

            if (!a.IsZero)
            {
                if (src.IsZero)
                {
                    src = dst == a ? b : dst == b ? a : default;
                }
                else
                {
                    dst = src == a ? b : src == b ? a : default;
                }
            }
        }

        var d = DecoderHelpers.FromMints(src, dst);
        return d == SwapDirection.AToB ? (sbyte)1 : d == SwapDirection.BToA ? (sbyte)-1 : (sbyte)0;
    }

    /// <summary>
    /// Returns whether a transfer of window transactions <paramref name="from"/>..<paramref name="to"/> (inclusive) links a
    /// front-run's wallet <paramref name="a"/> to a back-run's wallet <paramref name="c"/>: <paramref name="a"/> authorises a
    /// transfer to <paramref name="c"/> or to <paramref name="backSource"/>, <paramref name="c"/> authorises one to
    /// <paramref name="a"/>, or one spends from a non-zero <paramref name="frontDestination"/> into <paramref name="backSource"/>
    /// (the sandwich rule's funding-transfer link). Reads only the transfers of those accounts, not every transaction between.
    /// </summary>
    public bool HasTransferLink(in Pubkey a, in Pubkey c, in Pubkey frontDestination, in Pubkey backSource, int from, int to)
        => HasTransferLink(AuthorityTransfers(a), a, c, FrontOutputTransfers(frontDestination), backSource, from, to);

    /// <summary>The transfer list of the transfers <paramref name="authority"/> authorised, or -1 (valid until the next build).</summary>
    public int AuthorityTransfers(in Pubkey authority) => _transferAuthorities.TryGetValue(authority, out var list) ? list : -1;

    /// <summary>The transfer list of the transfers spending from a non-zero <paramref name="source"/>, or -1 (valid until the next build).</summary>
    public int FrontOutputTransfers(in Pubkey source) => !source.IsZero && _transferSources.TryGetValue(source, out var list) ? list : -1;

    /// <summary><see cref="HasTransferLink(in Pubkey, in Pubkey, in Pubkey, in Pubkey, int, int)"/> with the front's lists
    /// already looked up (<see cref="AuthorityTransfers"/> of <paramref name="a"/>, <see cref="FrontOutputTransfers"/> of its output account).</summary>
    public bool HasTransferLink(int aList, in Pubkey a, in Pubkey c, int frontOutputList, in Pubkey backSource, int from, int to)
    {
        if (aList >= 0)
        {
            foreach (ref readonly var x in TransfersIn(aList, from, to))
            {
                if (x.To == c || x.To == backSource)
                {
                    return true;
                }
            }
        }

        if (_transferAuthorities.TryGetValue(c, out var list))
        {
            foreach (ref readonly var x in TransfersIn(list, from, to))
            {
                if (x.To == a)
                {
                    return true;
                }
            }
        }

        if (frontOutputList >= 0)
        {
            foreach (ref readonly var x in TransfersIn(frontOutputList, from, to))
            {
                if (x.To == backSource)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The transaction of the first entry of transfer list <paramref name="list"/> (or -1) at or after transaction
    /// <paramref name="from"/>, or <see cref="int.MaxValue"/>: the list has an entry in <paramref name="from"/>..<c>to</c> exactly
    /// when this is at most <c>to</c>.</summary>
    public int FirstTransferFrom(int list, int from)
    {
        if (list < 0)
        {
            return int.MaxValue;
        }

        var all = _transferLists[list].AsSpan(0, _transferListCounts[list]);
        int lo = 0, hi = all.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (all[mid].Tx < from)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo < all.Length ? all[lo].Tx : int.MaxValue;
    }

    /// <summary>
    /// A filter of <see cref="HasTransferLink(int, in Pubkey, in Pubkey, int, in Pubkey, int, int)"/> over key filters only:
    /// <see langword="false"/> proves there is no funding-transfer link between front <paramref name="front"/> (authority list
    /// <paramref name="aList"/>, output-account list <paramref name="frontOutputList"/>, both looked up now) and back
    /// <paramref name="back"/> whose swap spends from the account with filter <paramref name="backSourceKey"/>.
    /// </summary>
    public bool MayLinkByTransfer(int aList, int frontOutputList, in TxFacts front, in TxFacts back, ulong backSourceKey, int from, int to)
    {
        if (aList >= 0)
        {
            foreach (ref readonly var x in TransfersIn(aList, from, to))
            {
                if (x.ToKey == back.PayerKey || x.ToKey == backSourceKey)
                {
                    return true;
                }
            }
        }

        if (back.PayerTransfers >= 0)
        {
            foreach (ref readonly var x in TransfersIn(back.PayerTransfers, from, to))
            {
                if (x.ToKey == front.PayerKey)
                {
                    return true;
                }
            }
        }

        if (frontOutputList >= 0)
        {
            foreach (ref readonly var x in TransfersIn(frontOutputList, from, to))
            {
                if (x.ToKey == backSourceKey)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The transaction of the last entry of transfer list <paramref name="list"/> (or -1) at or before <paramref name="to"/>, or -1.</summary>
    private int LastTransferUpTo(int list, int to)
    {
        if (list < 0)
        {
            return -1;
        }

        var all = _transferLists[list].AsSpan(0, _transferListCounts[list]);
        for (var k = all.Length - 1; k >= 0; k--)
        {
            if (all[k].Tx <= to)
            {
                return all[k].Tx;
            }
        }

        return -1;
    }

    /// <summary>The entries of transfer list <paramref name="list"/> whose transaction lies in <paramref name="from"/>..<paramref name="to"/>.</summary>
    private ReadOnlySpan<TransferRef> TransfersIn(int list, int from, int to)
    {
        var all = _transferLists[list].AsSpan(0, _transferListCounts[list]);
        int lo = 0, hi = all.Length; // first entry with Tx >= from
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (all[mid].Tx < from)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var end = lo;
        while (end < all.Length && all[end].Tx <= to)
        {
            end++;
        }

        return all[lo..end];
    }

    private void AddTransfer(PubkeyMap<int> lists, in Pubkey key, int tx, in Pubkey destination)
    {
        ref var id = ref lists.GetValueRefOrAddDefault(key, out var exists);
        if (!exists)
        {
            id = _transferListCount++;
            Grow(ref _transferLists, _transferListCount);
            Grow(ref _transferListCounts, _transferListCount);
            Grow(ref _transferListKeys, _transferListCount);
            _transferListKeys[id] = ListKey(KeyFilter(key), ReferenceEquals(lists, _transferSources));
            if (ReferenceEquals(lists, _transferAuthorities))
            {
                var bit = AuthorityBit(key);
                _authorityBits[bit >> 6] |= 1UL << bit;
            }
            _transferLists[id] ??= new TransferRef[4];
            _transferListCounts[id] = 0;
        }

        ref var items = ref _transferLists[id];
        ref var count = ref _transferListCounts[id];
        if (count == items.Length)
        {
            Array.Resize(ref items, items.Length * 2);
        }

        items[count++] = new TransferRef(tx, destination);
    }

    public bool TryGetPoolId(in Pubkey pool, out int id) => _poolIds.TryGetValue(pool, out id);

    public Pubkey MintOf(DetectionWindow window, in Pubkey mint, in Pubkey account)
    {
        if (!mint.IsZero)
        {
            return mint;
        }

        if (account.IsZero)
        {
            return default;
        }

        if (_accountMints.TryGetValue(account, out var m))
        {
            return m;
        }

        return window.AccountState is { } state && state.TryGetTokenAccount(account, out var info) ? info.Mint : default;
    }

    private static void Grow<T>(ref T[] array, int needed)
    {
        if (array.Length < needed)
        {
            Array.Resize(ref array, Math.Max(needed, array.Length * 2));
        }
    }
}
