using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Dex.Internal;

namespace MevDefense.Detection.Rules.Internal;

/// <summary>One swap hop of the window with its resolved direction.</summary>
internal struct Leg
{
    public int Tx;
    public int Swap;
    public int Pool;
    public sbyte Direction; // +1 A->B, -1 B->A, 0 unknown
    public bool RepeatedInTx; // the transaction swaps on this pool more than once
}

/// <summary>
/// Per-window index shared by the rule detectors: every swap hop grouped by pool (in block order), with directions
/// resolved from the instruction, from token-account mints revealed in the window, or from the account-state provider.
/// Reuses its buffers across windows.
/// </summary>
/// <remarks>
/// <para>The index can also be maintained incrementally (<see cref="TryAppend"/>): transactions appended to the window are
/// indexed without touching the earlier ones, and the pools the new legs landed on are reported in
/// <see cref="TouchedPools"/>. A leg's direction and a transaction's cycle check read token-account mints and pool mints that
/// later transactions may reveal; the index remembers which accounts and pools earlier legs consulted and refuses an append
/// that would change what they read (the caller then rebuilds with <see cref="Build(DetectionWindow, bool)"/>), so an incrementally maintained index
/// is always identical to one built over the whole window.</para>
/// </remarks>
internal sealed class WindowIndex
{
    private readonly Dictionary<Pubkey, int> _poolIds = [];
    private readonly Dictionary<Pubkey, Pubkey> _accountMints = [];
    private readonly HashSet<Pubkey> _consultedAccounts = []; // accounts whose mint an indexed leg looked up (incremental mode)
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
    private int[] _firstLegOfTx = new int[65];
    private bool _tracking;

    public int LegCount { get; private set; }

    public int PoolCount { get; private set; }

    /// <summary>Gets the number of window transactions indexed.</summary>
    public int TransactionCount { get; private set; }

    public ReadOnlySpan<Leg> Legs => _legs.AsSpan(0, LegCount);

    /// <summary>Pools that received legs in the last <see cref="TryAppend"/> or <see cref="Build(DetectionWindow, bool)"/>, in first-touch order.</summary>
    public ReadOnlySpan<int> TouchedPools => _touched.AsSpan(0, _touchedCount);

    /// <summary>Legs of a pool in block order.</summary>
    public ReadOnlySpan<Leg> PoolLegs(int pool) => _poolLegs[pool].AsSpan(0, _poolCounts[pool]);

    public Pubkey Pool(int pool) => _pools[pool];

    /// <summary>Legs of one transaction.</summary>
    public ReadOnlySpan<Leg> TxLegs(int tx) => _legs.AsSpan(_firstLegOfTx[tx], _firstLegOfTx[tx + 1] - _firstLegOfTx[tx]);

    /// <summary>Indexes the whole window from scratch.</summary>
    public void Build(DetectionWindow window) => Build(window, tracking: false);

    /// <summary>Indexes the whole window from scratch; with <paramref name="tracking"/> it also records what later appends must not change.</summary>
    public void Build(DetectionWindow window, bool tracking)
    {
        Reset();
        _tracking = tracking;
        var ok = Append(window);
        System.Diagnostics.Debug.Assert(ok, "a build from scratch cannot conflict with earlier legs");
    }

    /// <summary>
    /// Indexes the transactions appended to the window since the last build or append. Returns <see langword="false"/>
    /// (leaving the index to be rebuilt) when they reveal a token-account mint or pool mint an earlier leg already consulted.
    /// </summary>
    public bool TryAppend(DetectionWindow window)
    {
        if (!_tracking)
        {
            throw new InvalidOperationException("The index was not built for incremental appends.");
        }

        return Append(window);
    }

    private void Reset()
    {
        _poolIds.Clear();
        _accountMints.Clear();
        _consultedAccounts.Clear();
        PoolCount = 0;
        LegCount = 0;
        TransactionCount = 0;
        _touchedCount = 0;
    }

