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
internal sealed class WindowIndex
{
    private readonly Dictionary<Pubkey, int> _poolIds = [];
    private readonly Dictionary<Pubkey, Pubkey> _accountMints = [];
    private Pubkey[] _pools = new Pubkey[64];
    private (Pubkey A, Pubkey B)[] _poolMints = new (Pubkey, Pubkey)[64];
    private int[] _poolCounts = new int[64];
    private int[] _poolStarts = new int[65];
    private Leg[] _legs = new Leg[256];
    private Leg[] _byPool = new Leg[256];
    private int[] _firstLegOfTx = new int[65];

    public int LegCount { get; private set; }

    public int PoolCount { get; private set; }

    public ReadOnlySpan<Leg> Legs => _legs.AsSpan(0, LegCount);

    /// <summary>Legs of a pool in block order.</summary>
    public ReadOnlySpan<Leg> PoolLegs(int pool) => _byPool.AsSpan(_poolStarts[pool], _poolCounts[pool]);

    public Pubkey Pool(int pool) => _pools[pool];

    /// <summary>Legs of one transaction.</summary>
    public ReadOnlySpan<Leg> TxLegs(int tx) => _legs.AsSpan(_firstLegOfTx[tx], _firstLegOfTx[tx + 1] - _firstLegOfTx[tx]);

    public void Build(DetectionWindow window)
    {
        _poolIds.Clear();
        _accountMints.Clear();
        PoolCount = 0;
        LegCount = 0;
        var n = window.Count;
        if (_firstLegOfTx.Length < n + 1)
        {
            _firstLegOfTx = new int[Math.Max(n + 1, _firstLegOfTx.Length * 2)];
        }

        // Token-account mints revealed in the window (ATA creates, swaps naming their mints).
        for (var t = 0; t < n; t++)
        {
            var tx = window[t];
            foreach (ref readonly var a in tx.TokenAccounts)
            {
                _accountMints[a.Account] = a.Mint;
            }

            foreach (ref readonly var s in tx.Swaps)
            {
                if (!s.SourceMint.IsZero && !s.SourceTokenAccount.IsZero)
                {
                    _accountMints[s.SourceTokenAccount] = s.SourceMint;
                }

                if (!s.DestinationMint.IsZero && !s.DestinationTokenAccount.IsZero)
                {
                    _accountMints[s.DestinationTokenAccount] = s.DestinationMint;
                }
            }
        }

        for (var t = 0; t < n; t++)
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
                    Grow(ref _poolCounts, PoolCount);
                    _pools[pid] = s.Pool;
                    _poolMints[pid] = default;
                    _poolCounts[pid] = 0;
                }

                if (!s.SourceMint.IsZero && !s.DestinationMint.IsZero)
                {
                    _poolMints[pid] = s.SourceMint.CompareTo(s.DestinationMint) < 0 ? (s.SourceMint, s.DestinationMint) : (s.DestinationMint, s.SourceMint);
                }

                Grow(ref _legs, LegCount + 1);
                _legs[LegCount++] = new Leg { Tx = t, Swap = i, Pool = pid };
                _poolCounts[pid]++;
            }
        }

        _firstLegOfTx[n] = LegCount;

        // Directions, and whether a transaction hits the same pool twice.
        for (var l = 0; l < LegCount; l++)
        {
            ref var leg = ref _legs[l];
            var tx = window[leg.Tx];
            leg.Direction = Resolve(window, tx, tx.Swaps[leg.Swap], leg.Pool);
            for (var m = _firstLegOfTx[leg.Tx]; m < _firstLegOfTx[leg.Tx + 1]; m++)
            {
                if (m != l && _legs[m].Pool == leg.Pool)
                {
                    leg.RepeatedInTx = true;
                }
            }
        }

        // Counting sort by pool (stable: block order within a pool).
        Grow(ref _poolStarts, PoolCount + 1);
        _poolStarts[0] = 0;
        for (var p = 0; p < PoolCount; p++)
        {
            _poolStarts[p + 1] = _poolStarts[p] + _poolCounts[p];
        }

        Grow(ref _byPool, LegCount);
        Span<int> fill = PoolCount <= 256 ? stackalloc int[PoolCount] : new int[PoolCount];
        for (var l = 0; l < LegCount; l++)
        {
            var p = _legs[l].Pool;
            _byPool[_poolStarts[p] + fill[p]++] = _legs[l];
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
