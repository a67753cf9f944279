using MevDefense.Detection.Features;

namespace MevDefense.Benchmarks.Detection;

/// <summary>Deterministic 64-transaction windows for the model benchmarks: swaps over a few pools, votes, transfers, one sandwich.</summary>
internal static class FeatureBenchmarkData
{
    public static TransactionFeatureInput[] Window(int seed, int count = TransactionFeatures.WindowSize)
    {
        var rng = new Random(seed);
        Pubkey Key(int id)
        {
            Span<byte> b = stackalloc byte[32];
            BitConverter.TryWriteBytes(b, (id * 7919) + 17);
            b[31] = (byte)id;
            b[30] = 0x5A;
            return new Pubkey(b);
        }

        var txs = new TransactionFeatureInput[count];
        for (var i = 0; i < count; i++)
        {
            var swap = rng.Next(4) != 0;
            txs[i] = new TransactionFeatureInput
            {
                Signer = Key(1000 + rng.Next(40)),
                Pool = swap ? Key(rng.Next(6) + 1) : default,
                SourceTokenAccount = swap ? Key(5000 + rng.Next(1000)) : default,
                DestinationTokenAccount = swap ? Key(7000 + rng.Next(1000)) : default,
                SwapCount = swap ? 1 : 0,
                DistinctPools = swap ? 1 : 0,
                Direction = swap ? (rng.Next(2) == 0 ? 1 : -1) : 0,
                AmountIn = swap ? (ulong)rng.NextInt64(1_000, 10_000_000_000) : 0,
                MinimumOut = swap ? (ulong)rng.NextInt64(0, 10_000_000) : 0,
                ComputeUnitPrice = (ulong)rng.Next(0, 1_000_000),
                ComputeUnitLimit = (uint)rng.Next(0, 1_400_000),
                TipLamports = rng.Next(5) == 0 ? (ulong)rng.Next(1_000, 10_000_000) : 0,
                TransferLamports = swap ? 0 : (ulong)rng.Next(1, 1_000_000_000),
                SignatureCount = 1,
                InstructionCount = rng.Next(1, 8),
                ProgramKind = swap ? rng.Next(1, 12) : 0,
            };
        }

        var attacker = Key(99);
        txs[3] = txs[3] with { Signer = attacker, Pool = Key(3), Direction = 1, SwapCount = 1 };
        txs[4] = txs[4] with { Signer = Key(2000), Pool = Key(3), Direction = 1, SwapCount = 1 };
        txs[5] = txs[5] with { Signer = attacker, Pool = Key(3), Direction = -1, SwapCount = 1 };
        return txs;
    }
}