    private bool Append(DetectionWindow window)
    {
        var from = TransactionCount;
        var n = window.Count;
        _touchedCount = 0;
        _generation++;
        if (_firstLegOfTx.Length < n + 1)
        {
            _firstLegOfTx = new int[Math.Max(n + 1, _firstLegOfTx.Length * 2)];
        }

        // Token-account mints revealed in the window (ATA creates, swaps naming their mints). In a build from scratch the last
        // revelation of an account wins for every leg; incrementally, a new or different mint for an account an earlier leg
        // looked up would change that leg, so the append is refused.
        for (var t = from; t < n; t++)
        {
            var tx = window[t];
            foreach (ref readonly var a in tx.TokenAccounts)
            {
                if (!SetMint(window, a.Account, a.Mint))
                {
                    return false;
                }
            }

            foreach (ref readonly var s in tx.Swaps)
            {
                if (!s.SourceMint.IsZero && !s.SourceTokenAccount.IsZero && !SetMint(window, s.SourceTokenAccount, s.SourceMint))
                {
                    return false;
                }

                if (!s.DestinationMint.IsZero && !s.DestinationTokenAccount.IsZero && !SetMint(window, s.DestinationTokenAccount, s.DestinationMint))
                {
                    return false;
                }
            }
        }

        var firstNewLeg = LegCount;
        for (var t = from; t < n; t++)
        {
            _firstLegOfTx[t] = LegCount;
            var tx = window[t];
            var swaps = tx.Swaps;
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
                    _poolIds[s.Pool] = pid;
                    Grow(ref _pools, PoolCount);
                    Grow(ref _poolMints, PoolCount);
                    Grow(ref _poolMintsConsulted, PoolCount);
                    Grow(ref _poolLegs, PoolCount);
                    Grow(ref _poolCounts, PoolCount);
                    Grow(ref _touchedMark, PoolCount);
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
                        return false; // an earlier leg resolved its direction through the pool's previous mints
                    }

                    _poolMints[pid] = mints;
                }

                Grow(ref _legs, LegCount + 1);
                _legs[LegCount++] = new Leg { Tx = t, Swap = i, Pool = pid };
            }
        }

        _firstLegOfTx[n] = LegCount;

        // Directions, and whether a transaction hits the same pool twice; then each leg joins its pool's list (block order).
        for (var l = firstNewLeg; l < LegCount; l++)
        {
            ref var leg = ref _legs[l];
            var tx = window[leg.Tx];
            ref readonly var s = ref tx.Swaps[leg.Swap];
            if (_tracking)
            {
                // The cycle check and direction resolution look these accounts' mints up.
                if (s.SourceMint.IsZero && !s.SourceTokenAccount.IsZero)
                {
                    _consultedAccounts.Add(s.SourceTokenAccount);
                }

                if (s.DestinationMint.IsZero && !s.DestinationTokenAccount.IsZero)
                {
                    _consultedAccounts.Add(s.DestinationTokenAccount);
                }
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

            list[_poolCounts[p]++] = leg;
            if (_touchedMark[p] != _generation)
            {
                _touchedMark[p] = _generation;
                Grow(ref _touched, _touchedCount + 1);
                _touched[_touchedCount++] = p;
            }
        }

        TransactionCount = n;
        return true;
    }

    private bool SetMint(DetectionWindow window, in Pubkey account, in Pubkey mint)
    {
        var known = _accountMints.TryGetValue(account, out var old);
        if (known && old == mint)
        {
            return true;
        }

        _accountMints[account] = mint;
        if (!_tracking || !_consultedAccounts.Contains(account))
        {
            return true;
        }

        // An earlier leg looked this account up: it read the previous mapping, or the account-state provider's answer.
        return !known && window.AccountState is { } state && state.TryGetTokenAccount(account, out var info) && info.Mint == mint;
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
