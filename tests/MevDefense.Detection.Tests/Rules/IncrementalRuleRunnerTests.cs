using System.Globalization;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Rules.Internal;
using MevDefense.Detection.State;
using static MevDefense.Detection.Tests.Rules.WindowBuilder;

namespace MevDefense.Detection.Tests.Rules;

/// <summary>
/// The incremental rule runner, fed a window by appends, holds after every run exactly the detections of one batch run of
/// the pipeline over the window so far — including when a later transaction revises an earlier one's evidence (rebuild).
/// </summary>
public sealed class IncrementalRuleRunnerTests
{
    private static readonly Pubkey Attacker = Key(1);
    private static readonly Pubkey Victim = Key(2);
    private static readonly Pubkey Linked = Key(4);

    private static string Project(DetectionEvent d) => string.Join('|',
        d.Kind, d.Slot, d.Front?.ToString(), d.Back?.ToString(), string.Join(',', d.Victims), string.Join(',', d.Transactions), d.Attacker?.ToString(),
        d.Pool?.ToString(), d.Confidence.ToString("R", CultureInfo.InvariantCulture), d.EstimatedVictimLoss?.ToString(CultureInfo.InvariantCulture), d.Detector);

    private static IncrementalRuleRunner Runner(DetectionOptions options) => new DetectionPipeline(options).CreateIncrementalRunner()!;

    /// <summary>Appends <paramref name="source"/> to a fresh window in batches ending at <paramref name="cuts"/>, checking after each.</summary>
    private static (IncrementalRuleRunner Runner, List<DetectionEvent> Forwarded) Replay(DetectionWindow source, IEnumerable<int> cuts, DetectionOptions? options = null, IAccountStateProvider? state = null)
    {
        options ??= new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 };
        var runner = Runner(options);
        var unscreened = Runner(options); // the sandwich rule without its pair filters: must report exactly the same
        unscreened.Sandwich!.UsePairFilters = false;
        var reference = new DetectionPipeline(options);
        var window = new DetectionWindow { AccountState = state };
        var forwarded = new List<DetectionEvent>();
        var seen = new HashSet<string>();
        var done = 0;
        foreach (var cut in cuts.Append(source.Count))
        {
            for (; done < Math.Min(cut, source.Count); done++)
            {
                window.Add(source[done]);
            }

            var produced = new List<DetectionEvent>();
            runner.Run(window, produced);
            var producedUnscreened = new List<DetectionEvent>();
            unscreened.Run(window, producedUnscreened);
            Assert.Equal(producedUnscreened.Select(Project), produced.Select(Project));
            foreach (var d in produced)
            {
                if (seen.Add(Project(d)))
                {
                    forwarded.Add(d);
                }
            }

            var prefix = new DetectionWindow { AccountState = state };
            for (var i = 0; i < window.Count; i++)
            {
                prefix.Add(window[i]);
            }

            Assert.Equal(
                reference.Detect(prefix).Select(Project).Order(StringComparer.Ordinal),
                runner.Current.Select(Project).Order(StringComparer.Ordinal));
        }

