using MevDefense.Detection.Decoding;
using MevDefense.Detection.Rules;
using MevDefense.Detection.State;
using static MevDefense.Detection.Tests.Rules.WindowBuilder;

namespace MevDefense.Detection.Tests.Rules;

public sealed class SandwichDetectorTests
{
    private static readonly Pubkey Attacker = Key(1);
    private static readonly Pubkey Victim = Key(2);
    private static readonly Pubkey Other = Key(3);
    private static readonly Pubkey Linked = Key(4);

    private static List<DetectionEvent> Run(DetectionWindow w)
    {
        var list = new List<DetectionEvent>();
        new SandwichDetector().Detect(w, list);
        return list;
    }

    [Fact]
    public void Detect_AdjacentSameSignerWithTip_ReportsHighConfidenceSandwich()
    {
        var b = new WindowBuilder();
        var f = b.SwapTx(Attacker, PoolA, MintX, MintY, cuPrice: 1_000_000);
        var v = b.SwapTx(Victim, PoolA, MintX, MintY);
        var k = b.SwapTx(Attacker, PoolA, MintY, MintX, tip: 50_000);
        var d = Assert.Single(Run(b.Window));
        Assert.Equal(DetectionKind.Sandwich, d.Kind);
        Assert.Equal(f.Signature, d.Front);
        Assert.Equal(k.Signature, d.Back);
        Assert.Equal([v.Signature], d.Victims);
        Assert.Equal(Attacker, d.Attacker);
        Assert.Equal(PoolA, d.Pool);
        Assert.True(d.Confidence >= 0.9, $"confidence {d.Confidence}");
        Assert.Equal(SandwichDetector.DetectorName, d.Detector);
    }

    [Fact]
    public void Detect_UnrelatedUsersOppositeAroundThird_IsNegative()
    {
        var b = new WindowBuilder();
        b.SwapTx(Other, PoolA, MintX, MintY, tip: 10_000, cuPrice: 1_000_000);
        b.SwapTx(Victim, PoolA, MintX, MintY);
        b.SwapTx(Key(5), PoolA, MintY, MintX, tip: 10_000);
        Assert.Empty(Run(b.Window));
    }

    [Fact]
    public void Detect_OneUserBuyThenSellWithNobodyBetween_IsNegative()
    {
        var b = new WindowBuilder();
        b.SwapTx(Attacker, PoolA, MintX, MintY, tip: 10_000);
        b.SwapTx(Attacker, PoolA, MintY, MintX, tip: 10_000);
        b.SwapTx(Victim, PoolA, MintX, MintY);
        Assert.Empty(Run(b.Window));
    }

    [Fact]
    public void Detect_RouterTouchingOnePoolTwice_IsNegative()
    {
        var b = new WindowBuilder();
        b.SwapTx(Victim, PoolA, MintX, MintY);
        var t = b.Tx(Attacker, tip: 10_000);
        t.AddSwap(Swap(PoolA, Attacker, MintX, MintY, 1_000));
        t.AddSwap(Swap(PoolA, Attacker, MintY, MintX, 1_000));
        b.SwapTx(Other, PoolA, MintX, MintY);
        Assert.Empty(Run(b.Window));
    }

    [Fact]
    public void Detect_FrontAndBackOnDifferentPools_IsNegative()
    {
        var b = new WindowBuilder();
        b.SwapTx(Attacker, PoolA, MintX, MintY, tip: 10_000, cuPrice: 1_000_000);
        b.SwapTx(Victim, PoolA, MintX, MintY);
        b.SwapTx(Attacker, PoolB, MintY, MintX, tip: 10_000);
        Assert.Empty(Run(b.Window));
    }

    [Fact]
    public void Detect_VictimInOppositeDirection_IsNegative()
    {
        var b = new WindowBuilder();
        b.SwapTx(Attacker, PoolA, MintX, MintY, tip: 10_000);
        b.SwapTx(Victim, PoolA, MintY, MintX);
        b.SwapTx(Attacker, PoolA, MintY, MintX, tip: 10_000);
        Assert.Empty(Run(b.Window));
    }

    [Fact]
    public void Detect_LinkedWalletsByFundingTransfer_Reported()
    {
        var b = new WindowBuilder();
        var f = b.SwapTx(Attacker, PoolA, MintX, MintY, cuPrice: 2_000_000);
        b.SwapTx(Victim, PoolA, MintX, MintY);
        var fund = b.Tx(Attacker);
        fund.AddTransfer(new TransferRecord { From = Attacker, To = Linked, Authority = Attacker, Amount = 5_000_000 });
        var k = b.SwapTx(Linked, PoolA, MintY, MintX, tip: 10_000);
        var d = Assert.Single(Run(b.Window));
        Assert.Equal((f.Signature, k.Signature), (d.Front!.Value, d.Back!.Value));
    }

