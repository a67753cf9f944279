using FsCheck;
using FsCheck.Xunit;
using MevDefense.Ingest.Selection;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class SourceSelectorTests
{
    private static SourceSelector Create(int seed, double exploration = 0.1, double decay = 0.99, params string[] names)
    {
        var s = new SourceSelector(new SourceSelectorOptions { ExplorationRate = exploration, DecayFactor = decay }, new Random(seed));
        for (var i = 0; i < names.Length; i++)
        {
            s.Register(i, names[i]);
        }

        return s;
    }

    private static int FirstCount(SourceSelector s, int id, int draws) => Enumerable.Range(0, draws).Count(_ => s.Rank()[0] == id);

    [Fact]
    public void SourceFirst90Percent_EndsRankedFirst()
    {
        var s = Create(seed: 1, names: ["jito", "turbine", "other"]);
        var race = new Random(2);
        for (var i = 0; i < 2000; i++)
        {
            var winner = race.NextDouble() < 0.9 ? 0 : 1 + race.Next(2);
            s.RecordRace(winner, winner == 0 ? [1, 2] : [0]);
        }

        Assert.Equal(0, s.Snapshot().MaxBy(e => e.Mean).SourceId);
        // Exploration (10%) aside, Thompson draws put the 90% source first almost always.
        Assert.InRange(FirstCount(s, 0, 1000), 850, 1000);
    }

    [Fact]
    public void Decay_ChangedSourceWinsBack()
    {
        var s = Create(seed: 3, names: ["a", "b"]);
        for (var i = 0; i < 1000; i++)
        {
            s.RecordRace(0, [1]);
        }

        Assert.InRange(FirstCount(s, 0, 500), 450, 500);
        for (var i = 0; i < 300; i++)
        {
            s.RecordRace(1, [0]); // b got faster
        }

        Assert.InRange(FirstCount(s, 1, 500), 450, 500);
    }

    [Fact]
    public void NoDecay_OldEvidenceDominates()
    {
        var s = Create(seed: 3, decay: 1.0, names: ["a", "b"]);
        for (var i = 0; i < 1000; i++)
        {
            s.RecordRace(0, [1]);
        }

        for (var i = 0; i < 300; i++)
        {
            s.RecordRace(1, [0]);
        }

        Assert.InRange(FirstCount(s, 0, 500), 450, 500);
    }

    [Fact]
    public void ExplorationRateOne_RankingIsUniform()
    {
        var s = Create(seed: 5, exploration: 1.0, names: ["a", "b"]);
        for (var i = 0; i < 1000; i++)
        {
            s.RecordRace(0, [1]);
        }

        Assert.InRange(FirstCount(s, 1, 1000), 400, 600);
    }

    [Fact]
    public void SameSeed_SameRankings()
    {
        var a = Create(seed: 9, names: ["x", "y", "z"]);
        var b = Create(seed: 9, names: ["x", "y", "z"]);
        for (var i = 0; i < 50; i++)
        {
            a.RecordOutcome(i % 3, i % 2 == 0);
            b.RecordOutcome(i % 3, i % 2 == 0);
            Assert.Equal(a.Rank(), b.Rank());
        }
    }

    [Fact]
    public void ChooseBackfillRoute_OnlyRpcRoutes_PrefersSuccessful()
    {
        var s = Create(seed: 7, names: ["feed"]);
        Assert.Null(s.ChooseBackfillRoute());
        s.Register(10, "http://rpc-a", SourceKind.RpcRoute);
        s.Register(11, "http://rpc-b", SourceKind.RpcRoute);
        for (var i = 0; i < 200; i++)
        {
            s.RecordOutcome(10, success: false);
            s.RecordOutcome(11, success: true);
        }

        Assert.Equal([10, 11], s.Rank(SourceKind.RpcRoute).Order());
        Assert.InRange(Enumerable.Range(0, 500).Count(_ => s.ChooseBackfillRoute() == 11), 450, 500);
        Assert.Equal([0], s.Rank(SourceKind.Feed));
    }

    [Fact]
    public void Register_Conflicts_AndUnknownIds_Throw()
    {
        var s = Create(seed: 1, names: ["a"]);
        s.Register(0, "a");
        Assert.Throws<InvalidOperationException>(() => s.Register(0, "b"));
        Assert.Throws<ArgumentException>(() => s.RecordOutcome(42, true));
        Assert.Throws<ArgumentException>(() => s.RecordRace(0, [42]));
    }

    [Theory]
    [InlineData(-0.1, 0.99)]
    [InlineData(1.1, 0.99)]
    [InlineData(0.1, 0)]
    [InlineData(0.1, 1.5)]
    [InlineData(double.NaN, 0.99)]
    public void Ctor_OutOfRangeOptions_Throw(double exploration, double decay) =>
        Assert.Throws<ArgumentOutOfRangeException>("options", () => new SourceSelector(new SourceSelectorOptions { ExplorationRate = exploration, DecayFactor = decay }));

    [Fact]
    public void ApplyEnvironment_ReadsVariables_InvariantCulture()
    {
        var env = new Dictionary<string, string?> { ["EXPLORATION_RATE"] = "0.25", ["DECAY_FACTOR"] = "0.9" };
        var o = new SourceSelectorOptions().ApplyEnvironment(k => env.GetValueOrDefault(k));
        Assert.Equal((0.25, 0.9), (o.ExplorationRate, o.DecayFactor));
        var unchanged = new SourceSelectorOptions().ApplyEnvironment(_ => null);
        Assert.Equal((0.1, 0.99), (unchanged.ExplorationRate, unchanged.DecayFactor));
        Assert.Throws<FormatException>(() => new SourceSelectorOptions().ApplyEnvironment(k => k == "DECAY_FACTOR" ? "0,9x" : null));
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(9.0, 1.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(30.0, 70.0)]
    public void BetaSampler_MeanMatches(double a, double b)
    {
        var rnd = new Random(17);
        var mean = Enumerable.Range(0, 20_000).Average(_ => BetaSampler.Sample(rnd, a, b));
        Assert.InRange(mean, (a / (a + b)) - 0.02, (a / (a + b)) + 0.02);
    }

    [Property(MaxTest = 200)]
    public bool BetaSampler_AlwaysInUnitInterval(PositiveInt seed, NormalFloat a, NormalFloat b)
    {
        var alpha = 0.01 + Math.Abs(a.Get % 100);
        var beta = 0.01 + Math.Abs(b.Get % 100);
        var v = BetaSampler.Sample(new Random(seed.Get), alpha, beta);
        return v is >= 0 and <= 1;
    }

    [Property(MaxTest = 200)]
    public bool Rank_IsPermutationOfRegisteredFeeds(PositiveInt seed, byte count, bool[] outcomes)
    {
        var n = 1 + (count % 6);
        var s = Create(seed.Get, names: [.. Enumerable.Range(0, n).Select(i => $"s{i}")]);
        var i = 0;
        foreach (var o in outcomes ?? [])
        {
            s.RecordOutcome(i++ % n, o);
        }

        return s.Rank().Order().SequenceEqual(Enumerable.Range(0, n));
    }
}
