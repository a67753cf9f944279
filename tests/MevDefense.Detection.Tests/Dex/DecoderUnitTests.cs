using System.Buffers.Binary;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Dex.Internal;
using MevDefense.Detection.Scenarios.Internal;
using static MevDefense.Detection.Tests.Rules.WindowBuilder;

namespace MevDefense.Detection.Tests.Dex;

/// <summary>Decoders without a Carbon fixture, checked against instructions built in the programs' documented layouts.</summary>
public sealed class DecoderUnitTests
{
    private static readonly SwapDecoderRegistry Registry = SwapDecoderRegistry.CreateDefault();

    private static ScenarioPool Pool(DexProgram dex, bool variant = false)
    {
        var extra = Enumerable.Range(0, 11).Select(i => Key(300 + i)).ToArray();
        if (dex is DexProgram.PumpFun or DexProgram.PumpSwap)
        {
            extra[0] = MintY;
        }

        return new ScenarioPool
        {
            Dex = dex, Address = Key(200), MintA = MintX, MintB = MintY, VaultA = Key(201), VaultB = Key(202), Extra = extra, ReserveA = 1_000_000, ReserveB = 2_000_000,
            EighteenAccounts = variant, UseV2 = variant,
        };
    }

    private static SwapIntent DecodeOne(ScenarioInstruction ix)
    {
        var dest = new SwapIntent[4];
        Assert.Equal(SwapDecodeStatus.Decoded, Registry.Decode(ix.Program, ix.Accounts.Select(a => a.Key).ToArray(), ix.Data, dest, out var n));
        Assert.Equal(1, n);
        return dest[0];
    }

    [Theory]
    [InlineData(DexProgram.RaydiumAmmV4, false)]
    [InlineData(DexProgram.RaydiumAmmV4, true)]
    [InlineData(DexProgram.RaydiumCpmm, false)]
    [InlineData(DexProgram.RaydiumClmm, false)]
    [InlineData(DexProgram.OrcaWhirlpool, false)]
    [InlineData(DexProgram.OrcaWhirlpool, true)]
    [InlineData(DexProgram.MeteoraDlmm, false)]
    [InlineData(DexProgram.MeteoraDammV2, false)]
    [InlineData(DexProgram.LifinityV2, false)]
    [InlineData(DexProgram.PumpSwap, false)]
    [InlineData(DexProgram.PumpFun, false)]
    public void Decode_DocumentedLayout_ReadsPoolUserAccountsAndAmounts(DexProgram dex, bool variant)
    {
        var pool = Pool(dex, variant);
        var user = Key(100);
        var src = Key(101);
        var dst = Key(102);
        var aToB = dex != DexProgram.PumpFun; // Pump.fun: the token (MintY = B) is sold, so both legs are token accounts' owner-side
        var ix = ScenarioInstructions.Swap(pool, user, src, dst, aToB, 123_456, 7_890);
        if (dex == DexProgram.RaydiumAmmV4)
        {
            Assert.Equal(variant ? 18 : 17, ix.Accounts.Length);
        }

        var s = DecodeOne(ix);
        Assert.Equal(dex, s.Dex);
        Assert.Equal(pool.Address, s.Pool);
        Assert.Equal(user, s.User);
        Assert.Equal(123_456UL, s.Amount);
        Assert.Equal(7_890UL, s.Limit);
        Assert.Equal(SwapAmountKind.ExactIn, s.AmountKind);
        if (dex is not DexProgram.PumpFun)
        {
            Assert.Equal(src, s.SourceTokenAccount);
            Assert.Equal(dst, s.DestinationTokenAccount);
        }

        if (dex is DexProgram.RaydiumCpmm or DexProgram.RaydiumClmm or DexProgram.OrcaWhirlpool)
        {
            Assert.Equal(SwapDirection.AToB, s.Direction);
        }
    }

    [Fact]
    public void Decode_RaydiumV4_WrongAccountCount_IsMalformed()
    {
        var ix = ScenarioInstructions.Swap(Pool(DexProgram.RaydiumAmmV4), Key(1), Key(2), Key(3), true, 1, 1);
        var accounts = ix.Accounts.Select(a => a.Key).Take(16).ToArray();
        Assert.Equal(SwapDecodeStatus.Malformed, Registry.Decode(DexProgramIds.RaydiumAmmV4, accounts, ix.Data, new SwapIntent[1], out _));
    }