    [Fact]
    public void Detect_LinkedWalletsWithoutEvidence_IsNegative()
    {
        var b = new WindowBuilder();
        b.SwapTx(Attacker, PoolA, MintX, MintY, cuPrice: 2_000_000);
        b.SwapTx(Victim, PoolA, MintX, MintY);
        b.SwapTx(Linked, PoolA, MintY, MintX, tip: 10_000);
        Assert.Empty(Run(b.Window));
    }

    [Fact]
    public void Detect_BackSpendsFrontOutputAccount_LinkedByTokenAccount()
    {
        var b = new WindowBuilder();
        var f = b.SwapTx(Attacker, PoolA, MintX, MintY, tip: 10_000);
        b.SwapTx(Victim, PoolA, MintX, MintY);
        var k = b.Tx(Linked, tip: 10_000);
        k.AddSwap(Swap(PoolA, Attacker, MintY, MintX, 1_000) with { User = Linked });
        var d = Assert.Single(Run(b.Window));
        Assert.Equal(f.Signature, d.Front);
    }

    [Fact]
    public void Detect_CrossSlotSameLeaderWithTip_ReportedWithLowerConfidence()
    {
        var b = new WindowBuilder();
        b.SwapTx(Attacker, PoolA, MintX, MintY, tip: 10_000);
        b.NextSlot();
        b.SwapTx(Victim, PoolA, MintX, MintY);
        b.SwapTx(Attacker, PoolA, MintY, MintX, tip: 10_000);
        var d = Assert.Single(Run(b.Window));
        Assert.InRange(d.Confidence, 0.55, 0.8);
    }

    [Fact]
    public void Detect_CrossSlotDifferentLeaders_IsNegative()
    {
        var b = new WindowBuilder();
        b.SwapTx(Attacker, PoolA, MintX, MintY, tip: 10_000);
        var first = b.Window[0].Slot;
        b.NextSlot();
        b.SwapTx(Victim, PoolA, MintX, MintY);
        b.SwapTx(Attacker, PoolA, MintY, MintX, tip: 10_000);
        b.Window.SetLeader(first, Key(70));
        b.Window.SetLeader(first + 1, Key(71));
        Assert.Empty(Run(b.Window));
    }

    [Fact]
    public void Detect_ConstantProductState_ReplaysVictimLoss()
    {
        var b = new WindowBuilder();
        ulong frontIn = 50_000_000, victimIn = 20_000_000;
        var f = b.SwapTx(Attacker, PoolA, MintX, MintY, frontIn, tip: 1);
        b.SwapTx(Victim, PoolA, MintX, MintY, victimIn);
        b.SwapTx(Attacker, PoolA, MintY, MintX, 1_000, tip: 1);
        var state = new InMemoryAccountStateProvider();
        ulong ra = 1_000_000_000, rb = 2_000_000_000;
        state.SetPool(PoolA, f.Slot, new PoolState { MintA = MintX, MintB = MintY, ReserveA = ra, ReserveB = rb, FeeBps = 25, IsConstantProduct = true });
        b.Window.AccountState = state;

        static double Out(double rin, double rout, double x) => x * 0.9975 * rout / (rin + (x * 0.9975));
        var frontOut = Out(ra, rb, frontIn);
        var withFront = Out(ra + frontIn, rb - frontOut, victimIn);
        var alone = Out(ra, rb, victimIn);
        var d = Assert.Single(Run(b.Window));
        Assert.NotNull(d.EstimatedVictimLoss);
        Assert.InRange((double)d.EstimatedVictimLoss!.Value, alone - withFront - 1, alone - withFront + 1);
    }

    [Fact]
    public void Detect_NoState_UsesAttackerBoundProxy()
    {
        var b = new WindowBuilder();
        b.SwapTx(Attacker, PoolA, MintX, MintY, 1_000_000, tip: 1);
        b.SwapTx(Victim, PoolA, MintX, MintY);
        b.SwapTx(Attacker, PoolA, MintY, MintX, 2_000_000, tip: 1, limit: 1_030_000);
        var d = Assert.Single(Run(b.Window));
        Assert.Equal(30_000m, d.EstimatedVictimLoss);
    }
}
