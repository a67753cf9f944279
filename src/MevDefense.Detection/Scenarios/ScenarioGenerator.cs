using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Lookup;
using MevDefense.Detection.Scenarios.Internal;
using MevDefense.Detection.State;

namespace MevDefense.Detection.Scenarios;

/// <summary>
/// Generates realistic, labelled slots of real signed transactions for training and evaluation: votes, SOL transfers,
/// honest swaps on a dozen DEX layouts (direct and through Jupiter, legacy and v0 with lookup tables), and MEV
/// patterns with varied strategies (adjacent sandwiches with and without Jito tips, wide, multi-victim, cross-slot within a
/// leader's run, linked attacker wallets by funding transfer or shared token accounts, 2- and 3-hop arbitrage cycles, JIT
/// liquidity, back-runs) plus hard negatives (unrelated users trading opposite directions around a third, one user's
/// adjacent round trip, one transaction touching a pool twice, front and back on different pools).
/// Deterministic: the same <see cref="ScenarioOptions"/> always give the same bytes.
/// </summary>
public sealed partial class ScenarioGenerator : IDisposable
{
    private readonly ScenarioOptions _options;
    private readonly Random _rng;
    private readonly List<ScenarioWallet> _allWallets = [];
    private readonly List<ScenarioWallet> _honest = [];
    private readonly List<ScenarioWallet> _bots = [];
    private readonly List<ScenarioWallet> _botLinks = [];
    private readonly List<ScenarioWallet> _arbBots = [];
    private readonly List<ScenarioWallet> _lps = [];
    private readonly List<(ScenarioWallet Authority, Pubkey VoteAccount)> _validators = [];
    private readonly List<Pubkey> _leaders = [];
    private readonly List<ScenarioPool> _pools = [];
    private readonly Dictionary<(Pubkey Owner, Pubkey Mint), Pubkey> _tokenAccounts = [];
    private readonly InMemoryAccountStateProvider _state = new();
    private readonly StaticAddressLookupTableProvider _alts = new();
    private readonly List<ScenarioLabel> _labels = [];
    private (Pubkey Table, Pubkey[] Addresses) _lookupTable;
    private Pubkey _usdc;
    private Pubkey _jupiterEventAuthority;
    private byte[] _blockhash = new byte[32];
    private ulong _slot;
    private int _disposed;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public ScenarioGenerator(ScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Slots, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BackgroundTransactionsPerSlot, 4, nameof(options));
        _options = options;
        _rng = new Random(options.Seed);
        BuildUniverse();
    }

    /// <summary>Generates a dataset with the given options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The dataset.</returns>
    public static ScenarioDataset Generate(ScenarioOptions options)
    {
        using var g = new ScenarioGenerator(options);
        return g.Generate();
    }

    /// <summary>Generates the dataset. Call once per instance.</summary>
    /// <returns>The dataset.</returns>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public ScenarioDataset Generate()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var slots = new List<GeneratedSlot>(_options.Slots);
        List<Item>? carry = null;
        for (var s = 0; s < _options.Slots; s++)
        {
            _slot = _options.StartSlot + (ulong)s;
            _rng.NextBytes(_blockhash);
            foreach (var p in _pools)
            {
                _state.SetPool(p.Address, _slot, new PoolState
                {
                    Dex = p.Dex,
                    MintA = p.MintA,
                    MintB = p.MintB,
                    ReserveA = p.ReserveA,
                    ReserveB = p.ReserveB,
                    FeeBps = p.FeeBps,
                    IsConstantProduct = p.Dex is not (DexProgram.RaydiumClmm or DexProgram.OrcaWhirlpool or DexProgram.MeteoraDlmm),
                });
            }

            var canCarryOut = s + 1 < _options.Slots && (_slot % 4) != 3;
            slots.Add(BuildSlot(carry, canCarryOut, out carry));
        }

        return new ScenarioDataset
        {
            Seed = _options.Seed,
            Slots = slots,
            Labels = [.. _labels],
            LookupTables = _alts,
            AccountState = _state,
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0)
        {
            return;
        }

        foreach (var w in _allWallets)
        {
            w.Dispose();
        }
    }

    private Pubkey RandomKey()
    {
        Span<byte> b = stackalloc byte[32];
        _rng.NextBytes(b);
        return new Pubkey(b);
    }

    private ScenarioWallet NewWallet()
    {
        Span<byte> seed = stackalloc byte[32];
        _rng.NextBytes(seed);
        var w = new ScenarioWallet(seed);
        _allWallets.Add(w);
        return w;
    }

    private double U(double lo, double hi) => lo + (_rng.NextDouble() * (hi - lo));

    private T Pick<T>(IReadOnlyList<T> list) => list[_rng.Next(list.Count)];

    private int Count(double rate) => (int)Math.Floor(rate) + (_rng.NextDouble() < rate - Math.Floor(rate) ? 1 : 0);

    private void BuildUniverse()
    {
        for (var i = 0; i < 400; i++)
        {
            _honest.Add(NewWallet());
        }

        for (var i = 0; i < 12; i++)
        {
            _bots.Add(NewWallet());
            _botLinks.Add(NewWallet());
        }

        for (var i = 0; i < 6; i++)
        {
            _arbBots.Add(NewWallet());
        }

        for (var i = 0; i < 4; i++)
        {
            _lps.Add(NewWallet());
        }

        for (var i = 0; i < 16; i++)
        {
            _validators.Add((NewWallet(), RandomKey()));
            _leaders.Add(RandomKey());
        }

        _usdc = RandomKey();
        _jupiterEventAuthority = RandomKey();
        var tokens = new List<Pubkey>();
        for (var i = 0; i < 10; i++)
        {
            tokens.Add(RandomKey());
        }

        DexProgram[] solDexes =
        [
            DexProgram.RaydiumAmmV4, DexProgram.OrcaWhirlpool, DexProgram.RaydiumCpmm, DexProgram.RaydiumClmm, DexProgram.MeteoraDlmm,
            DexProgram.MeteoraDammV2, DexProgram.PumpSwap, DexProgram.LifinityV2, DexProgram.RaydiumAmmV4, DexProgram.OrcaWhirlpool,
        ];
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            AddPool(solDexes[i], t, DexProgramIds.WrappedSolMint, i % 2 == 0);
            AddPool(solDexes[(i + 3) % solDexes.Length] is DexProgram.PumpSwap ? DexProgram.RaydiumCpmm : solDexes[(i + 3) % solDexes.Length], t, DexProgramIds.WrappedSolMint, i % 3 == 0);
            AddPool(i % 2 == 0 ? DexProgram.OrcaWhirlpool : DexProgram.RaydiumAmmV4, t, _usdc, i % 4 == 1);
            if (i < 3)
            {
                AddPool(DexProgram.PumpFun, t, DexProgramIds.WrappedSolMint, false);
            }
        }

        AddPool(DexProgram.OrcaWhirlpool, DexProgramIds.WrappedSolMint, _usdc, true);
        AddPool(DexProgram.RaydiumAmmV4, DexProgramIds.WrappedSolMint, _usdc, false);

        // One lookup table holding the accounts of Whirlpool, CLMM and CPMM pools (pool, vaults, extras).
        var table = RandomKey();
        var addresses = new List<Pubkey>();
        foreach (var p in _pools.Where(p => p.Dex is DexProgram.OrcaWhirlpool or DexProgram.RaydiumClmm or DexProgram.RaydiumCpmm))
        {
            if (addresses.Count + 3 + p.Extra.Length > 256)
            {
                break;
            }

            addresses.Add(p.Address);
            addresses.Add(p.VaultA);
            addresses.Add(p.VaultB);
            addresses.AddRange(p.Extra.Take(4));
        }

        _lookupTable = (table, [.. addresses]);
        _alts.Add(table, addresses);
    }

    private void AddPool(DexProgram dex, Pubkey token, Pubkey quote, bool variant)
    {
        var (a, b) = token.CompareTo(quote) < 0 ? (token, quote) : (quote, token);
        var extra = new Pubkey[11];
        for (var i = 0; i < extra.Length; i++)
        {
            extra[i] = RandomKey();
        }

        if (dex is DexProgram.PumpSwap or DexProgram.PumpFun)
        {
            extra[0] = token;
        }

        var tokenReserve = (ulong)(U(2e11, 5e13));
        var quoteReserve = (ulong)(U(5e10, 2e12));
        var pool = new ScenarioPool
        {
            Dex = dex,
            Address = RandomKey(),
            MintA = a,
            MintB = b,
            VaultA = RandomKey(),
            VaultB = RandomKey(),
            Extra = extra,
            ReserveA = a == token ? tokenReserve : quoteReserve,
            ReserveB = a == token ? quoteReserve : tokenReserve,
            FeeBps = dex == DexProgram.PumpFun ? 100 : 25,
            EighteenAccounts = variant,
            UseV2 = variant,
        };
        _pools.Add(pool);
    }

    /// <summary>The token account of <paramref name="owner"/> for <paramref name="mint"/> (native SOL wallets for Pump.fun SOL legs).</summary>
    private Pubkey Account(Pubkey owner, Pubkey mint, ScenarioPool pool)
    {
        if (pool.Dex == DexProgram.PumpFun && mint == DexProgramIds.WrappedSolMint)
        {
            return owner;
        }

        if (!_tokenAccounts.TryGetValue((owner, mint), out var account))
        {
            account = RandomKey();
            _tokenAccounts[(owner, mint)] = account;
            _state.SetTokenAccount(new TokenAccountInfo { Account = account, Owner = owner, Mint = mint });
        }

        return account;
    }

    private bool InLookupTable(ScenarioPool pool) => Array.IndexOf(_lookupTable.Addresses, pool.Address) >= 0;
}