    [Fact]
    public void Decode_DammV2Swap2ExactOut_MapsAmounts()
    {
        var data = new byte[8 + 17];
        Anchor.Write(Anchor.Swap2, data);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8), 500);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), 900);
        data[24] = 2;
        var accounts = Enumerable.Range(0, 14).Select(i => Key(i + 1)).ToArray();
        var dest = new SwapIntent[1];
        Assert.Equal(SwapDecodeStatus.Decoded, Registry.Decode(DexProgramIds.MeteoraDammV2, accounts, data, dest, out _));
        Assert.Equal((SwapAmountKind.ExactOut, 500UL, 900UL, 900UL), (dest[0].AmountKind, dest[0].Amount, dest[0].Limit, dest[0].AmountInBound));
        data[24] = 3;
        Assert.Equal(SwapDecodeStatus.Malformed, Registry.Decode(DexProgramIds.MeteoraDammV2, accounts, data, dest, out _));
    }

    [Fact]
    public void Decode_PhoenixImmediateOrCancelBid_BuysBaseWithQuote()
    {
        // tag 0 Swap, OrderPacket 2 IOC {side 0 bid, price Some(77), base lots 5, quote lots 1000, min base 4, min quote 0, ...}
        var data = new List<byte> { 0, 2, 0, 1 };
        data.AddRange(BitConverter.GetBytes(77UL));
        data.AddRange(BitConverter.GetBytes(5UL));
        data.AddRange(BitConverter.GetBytes(1000UL));
        data.AddRange(BitConverter.GetBytes(4UL));
        data.AddRange(BitConverter.GetBytes(0UL));
        var accounts = Enumerable.Range(0, 9).Select(i => Key(i + 1)).ToArray();
        var dest = new SwapIntent[1];
        Assert.Equal(SwapDecodeStatus.Decoded, Registry.Decode(DexProgramIds.Phoenix, accounts, data.ToArray(), dest, out _));
        var s = dest[0];
        Assert.Equal((accounts[2], accounts[3], SwapDirection.BToA, 1000UL, 4UL, (UInt128)77), (s.Pool, s.User, s.Direction, s.Amount, s.Limit, s.PriceLimit));
        Assert.Equal((accounts[5], accounts[4]), (s.SourceTokenAccount, s.DestinationTokenAccount));
    }

    [Fact]
    public void Decode_OpenBookPlaceTakeOrderAsk_SellsBase()
    {
        var data = new byte[8 + 1 + 24 + 2];
        Anchor.Write(Anchor.PlaceTakeOrder, data);
        data[8] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(9), 10);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(17), 300);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(25), 9_000);
        var accounts = Enumerable.Range(0, 16).Select(i => Key(i + 1)).ToArray();
        var dest = new SwapIntent[1];
        Assert.Equal(SwapDecodeStatus.Decoded, Registry.Decode(DexProgramIds.OpenBookV2, accounts, data, dest, out _));
        Assert.Equal((accounts[2], SwapDirection.AToB, 300UL, accounts[9], accounts[10]), (dest[0].Pool, dest[0].Direction, dest[0].Amount, dest[0].SourceTokenAccount, dest[0].DestinationTokenAccount));
    }

    [Fact]
    public void Decode_JupiterSharedAccountsRoute_TwoHopsLocatedByProgramId()
    {
        // shared_accounts_route: id, plan [Raydium 7 (50%, 0->1)... ] here: [Whirlpool{a_to_b=0} 100% 0->1, RaydiumCP 100% 1->2], in 1000, quoted 900, slippage 100, fee 0.
        var data = new List<byte>();
        var disc = new byte[8];
        Anchor.Write(Anchor.SharedAccountsRoute, disc);
        data.AddRange(disc);
        data.Add(3); // id
        data.AddRange(BitConverter.GetBytes(2u));
        data.AddRange([17, 0, 100, 0, 1]);
        data.AddRange([46, 100, 1, 2]);
        data.AddRange(BitConverter.GetBytes(1000UL));
        data.AddRange(BitConverter.GetBytes(900UL));
        data.AddRange(BitConverter.GetBytes((ushort)100));
        data.Add(0);
        var accounts = Enumerable.Range(0, 13).Select(i => Key(i + 1)).ToList();
        accounts.Add(DexProgramIds.OrcaWhirlpool);           // hop 1: program, then swap accounts (pool at 2)
        accounts.AddRange([Key(50), Key(51), Key(52)]);
        accounts.Add(DexProgramIds.RaydiumCpmm);             // hop 2: program, then CPMM accounts (pool at 3)
        accounts.AddRange([Key(60), Key(61), Key(62), Key(63)]);
        var dest = new SwapIntent[4];
        Assert.Equal(SwapDecodeStatus.Decoded, Registry.Decode(DexProgramIds.JupiterV6, accounts.ToArray(), data.ToArray(), dest, out var n));
        Assert.Equal(2, n);
        Assert.Equal((DexProgram.OrcaWhirlpool, Key(52), SwapDirection.BToA, 1000UL, accounts[2], accounts[3]), (dest[0].Dex, dest[0].Pool, dest[0].Direction, dest[0].Amount, dest[0].User, dest[0].SourceTokenAccount));
        Assert.Equal((DexProgram.RaydiumCpmm, Key(63), 891UL, accounts[6], accounts[8]), (dest[1].Dex, dest[1].Pool, dest[1].Limit, dest[1].DestinationTokenAccount, dest[1].DestinationMint));
        Assert.All(dest.Take(2), s => Assert.Equal(DexProgramIds.JupiterV6, s.Router));
        Assert.Equal(SwapDecodeStatus.DestinationTooSmall, Registry.Decode(DexProgramIds.JupiterV6, accounts.ToArray(), data.ToArray(), new SwapIntent[1], out _));
    }
}
