using System.Diagnostics.Metrics;
using FsCheck.Xunit;
using MevDefense.Ingest.DependencyInjection.Internal;
using MevDefense.Ingest.Selection;
using MevDefense.Ingest.Selection.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using static MevDefense.Ingest.Tests.Selection.FakeSolanaNode;

namespace MevDefense.Ingest.Tests.Selection;

public sealed class RpcLeaderScheduleProviderTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60); // failure guard only, never a synchronisation
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly HttpClient _http = new();
    private FakeSolanaNode _node = null!;

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public async Task InitializeAsync() => _node = await FakeSolanaNode.StartAsync();

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _http.Dispose();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Refresh_LoadsCurrentEpoch_UnknownSlotsCountedNotThrown()
    {
        _node.Slot = 70; // epoch 1, slot index 6
        using var unknown = new MetricCollector<long>(Meters, MevDefenseMeters.Ingest, "defensive.ingest.leader_schedule.unknown_slots");
        await using var provider = Create(new() { PrefetchSlots = 10 });

        Assert.False(provider.TryGetLeader(70, out _)); // nothing cached yet: unknown, not an exception
        Assert.True(await provider.RefreshAsync(Ct));

        Assert.Equal([1UL], provider.CachedEpochs);
        for (ulong slot = 64; slot < 128; slot++)
        {
            Assert.True(provider.TryGetLeader(slot, out var leader), $"slot {slot}");
            Assert.Equal(ExpectedLeader(slot), leader);
        }

        Assert.False(provider.TryGetLeader(63, out _));
        Assert.False(provider.TryGetLeader(128, out _)); // next epoch not prefetched (54 slots before the boundary > 10)
        Assert.False(provider.TryGetLeader(ulong.MaxValue, out _));
        Assert.Equal(4, provider.UnknownSlotLookups);
        Assert.Equal(4, unknown.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(64UL, (ulong)_node.Requests("getLeaderSchedule").Single().Params![0]!);
        Assert.Equal(0, provider.ConsecutiveFailures);

        // The miss at slot 128 (next epoch) makes the next pass fetch epoch 2 early; a further pass fetches nothing again.
        Assert.True(await provider.RefreshAsync(Ct));
        Assert.Equal([1UL, 2UL], provider.CachedEpochs);
        Assert.True(provider.TryGetLeader(128, out var next));
        Assert.Equal(ExpectedLeader(128), next);
        Assert.True(await provider.RefreshAsync(Ct));
        Assert.Equal([64UL, 128UL], _node.Requests("getLeaderSchedule").Select(r => (ulong)r.Params![0]!));
        Assert.Single(_node.Requests("getEpochSchedule"));
        Assert.Equal(3, _node.Requests("getEpochInfo").Count);
    }

    [Fact]
    public async Task Loop_EpochBoundary_PrefetchesNextEpochThenEvicts()
    {
        var time = new FakeTimeProvider();
        _node.Slot = 70;
        await using var provider = Create(new() { RefreshInterval = TimeSpan.FromSeconds(30), PrefetchSlots = 10, RetainedPastEpochs = 0 }, time);
        await provider.StartAsync(Ct);
        await provider.WaitForPassesAsync(1).WaitAsync(Guard);
        Assert.Equal([1UL], provider.CachedEpochs);
        Assert.Equal(TimeSpan.FromSeconds(30), provider.NextDelay);

        _node.Slot = 120; // 8 slots before the boundary: within PrefetchSlots
        time.Advance(TimeSpan.FromSeconds(30));
        await provider.WaitForPassesAsync(2).WaitAsync(Guard);
        Assert.Equal([1UL, 2UL], provider.CachedEpochs);
        Assert.True(provider.TryGetLeader(128, out var first)); // known before the node reaches the epoch
        Assert.Equal(ExpectedLeader(128), first);

        _node.Slot = 131; // epoch 2
        time.Advance(TimeSpan.FromSeconds(30));
        await provider.WaitForPassesAsync(3).WaitAsync(Guard);
        Assert.Equal([2UL], provider.CachedEpochs); // epoch 1 evicted (RetainedPastEpochs = 0), epoch 3 not yet due
        Assert.False(provider.TryGetLeader(100, out _));
        Assert.Equal([64UL, 128UL], _node.Requests("getLeaderSchedule").Select(r => (ulong)r.Params![0]!));
        Assert.Equal(0, provider.ConsecutiveFailures);
    }

    [Fact]
    public async Task Loop_Failures_BackOffExponentially_CountedByReason_ThenRecover()
    {
        var time = new FakeTimeProvider();
        _node.Slot = 70;
        _node.Enqueue(Fault.Http500, Fault.RpcError, Fault.NotJson, Fault.BadScheduleIndex);
        using var refreshes = new MetricCollector<long>(Meters, MevDefenseMeters.Ingest, "defensive.ingest.leader_schedule.refreshes");
        await using var provider = Create(new() { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(3), PrefetchSlots = 10 }, time);
        await provider.StartAsync(Ct);

        TimeSpan[] expected = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)];
        for (int pass = 1; pass <= expected.Length; pass++)
        {
            await provider.WaitForPassesAsync(pass).WaitAsync(Guard);
            Assert.Equal(pass, provider.ConsecutiveFailures);
            Assert.Equal(expected[pass - 1], provider.NextDelay);
            Assert.Empty(provider.CachedEpochs);
            Assert.False(provider.TryGetLeader(70, out _));
            time.Advance(expected[pass - 1]);
        }

        await provider.WaitForPassesAsync(5).WaitAsync(Guard);
        Assert.Equal(0, provider.ConsecutiveFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), provider.NextDelay);
        Assert.Equal([1UL], provider.CachedEpochs);
        Assert.True(provider.TryGetLeader(70, out var leader));
        Assert.Equal(ExpectedLeader(70), leader);

        var byResult = refreshes.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["result"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(1, byResult["http_error"]);
        Assert.Equal(1, byResult["rpc_error"]);
        Assert.Equal(2, byResult["malformed"]); // not JSON, then a slot index outside the epoch
        Assert.Equal(1, byResult["ok"]);
    }

    [Fact]
    public async Task Refresh_MalformedSchedule_CountedAndCacheKept()
    {
        _node.Slot = 70;
        using var refreshes = new MetricCollector<long>(Meters, MevDefenseMeters.Ingest, "defensive.ingest.leader_schedule.refreshes");
        await using var provider = Create(new() { PrefetchSlots = 100 });
        _node.Enqueue(Fault.BadScheduleKey);
        Assert.False(await provider.RefreshAsync(Ct));
        Assert.Empty(provider.CachedEpochs);

        Assert.True(await provider.RefreshAsync(Ct)); // epochs 1 and 2 (prefetch)
        Assert.Equal([1UL, 2UL], provider.CachedEpochs);

        _node.Slot = 130;
        _node.Enqueue(Fault.BadScheduleIndex); // epoch 3's schedule is broken
        Assert.False(await provider.RefreshAsync(Ct));
        Assert.Equal([1UL, 2UL], provider.CachedEpochs); // nothing lost, nothing half-loaded
        Assert.True(provider.TryGetLeader(130, out var leader));
        Assert.Equal(ExpectedLeader(130), leader);
        Assert.Equal(2, refreshes.GetMeasurementSnapshot().Count(m => (string)m.Tags["result"]! == "malformed"));
    }

    [Fact]
    public async Task NextEpochNotPublishedYet_NotAFailure_FetchedLater()
    {
        _node.Slot = 120;
        _node.EpochsAhead = 0;
        await using var provider = Create(new() { PrefetchSlots = 10 });
        Assert.True(await provider.RefreshAsync(Ct));
        Assert.Equal([1UL], provider.CachedEpochs);
        _node.EpochsAhead = 1;
        Assert.True(await provider.RefreshAsync(Ct));
        Assert.Equal([1UL, 2UL], provider.CachedEpochs);
    }

    [Fact]
    public async Task Loop_MissInNextEpoch_WakesEarly_WithoutTimePassing()
    {
        var time = new FakeTimeProvider();
        _node.Slot = 70;
        await using var provider = Create(new() { PrefetchSlots = 1, MinimumRefreshInterval = TimeSpan.Zero }, time);
        await provider.StartAsync(Ct);
        await provider.WaitForPassesAsync(1).WaitAsync(Guard);
        Assert.Equal([1UL], provider.CachedEpochs);

        Assert.False(provider.TryGetLeader(130, out _)); // a shred of epoch 2 arrives before the prefetch window
        await provider.WaitForPassesAsync(2).WaitAsync(Guard);
        Assert.Equal([1UL, 2UL], provider.CachedEpochs);
        Assert.True(provider.TryGetLeader(130, out var leader));
        Assert.Equal(ExpectedLeader(130), leader);
    }

    [Fact]
    public async Task Dispose_StopsLoop_ThenRefreshThrows_LookupsStillAnswer()
    {
        var time = new FakeTimeProvider();
        _node.Slot = 70;
        var provider = Create(new(), time);
        await provider.StartAsync(Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => provider.StartAsync(Ct));
        await provider.WaitForPassesAsync(1).WaitAsync(Guard);
        await provider.DisposeAsync();
        await provider.DisposeAsync(); // idempotent
        provider.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.RefreshAsync(Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.StartAsync(Ct));
        Assert.True(provider.TryGetLeader(70, out _)); // the cached snapshot still answers
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        var rpc = new SolanaRpcClient(_http, _node.Address);
        Assert.Throws<ArgumentNullException>(() => new RpcLeaderScheduleProvider(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpcLeaderScheduleProvider(rpc, new() { RefreshInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpcLeaderScheduleProvider(rpc, new() { InitialBackoff = TimeSpan.FromSeconds(5), MaxBackoff = TimeSpan.FromSeconds(1) }));
    }

    [Fact]
    public async Task AddShredIngest_LeaderScheduleEndpoint_ProviderStartedAndUsed()
    {
        _node.Slot = 70;
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddMevDefense().AddShredIngest(o =>
        {
            o.UdpEnabled = false;
            o.LeaderScheduleRpcEndpoint = _node.Address;
        });
        await using var sp = services.BuildServiceProvider();
        var host = sp.GetRequiredService<ShredIngestHostedService>();
        await host.StartAsync(Ct);
        var provider = sp.GetRequiredService<RpcLeaderScheduleProvider>();
        Assert.True(provider.IsStarted);
        await provider.WaitForPassesAsync(1).WaitAsync(Guard);
        Assert.True(provider.TryGetLeader(70, out var leader));
        Assert.Equal(ExpectedLeader(70), leader);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task AddShredIngest_NoEndpoint_ProviderNotCreated()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddShredIngest(o => o.UdpEnabled = false);
        await using var sp = services.BuildServiceProvider();
        var host = sp.GetRequiredService<ShredIngestHostedService>();
        await host.StartAsync(Ct);
        await host.StopAsync(Ct);
        Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<RpcLeaderScheduleProvider>());
    }

    [Property(MaxTest = 300)]
    public void EpochSchedule_WarmupAndNormal_SlotWithinItsEpoch(ulong slot, byte firstNormalEpochSeed, uint slotsPerEpochSeed)
    {
        ulong fne = (ulong)(firstNormalEpochSeed % 20);
        var schedule = new EpochSchedule(32UL << (int)fne, fne, 32 * ((1UL << (int)fne) - 1));
        _ = slotsPerEpochSeed;
        slot %= 1UL << 50;
        Assert.True(schedule.IsValid);
        ulong epoch = schedule.GetEpoch(slot);
        ulong first = schedule.GetFirstSlot(epoch);
        Assert.InRange(slot, first, first + schedule.GetSlotsInEpoch(epoch) - 1);
        Assert.Equal(first + schedule.GetSlotsInEpoch(epoch), schedule.GetFirstSlot(epoch + 1));
    }

    [Theory]
    [InlineData(0UL, 0UL, 0UL)]
    [InlineData(31UL, 0UL, 0UL)]
    [InlineData(32UL, 1UL, 32UL)]
    [InlineData(96UL, 2UL, 96UL)]
    [InlineData(524255UL, 13UL, 262112UL)]
    [InlineData(524256UL, 14UL, 524256UL)]
    [InlineData(524256UL + 432000, 15UL, 524256UL + 432000)]
    public void EpochSchedule_Mainnet(ulong slot, ulong epoch, ulong firstSlot)
    {
        var mainnet = new EpochSchedule(432000, 14, 524256);
        Assert.True(mainnet.IsValid);
        Assert.Equal(epoch, mainnet.GetEpoch(slot));
        Assert.Equal(firstSlot, mainnet.GetFirstSlot(epoch));
        Assert.Equal(firstSlot, SolanaRpcClient.EpochFirstSlot(slot, 432000, 14, 524256));
    }

    private RpcLeaderScheduleProvider Create(RpcLeaderScheduleProviderOptions options, TimeProvider? time = null)
        => new(new SolanaRpcClient(_http, _node.Address), options, null, Meters, time);
}