        return (runner, forwarded);
    }

    [Fact]
    public void Run_MintRevealedByLaterTransaction_RevisesAndMatchesBatch()
    {
        // A direction-blind sandwich whose front-run's accounts get their mints only from a later transaction.
        var b = new WindowBuilder();
        var f = b.Tx(Attacker, tip: 10_000);
        f.AddSwap(Swap(PoolA, Attacker, MintX, MintY, 1_000_000, knownMints: false));
        var v = b.Tx(Victim);
        v.AddSwap(Swap(PoolA, Victim, MintX, MintY, 500_000, knownMints: false));
        var k = b.Tx(Attacker, tip: 10_000);
        k.AddSwap(Swap(PoolA, Attacker, MintY, MintX, 1_000_000, knownMints: false));
        var reveal = b.Tx(Key(9));
        reveal.AddTokenAccount(new TokenAccountInfo { Account = Account(Attacker, MintX), Owner = Attacker, Mint = MintX });
        reveal.AddTokenAccount(new TokenAccountInfo { Account = Account(Attacker, MintY), Owner = Attacker, Mint = MintY });
        var (runner, _) = Replay(b.Window, [3]);
        Assert.True(runner.Revisions >= 1);
    }

    [Fact]
    public void Run_PoolMintsRevealedLater_RevisesAndMatchesBatch()
    {
        // One-sided legs resolve through the pool's mints, which a later swap naming both mints reveals.
        var b = new WindowBuilder();
        for (var i = 0; i < 3; i++)
        {
            var t = b.Tx(i == 1 ? Victim : Attacker, tip: 5_000);
            var s = Swap(PoolA, i == 1 ? Victim : Attacker, i == 2 ? MintY : MintX, i == 2 ? MintX : MintY, 1_000_000, knownMints: false) with { SourceMint = i == 2 ? MintY : MintX };
            t.AddSwap(s);
        }

        b.SwapTx(Key(7), PoolA, MintX, MintY);
        var (runner, _) = Replay(b.Window, [1, 2, 3]);
        Assert.True(runner.Revisions >= 1);
    }

    [Fact]
    public void Run_LeaderRecordedLateOrTransactionReplaced_Rebuilds()
    {
        var b = new WindowBuilder();
        b.SwapTx(Attacker, PoolA, MintX, MintY, tip: 10_000);
        b.SwapTx(Victim, PoolA, MintX, MintY);
        b.NextSlot();
        b.SwapTx(Attacker, PoolA, MintY, MintX, tip: 10_000);
        var runner = Runner(new DetectionOptions { Mode = DetectionMode.Rules });
        var window = new DetectionWindow();
        for (var i = 0; i < b.Window.Count; i++)
        {
            window.Add(b.Window[i]);
        }

        runner.Run(window, new List<DetectionEvent>());
        var rebuilds = runner.Rebuilds;
        var cross = runner.Current.Count;

        // A different leader for the second slot ends the leader run: the cross-slot sandwich is withdrawn.
        window.SetLeader(b.Window[0].Slot, Key(50));
        window.SetLeader(b.Window[2].Slot, Key(51));
        runner.Run(window, new List<DetectionEvent>());
        Assert.Equal(rebuilds + 1, runner.Rebuilds);
        Assert.Empty(runner.Current);
        Assert.Equal(1, cross);

        // Replacing the last transaction (remove, then append another) is not an append.
        window.RemoveLast();
        window.Add(b.Window[1]);
        runner.Run(window, new List<DetectionEvent>());
        Assert.Equal(rebuilds + 2, runner.Rebuilds);

        // Plain appends do not rebuild.
        window.Add(b.Window[0]);
        runner.Run(window, new List<DetectionEvent>());
        Assert.Equal(rebuilds + 2, runner.Rebuilds);
    }

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public bool Run_RandomWindowsAndSplits_EqualsBatchAfterEveryRun(int seed)
    {
        // Random traffic on three pools among five wallets: directions known or blind, tips, priority fees, funding
        // transfers, mint revelations, JIT liquidity, multi-hop cycles, slot changes; random batch cuts and distance bounds.
        var rng = new Random(seed);
        var b = new WindowBuilder();
        Pubkey[] wallets = [Attacker, Victim, Key(3), Linked, Key(5)];
        Pubkey[] pools = [PoolA, PoolB, Key(902)];
        var n = rng.Next(3, 60);
        for (var i = 0; i < n; i++)
        {
            if (rng.Next(12) == 0)
            {
                b.NextSlot();
            }

            var who = wallets[rng.Next(wallets.Length)];
            var t = b.Tx(who, tip: rng.Next(3) == 0 ? 10_000UL : 0, cuPrice: rng.Next(3) == 0 ? 1_000_000UL : 0);
            switch (rng.Next(10))
            {
                case 0:
                    // Funding transfer to another wallet.
                    t.AddTransfer(new TransferRecord { From = who, To = wallets[rng.Next(wallets.Length)], Authority = who, Amount = 1_000 });
                    break;
                case 1:
                    // Reveals a token account's mint.
                    var owner = wallets[rng.Next(wallets.Length)];
                    var mint = rng.Next(2) == 0 ? MintX : MintY;
                    t.AddTokenAccount(new TokenAccountInfo { Account = Account(owner, mint), Owner = owner, Mint = mint });
                    break;
                case 2:
                    // A two-pool cycle (arbitrage) X -> Y -> X.
                    t.AddSwap(Swap(pools[0], who, MintX, MintY, 1_000_000, knownMints: rng.Next(2) == 0));
                    t.AddSwap(Swap(pools[1], who, MintY, MintX, 1_000_000, knownMints: rng.Next(2) == 0));
                    break;
                case 3:
                    // Liquidity add or remove on a pool.
                    t.AddLiquidityChange(new MevDefense.Detection.Dex.LiquidityIntent
                    {
                        Pool = pools[rng.Next(pools.Length)],
                        Position = Key(700 + rng.Next(2)),
                        Owner = who,
                        IsAdd = rng.Next(2) == 0,
                    });
                    break;
                case 4:
                    if (rng.Next(2) == 0)
                    {
                        // A transfer between swap accounts: from a wallet's output account, or into one's input account (the
                        // funding-transfer link's account forms), sometimes with a second signer.
                        var other = wallets[rng.Next(wallets.Length)];
                        var (m1, m2) = rng.Next(2) == 0 ? (MintX, MintY) : (MintY, MintX);
                        t.AddTransfer(new TransferRecord { From = Account(who, m1), To = Account(other, m2), Authority = rng.Next(2) == 0 ? who : other, Amount = 1_000 });
                        if (rng.Next(2) == 0)
                        {
                            t.AddSigner(other);
                        }
                    }

                    break; // no swap
                case 5 when rng.Next(2) == 0:
                    // A swap signed by two wallets, or one whose accounts the decoder left zero.
                    var fwd = rng.Next(2) == 0;
                    var swap = Swap(pools[rng.Next(pools.Length)], who, fwd ? MintX : MintY, fwd ? MintY : MintX, 500_000, knownMints: rng.Next(2) == 0);
                    if (rng.Next(2) == 0)
                    {
                        t.AddSigner(wallets[rng.Next(wallets.Length)]);
                    }
                    else
                    {
                        swap = swap with { SourceTokenAccount = rng.Next(2) == 0 ? default : swap.SourceTokenAccount, DestinationTokenAccount = rng.Next(2) == 0 ? default : swap.DestinationTokenAccount };
                    }

                    t.AddSwap(swap);
                    break;
                default:
                    var forward = rng.Next(2) == 0;
                    t.AddSwap(Swap(pools[rng.Next(pools.Length)], who, forward ? MintX : MintY, forward ? MintY : MintX, (ulong)rng.Next(1, 3) * 500_000,
                        limit: (ulong)rng.Next(0, 3) * 500_000, knownMints: rng.Next(3) != 0));
                    break;
            }
        }

        var cuts = new List<int>();
        for (var c = rng.Next(0, 4); c < n; c += rng.Next(1, 8))
        {
            cuts.Add(c);
        }

        var options = new DetectionOptions
        {
            Mode = DetectionMode.Rules,
            CacheCapacity = 0,
            MinConfidence = rng.Next(2) == 0 ? 0.55 : 0.2,
            MaxSandwichDistance = rng.Next(2) == 0 ? 400 : rng.Next(2, 10),
            CrossSlot = rng.Next(4) != 0,
        };
        InMemoryAccountStateProvider? state = null;
        if (rng.Next(2) == 0)
        {
            // Pool reserves (victim-loss replay, one-sided direction resolution) and some token accounts' mints.
            state = new InMemoryAccountStateProvider();
            var (a, c) = MintX.CompareTo(MintY) < 0 ? (MintX, MintY) : (MintY, MintX);
            state.SetPool(PoolA, 0, new PoolState { MintA = a, MintB = c, ReserveA = 50_000_000, ReserveB = 80_000_000, FeeBps = 25, IsConstantProduct = true });
            state.SetPool(Key(902), 0, new PoolState { MintA = a, MintB = c, ReserveA = 9_000_000, ReserveB = 7_000_000, FeeBps = 30, IsConstantProduct = true });
            foreach (var w in wallets.Where(_ => rng.Next(2) == 0))
            {
                state.SetTokenAccount(new TokenAccountInfo { Account = Account(w, MintX), Owner = w, Mint = MintX });
            }
        }

        Replay(b.Window, cuts, options, state);
        return true;
    }
}
