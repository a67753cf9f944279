using MevDefense.Detection.Features;

namespace MevDefense.Detection.Tests.Features;

internal static class FeatureTestData
{
    public static Pubkey Key(int id)
    {
        Span<byte> b = stackalloc byte[32];
        BitConverter.TryWriteBytes(b, id * 7919 + 17);
        b[31] = (byte)id;
        b[30] = 0xA5;
        return new Pubkey(b);
    }

    /// <summary>A window of random swaps and transfers over a few pools and signers, with one sandwich at 3..6.</summary>
    public static TransactionFeatureInput[] RandomWindow(int seed, int count)
    {
        var rng = new Random(seed);
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

        if (count >= 7)
        {
            var attacker = Key(99);
            var pool = Key(3);
            TransactionFeatureInput Swap(Pubkey signer, int dir, int src, int dst, ulong amount, ulong tip) => new()
            {
                Signer = signer, Pool = pool, Direction = dir, SwapCount = 1, DistinctPools = 1, ProgramKind = 1,
                SourceTokenAccount = Key(src), DestinationTokenAccount = Key(dst), AmountIn = amount, MinimumOut = amount / 2,
                ComputeUnitPrice = tip > 0 ? 1_000_000UL : 10_000UL, ComputeUnitLimit = 200_000, TipLamports = tip,
                SignatureCount = 1, InstructionCount = 4,
            };
            txs[3] = Swap(attacker, 1, 90, 91, 5_000_000_000, 1_000_000);
            txs[4] = Swap(Key(2000), 1, 92, 93, 2_000_000_000, 0);
            txs[5] = Swap(Key(2001), 1, 94, 95, 1_000_000_000, 0);
            txs[6] = Swap(attacker, -1, 91, 90, 2_500_000_000, 1_000_000);
        }

        return txs;
    }
}
