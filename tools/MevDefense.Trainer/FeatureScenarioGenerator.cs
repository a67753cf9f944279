using MevDefense.Detection.Features;
using MevDefense.Detection.Model;

namespace MevDefense.Trainer;

/// <summary>
/// Decoded-level scenario generator (the <c>--source features</c> option): windows of swaps, votes and transfers with
/// labelled sandwiches (adjacent, wide, multi-victim; attacker linked by signer, shared token account or funding
/// transfer), atomic arbitrages, and the hard negatives of issue #7. It produces <see cref="TransactionFeatureInput"/>
/// directly, without signed transactions; the default source is det-A's signed-transaction scenario generator.
/// </summary>
internal static class FeatureScenarioGenerator
{
    public static IEnumerable<LabelledWindow> Generate(int seed, int windows)
    {
        var rng = new Random(seed);
        for (var w = 0; w < windows; w++)
        {
            yield return One(rng, seed, w);
        }
    }

    private static Pubkey Key(Random rng)
    {
        Span<byte> b = stackalloc byte[32];
        rng.NextBytes(b);
        return new Pubkey(b);
    }

    private static LabelledWindow One(Random rng, int seed, int index)
    {
        var txs = new List<(TransactionFeatureInput Tx, TransactionRole Role)>();
        var pools = Enumerable.Range(0, 3 + rng.Next(8)).Select(_ => Key(rng)).ToArray();
        var users = Enumerable.Range(0, 30).Select(_ => Key(rng)).ToArray();
        var target = 16 + rng.Next(49);

        TransactionFeatureInput Swap(Pubkey signer, Pubkey pool, int dir, ulong amount, bool bot)
            => new()
            {
                Signer = signer,
                Pool = pool,
                SourceTokenAccount = Key(rng),
                DestinationTokenAccount = Key(rng),
                SwapCount = 1,
                DistinctPools = 1,
                Direction = dir,
                AmountIn = amount,
                MinimumOut = rng.Next(6) == 0 ? 0 : (ulong)(amount * (0.3 + rng.NextDouble())),
                ExactOut = rng.Next(10) == 0,
                ProgramKind = 1 + rng.Next(15),
                ComputeUnitPrice = bot ? (ulong)rng.NextInt64(10_000, 5_000_000) : (ulong)rng.NextInt64(0, 200_000),
                ComputeUnitLimit = (uint)rng.Next(60_000, 400_000),
                TipLamports = bot ? (rng.Next(4) == 0 ? 0 : (ulong)rng.NextInt64(10_000, 5_000_000)) : (rng.Next(8) == 0 ? (ulong)rng.Next(1_000, 100_000) : 0),
                SignatureCount = 1,
                InstructionCount = 2 + rng.Next(5),
                DontFront = !bot && rng.Next(20) == 0,
            };

        TransactionFeatureInput Honest()
        {
            var k = rng.Next(10);
            if (k < 2)
            {
                return new TransactionFeatureInput { Signer = Key(rng), IsVote = true, SignatureCount = 1, InstructionCount = 1 };
            }

            if (k < 4)
            {
                return new TransactionFeatureInput { Signer = users[rng.Next(users.Length)], TransferDestination = Key(rng), TransferLamports = (ulong)rng.NextInt64(1, 10_000_000_000), SignatureCount = 1, InstructionCount = 1 + rng.Next(2) };
            }

            return Swap(users[rng.Next(users.Length)], pools[rng.Next(pools.Length)], rng.Next(2) == 0 ? 1 : -1, (ulong)rng.NextInt64(1_000, 50_000_000_000), false);
        }

        void AddHonest(int count)
        {
            for (var i = 0; i < count; i++)
            {
                txs.Add((Honest(), TransactionRole.None));
            }
        }

        while (txs.Count < target)
        {
            AddHonest(rng.Next(0, 6));
            var kind = rng.Next(10);
            var pool = pools[rng.Next(pools.Length)];
            var dir = rng.Next(2) == 0 ? 1 : -1;
            if (kind < 4)
            {
                // Sandwich with a linked attacker.
                var attacker = Key(rng);
                var backSigner = attacker;
                var link = rng.Next(3);
                if (link > 0)
                {
                    backSigner = Key(rng);
                }

                if (link == 2)
                {
                    txs.Add((new TransactionFeatureInput { Signer = attacker, TransferDestination = backSigner, TransferLamports = (ulong)rng.NextInt64(1_000_000, 1_000_000_000), SignatureCount = 1, InstructionCount = 1 }, TransactionRole.None));
                    AddHonest(rng.Next(0, 3));
                }

                var amount = (ulong)rng.NextInt64(1_000_000, 100_000_000_000);
                var front = Swap(attacker, pool, dir, amount, true);
                txs.Add((front, TransactionRole.Front));
                var victims = 1 + (rng.Next(4) == 0 ? rng.Next(1, 4) : 0);
                var wide = rng.Next(3) == 0;
                for (var v = 0; v < victims; v++)
                {
                    if (wide)
                    {
                        AddHonest(rng.Next(0, 3));
                    }

                    txs.Add((Swap(users[rng.Next(users.Length)], pool, dir, (ulong)rng.NextInt64(1_000_000, 50_000_000_000), false), TransactionRole.Victim));
                }

                if (wide)
                {
                    AddHonest(rng.Next(0, 3));
                }

                var back = Swap(backSigner, pool, -dir, front.MinimumOut > 0 ? front.MinimumOut : amount / 2, true);
                if (link == 1)
                {
                    back.SourceTokenAccount = front.DestinationTokenAccount;
                }

                txs.Add((back, TransactionRole.Back));
            }
            else if (kind < 6)
            {
                // Atomic arbitrage: a cycle over 2-3 pools in one transaction.
                var a = Swap(Key(rng), pool, dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), true);
                a.SwapCount = 2 + rng.Next(2);
                a.DistinctPools = a.SwapCount;
                a.LastPool = pools[rng.Next(pools.Length)];
                a.Cyclic = true;
                a.DestinationTokenAccount = a.SourceTokenAccount;
                a.ProgramKind = rng.Next(3) == 0 ? 10 : a.ProgramKind;
                txs.Add((a, TransactionRole.Arbitrage));
            }
            else
            {
                // Hard negatives.
                var user = users[rng.Next(users.Length)];
                switch (rng.Next(4))
                {
                    case 0: // unrelated users trading opposite directions around a third
                        txs.Add((Swap(users[rng.Next(users.Length)], pool, dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), false), TransactionRole.None));
                        txs.Add((Swap(users[rng.Next(users.Length)], pool, dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), false), TransactionRole.None));
                        txs.Add((Swap(users[rng.Next(users.Length)], pool, -dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), false), TransactionRole.None));
                        break;
                    case 1: // one user buys then sells with nobody between
                        txs.Add((Swap(user, pool, dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), rng.Next(2) == 0), TransactionRole.None));
                        txs.Add((Swap(user, pool, -dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), rng.Next(2) == 0), TransactionRole.None));
                        break;
                    case 2: // a router touching one pool twice (not a cycle)
                        var r = Swap(user, pool, dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), false);
                        r.SwapCount = 2;
                        r.DistinctPools = 1;
                        r.ProgramKind = 10;
                        txs.Add((r, TransactionRole.None));
                        break;
                    default: // front and back on different pools around a victim
                        var other = pools[(Array.IndexOf(pools, pool) + 1) % pools.Length];
                        if (other == pool)
                        {
                            other = Key(rng);
                        }

                        var bot = Key(rng);
                        txs.Add((Swap(bot, pool, dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), true), TransactionRole.None));
                        txs.Add((Swap(users[rng.Next(users.Length)], pool, dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), false), TransactionRole.None));
                        txs.Add((Swap(bot, other, -dir, (ulong)rng.NextInt64(1_000_000, 10_000_000_000), true), TransactionRole.None));
                        break;
                }
            }
        }

        // Cut to the window size without splitting a sandwich (keep whole pattern prefix).
        var cut = Math.Min(txs.Count, TransactionFeatures.WindowSize);
        while (cut < txs.Count && cut > 0 && txs[cut - 1].Role is TransactionRole.Front or TransactionRole.Victim)
        {
            cut--;
        }

        var kept = txs.Take(cut).ToList();
        var roles = kept.Select(t => t.Role).ToArray();
        FixOrphans(roles);
        return new LabelledWindow(kept.Select(t => t.Tx).ToArray(), roles, $"features:{seed}:{index}");
    }

    /// <summary>A front or victim whose back-run fell outside the window is not a complete sandwich: relabel it none.</summary>
    private static void FixOrphans(TransactionRole[] roles)
    {
        var lastBack = Array.LastIndexOf(roles, TransactionRole.Back);
        for (var i = lastBack + 1; i < roles.Length; i++)
        {
            if (roles[i] is TransactionRole.Front or TransactionRole.Victim)
            {
                roles[i] = TransactionRole.None;
            }
        }
    }
}
