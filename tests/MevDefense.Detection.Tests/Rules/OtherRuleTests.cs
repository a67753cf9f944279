using MevDefense.Detection.Dex;
using MevDefense.Detection.Rules;
using static MevDefense.Detection.Tests.Rules.WindowBuilder;

namespace MevDefense.Detection.Tests.Rules;

public sealed class OtherRuleTests
{
    private static readonly Pubkey Bot = Key(10);
    private static readonly Pubkey User = Key(11);

    private static List<DetectionEvent> Run(IDetector detector, DetectionWindow w)
    {
        var list = new List<DetectionEvent>();
        detector.Detect(w, list);
        return list;
    }

    [Fact]
    public void Arbitrage_TwoPoolCycle_Detected()
    {
        var b = new WindowBuilder();
        var t = b.Tx(Bot, tip: 1000);
        t.AddSwap(Swap(PoolA, Bot, MintX, MintY, 1_000));
        t.AddSwap(Swap(PoolB, Bot, MintY, MintX, 1_990));
        var d = Assert.Single(Run(new ArbitrageDetector(), b.Window));
        Assert.Equal(t.Signature, d.Front);
        Assert.Equal(DetectionKind.Arbitrage, d.Kind);
    }

    [Fact]
    public void Arbitrage_ThreePoolCycleByAccountsOnly_Detected()
    {
        var b = new WindowBuilder();
        var t = b.Tx(Bot);
        t.AddSwap(Swap(PoolA, Bot, MintX, MintY, 1_000, knownMints: false));
        t.AddSwap(Swap(PoolB, Bot, MintY, MintZ, 1_000, knownMints: false));
        t.AddSwap(Swap(Key(902), Bot, MintZ, MintX, 1_000, knownMints: false));
        Assert.Single(Run(new ArbitrageDetector(), b.Window));
    }

    [Fact]
    public void Arbitrage_RouteEndingInAnotherToken_IsNegative()
    {
        var b = new WindowBuilder();
        var t = b.Tx(User);
        t.AddSwap(Swap(PoolA, User, MintX, MintY, 1_000));
        t.AddSwap(Swap(PoolB, User, MintY, MintZ, 1_000));
        Assert.Empty(Run(new ArbitrageDetector(), b.Window));
    }

    [Fact]
    public void Arbitrage_OnePoolTwice_IsNegative()
    {
        var b = new WindowBuilder();
        var t = b.Tx(User);
        t.AddSwap(Swap(PoolA, User, MintX, MintY, 1_000));
        t.AddSwap(Swap(PoolA, User, MintY, MintX, 1_000));
        Assert.Empty(Run(new ArbitrageDetector(), b.Window));
    }

    [Fact]
    public void Jit_AddVictimRemoveSamePosition_Detected()
    {
        var b = new WindowBuilder();
        var position = Key(500);
        var add = b.Tx(Bot);
        add.AddLiquidityChange(new LiquidityIntent { Dex = DexProgram.OrcaWhirlpool, Pool = PoolA, Position = position, Owner = Bot, IsAdd = true });
        var v = b.SwapTx(User, PoolA, MintX, MintY);
        var remove = b.Tx(Bot);
        remove.AddLiquidityChange(new LiquidityIntent { Dex = DexProgram.OrcaWhirlpool, Pool = PoolA, Position = position, Owner = Bot, IsAdd = false });
        var d = Assert.Single(Run(new JitLiquidityDetector(), b.Window));
        Assert.Equal((add.Signature, remove.Signature), (d.Front!.Value, d.Back!.Value));
        Assert.Equal([v.Signature], d.Victims);
        Assert.True(d.Confidence >= 0.9);
    }

    [Fact]
    public void Jit_NoSwapBetween_IsNegative()
    {
        var b = new WindowBuilder();
        var position = Key(501);
        b.SwapTx(User, PoolA, MintX, MintY);
        b.Tx(Bot).AddLiquidityChange(new LiquidityIntent { Pool = PoolA, Position = position, Owner = Bot, IsAdd = true });
        b.Tx(Bot).AddLiquidityChange(new LiquidityIntent { Pool = PoolA, Position = position, Owner = Bot, IsAdd = false });
        Assert.Empty(Run(new JitLiquidityDetector(), b.Window));
    }

    [Fact]
    public void Backrun_CycleRightAfterOppositeSwap_Detected()
    {
        var b = new WindowBuilder();
        var big = b.SwapTx(User, PoolA, MintX, MintY, 90_000_000);
        var t = b.Tx(Bot, tip: 1000);
        t.AddSwap(Swap(PoolA, Bot, MintY, MintX, 1_000));
        t.AddSwap(Swap(PoolB, Bot, MintX, MintY, 1_000));
        var d = Assert.Single(Run(new BackrunDetector(), b.Window));
        Assert.Equal(t.Signature, d.Front);
        Assert.Equal([big.Signature], d.Victims);
    }

    [Fact]
    public void Backrun_SameDirectionAsPrevious_IsNegative()
    {
        var b = new WindowBuilder();
        b.SwapTx(User, PoolA, MintX, MintY, 90_000_000);
        var t = b.Tx(Bot, tip: 1000);
        t.AddSwap(Swap(PoolA, Bot, MintX, MintY, 1_000));
        t.AddSwap(Swap(PoolB, Bot, MintY, MintX, 1_000));
        Assert.Empty(Run(new BackrunDetector(), b.Window));
    }
}
