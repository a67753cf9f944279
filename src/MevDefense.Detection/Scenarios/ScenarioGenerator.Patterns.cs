using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios.Internal;
using static MevDefense.Detection.Scenarios.Internal.ScenarioInstructions;

namespace MevDefense.Detection.Scenarios;

public sealed partial class ScenarioGenerator
{
    private static readonly string[] SandwichStrategies =
        ["adjacent-tip", "adjacent-tip", "adjacent", "wide", "wide", "multi-victim", "multi-victim-wide", "cross-slot", "linked-transfer", "linked-shared-account", "linked-transfer-wide"];

    private const int MaxTransactionSize = 1232;

    private static readonly string[] HardNegativeStrategies = ["opposite-unrelated", "roundtrip-adjacent", "pool-twice-in-one-tx", "different-pools"];

    private GeneratedSlot BuildSlot(List<Item>? carried, bool canCarryOut, out List<Item>? carryOut)
    {
        List<Item>? carryLocal = null;
        var reserved = new HashSet<Pubkey>();
        var list = new List<Item>();
        var background = _rng.Next((int)(_options.BackgroundTransactionsPerSlot * 0.7), (int)(_options.BackgroundTransactionsPerSlot * 1.3) + 1);

        // Pattern pools are chosen first so background swaps avoid them (keeps the labels unambiguous).
        var patterns = new List<Func<List<Item>, bool>>();
        for (int i = 0, n = Count(_options.SandwichesPerSlot); i < n; i++)
        {
            var strategy = Pick(SandwichStrategies);
            if (strategy == "cross-slot" && !canCarryOut)
            {
                strategy = "adjacent-tip";
            }

            var pool = PickPatternPool(reserved, null);
            if (strategy == "cross-slot")
            {
                canCarryOut = false; // one cross-slot sandwich per slot boundary
                patterns.Add(l => { carryLocal = Sandwich(l, pool, strategy, crossSlot: true); return true; });
            }
            else
            {
                patterns.Add(l => { Sandwich(l, pool, strategy, crossSlot: false); return true; });
            }
        }

        for (int i = 0, n = Count(_options.ArbitragesPerSlot); i < n; i++)
        {
            patterns.Add(l => { Arbitrage(l, reserved, backrunVictim: null); return true; });
        }

        for (int i = 0, n = Count(_options.BackrunsPerSlot); i < n; i++)
        {
            var pool = PickPatternPool(reserved, p => p.Dex != DexProgram.PumpFun && Sibling(p) is not null);
            patterns.Add(l => { Backrun(l, pool, reserved); return true; });
        }

        for (int i = 0, n = Count(_options.JitPerSlot); i < n; i++)
        {
            var pool = PickPatternPool(reserved, p => p.Dex is DexProgram.OrcaWhirlpool or DexProgram.MeteoraDlmm);
            patterns.Add(l => { Jit(l, pool); return true; });
        }

        for (int i = 0, n = Count(_options.HardNegativesPerSlot); i < n; i++)
        {
            var strategy = Pick(HardNegativeStrategies);
            var pool = PickPatternPool(reserved, strategy == "different-pools" ? p => p.Dex != DexProgram.PumpFun && Sibling(p) is not null : null);
            patterns.Add(l => { HardNegative(l, pool, strategy, reserved); return true; });
        }

        for (var i = 0; i < background; i++)
        {
            var roll = _rng.NextDouble();
            list.Add(roll < 0.35 ? VoteTx() : roll < 0.45 ? TransferTx() : HonestSwapTx(reserved));
        }

        if (carried is not null)
        {
            // The tail of a cross-slot sandwich opens the next slot of the same leader.
            InsertSpread(list, carried, 0, maxGap: 2);
        }

        var firstLabel = _labels.Count;
        foreach (var p in patterns)
        {
            p(list);
        }

        RelabelIncidentalVictims(list, firstLabel);

        carryOut = carryLocal;
        return new GeneratedSlot(_slot, _leaders[(int)(_slot / 4 % (ulong)_leaders.Count)], list.Select(i => new GeneratedTransaction(i.Wire, i.Signature, i.Role)).ToList());
    }

    private ScenarioPool PickPatternPool(HashSet<Pubkey> reserved, Func<ScenarioPool, bool>? filter)
    {
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var p = Pick(_pools);
            if (!reserved.Contains(p.Address) && (filter is null || filter(p)))
            {
                reserved.Add(p.Address);
                return p;
            }
        }

        var fallback = _pools.First(p => filter is null || filter(p));
        reserved.Add(fallback.Address);
        return fallback;
    }

    /// <summary>Another pool with the same two mints (for 2-hop cycles and different-pool negatives).</summary>
    private ScenarioPool? Sibling(ScenarioPool pool)
        => _pools.FirstOrDefault(p => p != pool && p.MintA == pool.MintA && p.MintB == pool.MintB && p.Dex != DexProgram.PumpFun);

    private Item Tx(ScenarioRole role, ScenarioWallet payer, List<ScenarioInstruction> ixs, bool v0 = false, ScenarioWallet? cosigner = null)
    {
        var signers = cosigner is null ? new[] { payer } : [payer, cosigner];
        var wire = WireBuilder.Build(signers, ixs, _blockhash, v0 ? _lookupTable : null);
        if (wire.Length > MaxTransactionSize)
        {
            // Too large for a legacy packet: compile as v0 through a lookup table of the route's accounts, as real
            // multi-hop bots do (the table key is a hash of its contents, so the random stream is unchanged).
            var addresses = ixs.SelectMany(i => i.Accounts).Where(a => !a.Signer).Select(a => a.Key).Distinct().Take(256).ToArray();
            var table = new Pubkey(System.Security.Cryptography.SHA256.HashData(addresses.SelectMany(k => k.ToArray()).ToArray()));
            _alts.Add(table, addresses);
            wire = WireBuilder.Build(signers, ixs, _blockhash, (table, addresses));
            if (wire.Length > MaxTransactionSize)
            {
                throw new InvalidOperationException($"A generated transaction needs {wire.Length} bytes even with a lookup table.");
            }
        }

        return new Item(wire, Signature.Read(wire.AsSpan(1)), role);
    }

    private void AddCompute(List<ScenarioInstruction> ixs, bool bot)
    {
        if (bot || _rng.NextDouble() < 0.6)
        {
            ixs.Add(ComputeUnitLimit((uint)_rng.Next(bot ? 120_000 : 60_000, bot ? 400_000 : 300_000)));
        }

        if (bot || _rng.NextDouble() < 0.5)
        {
            ixs.Add(ComputeUnitPrice((ulong)(bot ? U(2e5, 8e6) : U(1e3, 4e5))));
        }
    }

    private ulong TipAmount(bool bot) => (ulong)(bot ? U(1e5, 5e6) : U(1e3, 1e5));

    private Item VoteTx()
    {
        var (authority, voteAccount) = Pick(_validators);
        Span<byte> hash = stackalloc byte[32];
        _rng.NextBytes(hash);
        return Tx(ScenarioRole.None, authority, [Vote(voteAccount, authority.PublicKey, _slot - 1, hash)]);
    }

    private Item TransferTx()
    {
        var from = Pick(_honest);
        var to = _rng.NextDouble() < 0.15 ? Pick(_honest).PublicKey : RandomKey(); // most transfers go to fresh or exchange addresses
        var ixs = new List<ScenarioInstruction>();
        AddCompute(ixs, bot: false);
        ixs.Add(SolTransfer(from.PublicKey, to, (ulong)U(1e5, 5e10)));
        return Tx(ScenarioRole.None, from, ixs);
    }

    private Item HonestSwapTx(HashSet<Pubkey> reserved)
    {
        // Background traffic may hit pattern pools too (realistic); incidental victims are relabelled after layout.
        _ = reserved;
        var pool = Pick(_pools);

        var w = Pick(_honest);
        var aToB = _rng.NextDouble() < 0.5;
        return SwapTx(ScenarioRole.None, w, pool, aToB, U(0.0005, 0.01), U(0.005, 0.05), bot: false, tip: _rng.NextDouble() < 0.08, allowRouting: true);
    }

    /// <summary>One swap transaction; returns it and applies the swap to the pool's reserves.</summary>
    private Item SwapTx(ScenarioRole role, ScenarioWallet w, ScenarioPool pool, bool aToB, double sizeFraction, double slippage, bool bot, bool tip, bool allowRouting,
        ulong? exactIn = null, Pubkey? sourceOverride = null, Pubkey? destinationOverride = null, ScenarioWallet? accountOwner = null, List<ScenarioInstruction>? extra = null)
    {
        var owner = accountOwner?.PublicKey ?? w.PublicKey;
        var reserveIn = aToB ? pool.ReserveA : pool.ReserveB;
        var amountIn = exactIn ?? Math.Max(1000UL, (ulong)(reserveIn * sizeFraction));
        var quote = pool.Quote(aToB, amountIn);
        var minOut = slippage >= 1 ? 0 : (ulong)(quote * (1 - slippage));
        pool.Apply(aToB, amountIn);
        var src = sourceOverride ?? Account(owner, pool.MintIn(aToB), pool);
        var dst = destinationOverride ?? Account(owner, pool.MintOut(aToB), pool);
        var ixs = new List<ScenarioInstruction>();
        AddCompute(ixs, bot);
        if (!bot && _rng.NextDouble() < 0.4 && dst != owner)
        {
            ixs.Add(CreateAtaIdempotent(w.PublicKey, dst, owner, pool.MintOut(aToB)));
        }

        var routed = allowRouting && pool.Dex == DexProgram.OrcaWhirlpool && _rng.NextDouble() < 0.3;
        ScenarioInstruction swap = routed
            ? JupiterWhirlpoolRoute(pool, w.PublicKey, src, dst, aToB, amountIn, quote, (ushort)(slippage * 10_000), _jupiterEventAuthority)
            : ScenarioInstructions.Swap(pool, w.PublicKey, src, dst, aToB, amountIn, minOut);
        if (!bot && _rng.NextDouble() < 0.03 && pool.Dex is not (DexProgram.RaydiumAmmV4 or DexProgram.PumpFun) && !routed)
        {
            swap = swap with { Accounts = [.. swap.Accounts, Meta.R(Dex.JitoTipAccounts.DontFrontMarker)] };
        }

        ixs.Add(swap);
        if (extra is not null)
        {
            ixs.AddRange(extra);
        }

        if (tip)
        {
            ixs.Add(SolTransfer(w.PublicKey, JitoTipAccounts.All[_rng.Next(8)], TipAmount(bot)));
        }

        var v0 = !bot && InLookupTable(pool) && _rng.NextDouble() < _options.LookupTableFraction;
        return Tx(role, w, ixs, v0) with { Pool = pool.Address, AToB = aToB, Signer = w.PublicKey };
    }

    private List<Item>? Sandwich(List<Item> list, ScenarioPool pool, string strategy, bool crossSlot)
    {
        var attacker = _bots[_rng.Next(_bots.Count)];
        var linked = strategy.StartsWith("linked", StringComparison.Ordinal);
        var backSigner = linked ? _botLinks[_bots.IndexOf(attacker)] : attacker;
        var aToB = _rng.NextDouble() < 0.5;
        var victims = strategy.StartsWith("multi-victim", StringComparison.Ordinal) ? _rng.Next(2, 5) : 1;
        var tip = strategy.EndsWith("-tip", StringComparison.Ordinal) || (strategy != "adjacent" && _rng.NextDouble() < 0.5);

        var reserveIn = aToB ? pool.ReserveA : pool.ReserveB;
        var frontIn = (ulong)(reserveIn * U(0.003, 0.03));
        var frontOut = pool.Quote(aToB, frontIn);
        var front = SwapTx(ScenarioRole.Front, attacker, pool, aToB, 0, 1, bot: true, tip: strategy == "adjacent-tip" && _rng.NextDouble() < 0.3, allowRouting: false, exactIn: frontIn,
            extra: strategy is "linked-transfer" or "linked-transfer-wide" && _rng.NextDouble() < 0.5 ? [SolTransfer(attacker.PublicKey, backSigner.PublicKey, (ulong)U(1e6, 1e8))] : null);
        var items = new List<Item> { front };
        var victimSigs = new List<Signature>();
        for (var v = 0; v < victims; v++)
        {
            var w = Pick(_honest);
            var victim = SwapTx(ScenarioRole.Victim, w, pool, aToB, U(0.002, 0.02), U(0.03, 0.15), bot: false, tip: false, allowRouting: true);
            items.Add(victim);
            victimSigs.Add(victim.Signature);
        }

        // A funding transfer between the linked wallets in its own transaction (the front may carry one too).
        Item? funding = null;
        if (strategy is "linked-transfer" or "linked-transfer-wide")
        {
            funding = Tx(ScenarioRole.None, attacker, [SolTransfer(attacker.PublicKey, backSigner.PublicKey, (ulong)U(1e6, 1e8))]);
        }

        Item back;
        if (strategy == "linked-shared-account")
        {
            // The linked wallet sells from the attacker's own token account (delegated) back into the attacker's input account.
            var src = Account(attacker.PublicKey, pool.MintOut(aToB), pool);
            var dst = Account(attacker.PublicKey, pool.MintIn(aToB), pool);
            back = SwapTx(ScenarioRole.Back, backSigner, pool, !aToB, 0, 1, bot: true, tip: tip, allowRouting: false, exactIn: frontOut, sourceOverride: src, destinationOverride: dst);
        }
        else
        {
            back = SwapTx(ScenarioRole.Back, backSigner, pool, !aToB, 0, _rng.NextDouble() < 0.5 ? 1 : 0.002, bot: true, tip: tip, allowRouting: false, exactIn: frontOut);
        }

        if (funding is { } f)
        {
            items.Add(f);
        }

        items.Add(back);
        _labels.Add(new ScenarioLabel
        {
            Kind = ScenarioPatternKind.Sandwich,
            Strategy = strategy,
            Slot = _slot,
            Front = front.Signature,
            Back = back.Signature,
            Victims = victimSigs,
            Transactions = items.Select(i => i.Signature).ToList(),
            Attacker = attacker.PublicKey,
            Pool = pool.Address,
        });

        if (crossSlot)
        {
            // Front (and maybe a victim) ends this slot; the rest opens the next one.
            var split = 1 + _rng.Next(0, Math.Min(2, items.Count - 1));
            InsertSpread(list, items.Take(split).ToList(), Math.Max(0, list.Count - 3), maxGap: 1);
            return items.Skip(split).ToList();
        }

        var wide = strategy.Contains("wide", StringComparison.Ordinal) || strategy.StartsWith("linked-transfer", StringComparison.Ordinal);
        InsertSpread(list, items, _rng.Next(0, list.Count + 1), wide ? 6 : 0);
        return null;
    }

    private void Arbitrage(List<Item> list, HashSet<Pubkey> reserved, Item? backrunVictim)
    {
        _ = backrunVictim;
        var bot = Pick(_arbBots);
        var threeHop = _rng.NextDouble() < 0.4;
        var legs = new List<(ScenarioPool Pool, bool AToB)>();
        if (threeHop)
        {
            // WSOL -> T -> USDC -> WSOL
            var solUsdc = _pools.Where(p => (p.MintA == _usdc || p.MintB == _usdc) && (p.MintA == DexProgramIds.WrappedSolMint || p.MintB == DexProgramIds.WrappedSolMint) && !reserved.Contains(p.Address)).ToList();
            var tUsdc = _pools.Where(p => (p.MintA == _usdc || p.MintB == _usdc) && p.MintA != DexProgramIds.WrappedSolMint && p.MintB != DexProgramIds.WrappedSolMint && !reserved.Contains(p.Address)).ToList();
            if (solUsdc.Count == 0 || tUsdc.Count == 0)
            {
                threeHop = false;
            }
            else
            {
                var p2 = Pick(tUsdc);
                var token = p2.MintA == _usdc ? p2.MintB : p2.MintA;
                var p1 = _pools.FirstOrDefault(p => p.Dex != DexProgram.PumpFun && !reserved.Contains(p.Address) && (p.MintA == token || p.MintB == token) && (p.MintA == DexProgramIds.WrappedSolMint || p.MintB == DexProgramIds.WrappedSolMint));
                if (p1 is null)
                {
                    threeHop = false;
                }
                else
                {
                    var p3 = Pick(solUsdc);
                    legs.Add((p1, p1.MintIn(true) == DexProgramIds.WrappedSolMint));
                    legs.Add((p2, p2.MintIn(true) == token));
                    legs.Add((p3, p3.MintIn(true) == _usdc));
                }
            }
        }

        if (!threeHop)
        {
            var p1 = PickPatternPool(reserved, p => p.Dex != DexProgram.PumpFun && Sibling(p) is not null);
            var p2 = Sibling(p1)!;
            var dir = _rng.NextDouble() < 0.5;
            legs.Add((p1, dir));
            legs.Add((p2, !dir));
        }

        foreach (var l in legs)
        {
            reserved.Add(l.Pool.Address);
        }

        var tx = ArbTx(bot, legs, U(0.001, 0.01));
        _labels.Add(new ScenarioLabel
        {
            Kind = ScenarioPatternKind.Arbitrage,
            Strategy = threeHop ? "cycle-3" : "cycle-2",
            Slot = _slot,
            Front = tx.Signature,
            Transactions = [tx.Signature],
            Attacker = bot.PublicKey,
            Pool = legs[0].Pool.Address,
        });
        list.Insert(_rng.Next(0, list.Count + 1), tx);
    }

    private Item ArbTx(ScenarioWallet bot, List<(ScenarioPool Pool, bool AToB)> legs, double sizeFraction)
    {
        var ixs = new List<ScenarioInstruction>();
        AddCompute(ixs, bot: true);
        var first = legs[0];
        var amount = (ulong)((first.AToB ? first.Pool.ReserveA : first.Pool.ReserveB) * sizeFraction);
        var startMint = first.Pool.MintIn(first.AToB);
        var startAccount = Account(bot.PublicKey, startMint, first.Pool);
        foreach (var (pool, aToB) in legs)
        {
            var src = Account(bot.PublicKey, pool.MintIn(aToB), pool);
            var dst = Account(bot.PublicKey, pool.MintOut(aToB), pool);
            var o = pool.Apply(aToB, amount);
            ixs.Add(ScenarioInstructions.Swap(pool, bot.PublicKey, src, dst, aToB, amount, 0));
            amount = o;
        }

        _ = startAccount;
        if (_rng.NextDouble() < 0.5)
        {
            ixs.Add(SolTransfer(bot.PublicKey, JitoTipAccounts.All[_rng.Next(8)], TipAmount(true)));
        }

        return Tx(ScenarioRole.Arbitrage, bot, ixs);
    }

    private void Backrun(List<Item> list, ScenarioPool pool, HashSet<Pubkey> reserved)
    {
        var sibling = Sibling(pool)!;
        reserved.Add(sibling.Address);
        var aToB = _rng.NextDouble() < 0.5;
        var victim = SwapTx(ScenarioRole.None, Pick(_honest), pool, aToB, U(0.03, 0.08), U(0.01, 0.05), bot: false, tip: false, allowRouting: false);
        var bot = Pick(_arbBots);
        var tx = ArbTx(bot, [(pool, !aToB), (sibling, aToB)], U(0.005, 0.02));
        _labels.Add(new ScenarioLabel
        {
            Kind = ScenarioPatternKind.Backrun,
            Strategy = "backrun-cycle-2",
            Slot = _slot,
            Front = tx.Signature,
            Victims = [victim.Signature],
            Transactions = [victim.Signature, tx.Signature],
            Attacker = bot.PublicKey,
            Pool = pool.Address,
        });
        _labels.Add(new ScenarioLabel
        {
            Kind = ScenarioPatternKind.Arbitrage,
            Strategy = "backrun",
            Slot = _slot,
            Front = tx.Signature,
            Transactions = [tx.Signature],
            Attacker = bot.PublicKey,
            Pool = pool.Address,
        });
        InsertSpread(list, [victim, tx], _rng.Next(0, list.Count + 1), maxGap: 0);
    }

    private void Jit(List<Item> list, ScenarioPool pool)
    {
        var lp = Pick(_lps);
        var position = RandomKey();
        var ownerA = Account(lp.PublicKey, pool.MintA, pool);
        var ownerB = Account(lp.PublicKey, pool.MintB, pool);
        var liquidity = (UInt128)(ulong)U(1e9, 1e12);
        ScenarioInstruction Liq(bool add) => pool.Dex == DexProgram.OrcaWhirlpool
            ? WhirlpoolLiquidity(pool, lp.PublicKey, position, RandomKey(), ownerA, ownerB, add, liquidity, (ulong)(pool.ReserveA * 0.2), (ulong)(pool.ReserveB * 0.2))
            : DlmmLiquidity(pool, lp.PublicKey, position, ownerA, ownerB, add, (ulong)(pool.ReserveA * 0.2), (ulong)(pool.ReserveB * 0.2));
        var addIxs = new List<ScenarioInstruction>();
        AddCompute(addIxs, bot: true);
        addIxs.Add(Liq(add: true));
        var add = Tx(ScenarioRole.None, lp, addIxs);
        var victim = SwapTx(ScenarioRole.None, Pick(_honest), pool, _rng.NextDouble() < 0.5, U(0.02, 0.06), U(0.01, 0.05), bot: false, tip: false, allowRouting: false);
        var removeIxs = new List<ScenarioInstruction>();
        AddCompute(removeIxs, bot: true);
        removeIxs.Add(Liq(add: false));
        if (_rng.NextDouble() < 0.6)
        {
            removeIxs.Add(SolTransfer(lp.PublicKey, JitoTipAccounts.All[_rng.Next(8)], TipAmount(true)));
        }

        var remove = Tx(ScenarioRole.None, lp, removeIxs);
        _labels.Add(new ScenarioLabel
        {
            Kind = ScenarioPatternKind.JitLiquidity,
            Strategy = pool.Dex == DexProgram.OrcaWhirlpool ? "whirlpool" : "dlmm",
            Slot = _slot,
            Front = add.Signature,
            Back = remove.Signature,
            Victims = [victim.Signature],
            Transactions = [add.Signature, victim.Signature, remove.Signature],
            Attacker = lp.PublicKey,
            Pool = pool.Address,
        });
        InsertSpread(list, [add, victim, remove], _rng.Next(0, list.Count + 1), maxGap: 0);
    }

    private void HardNegative(List<Item> list, ScenarioPool pool, string strategy, HashSet<Pubkey> reserved)
    {
        var items = new List<Item>();
        var aToB = _rng.NextDouble() < 0.5;
        switch (strategy)
        {
            case "opposite-unrelated":
            {
                var w = _honest.OrderBy(_ => _rng.Next()).Take(3).ToArray();
                items.Add(SwapTx(ScenarioRole.None, w[0], pool, aToB, U(0.002, 0.02), U(0.005, 0.05), bot: false, tip: false, allowRouting: true));
                items.Add(SwapTx(ScenarioRole.None, w[1], pool, aToB, U(0.002, 0.02), U(0.005, 0.05), bot: false, tip: false, allowRouting: true));
                items.Add(SwapTx(ScenarioRole.None, w[2], pool, !aToB, U(0.002, 0.02), U(0.005, 0.05), bot: false, tip: false, allowRouting: true));
                break;
            }

            case "roundtrip-adjacent":
            {
                var w = Pick(_honest);
                var amount = (ulong)((aToB ? pool.ReserveA : pool.ReserveB) * U(0.002, 0.02));
                var o = pool.Quote(aToB, amount);
                items.Add(SwapTx(ScenarioRole.None, w, pool, aToB, 0, 0.01, bot: false, tip: false, allowRouting: false, exactIn: amount));
                items.Add(SwapTx(ScenarioRole.None, w, pool, !aToB, 0, 0.01, bot: false, tip: false, allowRouting: false, exactIn: o));
                break;
            }

            case "pool-twice-in-one-tx":
            {
                var w = Pick(_honest);
                var amount = (ulong)((aToB ? pool.ReserveA : pool.ReserveB) * U(0.002, 0.02));
                var o = pool.Quote(aToB, amount);
                var other = SwapTx(ScenarioRole.None, Pick(_honest), pool, aToB, U(0.002, 0.02), U(0.01, 0.05), bot: false, tip: false, allowRouting: false);
                var ixs = new List<ScenarioInstruction>();
                AddCompute(ixs, bot: false);
                ixs.Add(ScenarioInstructions.Swap(pool, w.PublicKey, Account(w.PublicKey, pool.MintIn(aToB), pool), Account(w.PublicKey, pool.MintOut(aToB), pool), aToB, amount, 0));
                pool.Apply(aToB, amount);
                ixs.Add(ScenarioInstructions.Swap(pool, w.PublicKey, Account(w.PublicKey, pool.MintOut(aToB), pool), Account(w.PublicKey, pool.MintIn(aToB), pool), !aToB, o, 0));
                pool.Apply(!aToB, o);
                var twice = Tx(ScenarioRole.None, w, ixs);
                items.AddRange(_rng.NextDouble() < 0.5 ? [other, twice] : [twice, other]);
                break;
            }

            default: // different-pools: a bot buys on one pool and sells on another around an honest swap on the first.
            {
                var sibling = Sibling(pool)!;
                reserved.Add(sibling.Address);
                var bot = Pick(_bots);
                var amount = (ulong)((aToB ? pool.ReserveA : pool.ReserveB) * U(0.003, 0.02));
                var o = pool.Quote(aToB, amount);
                items.Add(SwapTx(ScenarioRole.None, bot, pool, aToB, 0, 1, bot: true, tip: false, allowRouting: false, exactIn: amount));
                items.Add(SwapTx(ScenarioRole.None, Pick(_honest), pool, aToB, U(0.002, 0.02), U(0.03, 0.1), bot: false, tip: false, allowRouting: true));
                items.Add(SwapTx(ScenarioRole.None, bot, sibling, !aToB, 0, 1, bot: true, tip: true, allowRouting: false, exactIn: o));
                break;
            }
        }

        _labels.Add(new ScenarioLabel
        {
            Kind = ScenarioPatternKind.HardNegative,
            Strategy = strategy,
            Slot = _slot,
            Transactions = items.Select(i => i.Signature).ToList(),
            Pool = pool.Address,
        });
        InsertSpread(list, items, _rng.Next(0, list.Count + 1), maxGap: 0);
    }

    /// <summary>Inserts <paramref name="items"/> in order starting at <paramref name="start"/>, with up to <paramref name="maxGap"/> existing transactions between consecutive items.</summary>
    private void InsertSpread(List<Item> list, IReadOnlyList<Item> items, int start, int maxGap)
    {
        var p = Math.Clamp(start, 0, list.Count);
        foreach (var item in items)
        {
            list.Insert(p, item);
            p = Math.Min(list.Count, p + 1 + (maxGap > 0 ? _rng.Next(1, maxGap + 1) : 0));
        }
    }

    private readonly record struct Item(byte[] Wire, Signature Signature, ScenarioRole Role, Pubkey Pool = default, bool AToB = false, Pubkey Signer = default);

    /// <summary>
    /// Background swaps may land between a sandwich's front and back on its pool: a same-direction swap by another wallet
    /// there is a victim too, so it is labelled as one (role and label), keeping the ground truth faithful.
    /// </summary>
    private void RelabelIncidentalVictims(List<Item> list, int firstLabel)
    {
        var position = new Dictionary<Signature, int>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            position[list[i].Signature] = i;
        }

        for (var l = firstLabel; l < _labels.Count; l++)
        {
            var label = _labels[l];
            if (label.Kind != ScenarioPatternKind.Sandwich || label.Front is not { } f || label.Back is not { } b
                || !position.TryGetValue(f, out var fi) || !position.TryGetValue(b, out var bi))
            {
                continue;
            }

            var front = list[fi];
            var added = new List<Signature>();
            for (var i = fi + 1; i < bi; i++)
            {
                var x = list[i];
                if (x.Role == ScenarioRole.None && x.Pool == front.Pool && !x.Pool.IsZero && x.AToB == front.AToB && x.Signer != front.Signer && x.Signer != list[bi].Signer)
                {
                    list[i] = x with { Role = ScenarioRole.Victim };
                    added.Add(x.Signature);
                }
            }

            if (added.Count > 0)
            {
                var victims = label.Victims.Concat(added).OrderBy(v => position[v]).ToList();
                var all = label.Transactions.Concat(added).Where(position.ContainsKey).OrderBy(v => position[v]).ToList();
                _labels[l] = label with { Victims = victims, Transactions = all.Count == label.Transactions.Count + added.Count ? all : label.Transactions.Concat(added).ToList() };
            }
        }
    }
}
