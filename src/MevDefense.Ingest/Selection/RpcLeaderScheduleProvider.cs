using System.Diagnostics.Metrics;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Selection.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Ingest.Selection;

/// <summary>
/// A leader schedule kept up to date from a Solana JSON-RPC node: the schedule of each epoch is fetched once
/// (<c>getLeaderSchedule</c>), cached, and the next epoch's is prefetched before the boundary; a background loop polls the
/// node's position (<c>getEpochInfo</c>, with <c>getEpochSchedule</c> for the epoch layout) and retries failures with
/// exponential backoff.
/// </summary>
/// <remarks>
/// <para><see cref="TryGetLeader"/> only reads an immutable snapshot: it never waits for the network. A slot whose epoch is not cached
/// yet answers false (the shred pipeline then reports the set's signature as unknown, or rejects it as <c>UnknownLeader</c> when
/// configured to) and is counted in <see cref="UnknownSlotLookups"/> and <c>defensive.ingest.leader_schedule.unknown_slots</c>; a miss
/// inside the current or next epoch also wakes the refresh loop early (at most once per
/// <see cref="RpcLeaderScheduleProviderOptions.MinimumRefreshInterval"/>).</para>
/// <para>Call <see cref="StartAsync"/> to run the loop (the DI host does); <see cref="RefreshAsync"/> runs one pass on demand, e.g. to
/// warm the cache before ingest starts. Thread-safe.</para>
/// </remarks>
public sealed class RpcLeaderScheduleProvider : ILeaderScheduleProvider, IAsyncDisposable, IDisposable
{
    private readonly SolanaRpcClient _rpc;
    private readonly RpcLeaderScheduleProviderOptions _options;
    private readonly ILogger _logger;
    private readonly LeaderScheduleMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _endpoint;
    private volatile EpochLeaders[] _epochs = [];
    private TaskCompletionSource? _wake;
    private TaskCompletionSource _passSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EpochSchedule? _schedule;
    private long _wakeLow;
    private long _wakeHigh;
    private long _missedSlot = -1;
    private long _unknownLookups;
    private long _lastPassTimestamp;
    private int _passes;
    private int _failures;
    private int _disposed;
    private Task? _loop;

    /// <summary>Creates the provider (the loop starts with <see cref="StartAsync"/>).</summary>
    /// <param name="rpc">The JSON-RPC client of the node to follow.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory for the <c>MevDefense.Ingest</c> instruments, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The time source of the refresh and backoff delays, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rpc"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RpcLeaderScheduleProvider(
        SolanaRpcClient rpc,
        RpcLeaderScheduleProviderOptions? options = null,
        ILogger<RpcLeaderScheduleProvider>? logger = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        options ??= new RpcLeaderScheduleProviderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RefreshInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.InitialBackoff, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBackoff, options.InitialBackoff, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinimumRefreshInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.RetainedPastEpochs, nameof(options));
        _rpc = rpc;
        _options = options;
        _endpoint = rpc.Endpoint.ToString();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = meterFactory is null ? null : new LeaderScheduleMetrics(meterFactory, () => _epochs.Length);
    }

    /// <summary>Gets the number of lookups that found no cached leader.</summary>
    public long UnknownSlotLookups => Interlocked.Read(ref _unknownLookups);

    /// <summary>Gets the epochs whose schedules are cached, ascending.</summary>
    public IReadOnlyList<ulong> CachedEpochs => [.. _epochs.Select(static e => e.Epoch)];

    /// <summary>Gets the number of refresh passes that failed in a row (0 after a success).</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _failures);

    /// <summary>Gets a value indicating whether <see cref="StartAsync"/> was called.</summary>
    internal bool IsStarted => Volatile.Read(ref _loop) is not null;

    /// <summary>The delay the loop waits before its next pass (for tests).</summary>
    internal TimeSpan NextDelay { get; private set; }

    /// <inheritdoc/>
    public bool TryGetLeader(ulong slot, out Pubkey leader)
    {
        var epochs = _epochs;
        for (int i = 0; i < epochs.Length; i++)
        {
            if (epochs[i].TryGet(slot, out leader, out bool inRange))
            {
                return true;
            }

            if (inRange)
            {
                break;
            }
        }

        Interlocked.Increment(ref _unknownLookups);
        _metrics?.UnknownSlot();
        if (slot < long.MaxValue && (long)slot >= Volatile.Read(ref _wakeLow) && (long)slot < Volatile.Read(ref _wakeHigh))
        {
            Volatile.Write(ref _missedSlot, (long)slot);
            var wake = Volatile.Read(ref _wake);
            if (wake is not null && Interlocked.CompareExchange(ref _wake, null, wake) == wake)
            {
                wake.TrySetResult();
            }
        }

        leader = default;
        return false;
    }

    /// <summary>Starts the background refresh loop (the first pass runs at once). Does not wait for the first schedule.</summary>
    /// <param name="cancellationToken">Not used to stop the loop (use <see cref="StopAsync"/>); observed before starting.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    /// <exception cref="InvalidOperationException">The loop was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _loop, Task.CompletedTask, null) is not null)
        {
            throw new InvalidOperationException("The refresh loop is already running.");
        }

        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops the background loop and waits for it to finish.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the loop has ended.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        if (Volatile.Read(ref _loop) is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one refresh pass now: epoch layout (once), the node's current epoch, its schedule if not cached, the next epoch's
    /// when within <see cref="RpcLeaderScheduleProviderOptions.PrefetchSlots"/> of the boundary (or when one of its slots was
    /// looked up), and eviction of old epochs.
    /// </summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>True when the pass succeeded; false when it failed (counted and logged; the cache is unchanged).</returns>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var (result, _) = await RefreshCoreAsync(cancellationToken).ConfigureAwait(false);
        return result == LeaderScheduleRefreshResult.Ok;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _loop) is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        ReleaseResources();
    }

    /// <summary>Stops the loop; resources are released once it has ended (at once when it is not running).</summary>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0)
        {
            return;
        }

        _stop.Cancel();
        if (Volatile.Read(ref _loop) is { IsCompleted: false } loop)
        {
            _ = loop.ContinueWith(static (_, self) => ((RpcLeaderScheduleProvider)self!).ReleaseResources(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
        else
        {
            ReleaseResources();
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> loop passes have finished and the next wait is armed (for tests).</summary>
    internal async Task WaitForPassesAsync(int count)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _passSignal).Task;
            if (Volatile.Read(ref _passes) >= count)
            {
                return;
            }

            await signal.ConfigureAwait(false);
        }
    }

    private void ReleaseResources()
    {
        _stop.Dispose();
        _gate.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            LeaderScheduleRefreshResult result;
            Exception? error;
            try
            {
                (result, error) = await RefreshCoreAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            TimeSpan delay;
            if (result == LeaderScheduleRefreshResult.Ok)
            {
                if (_failures > 0)
                {
                    LeaderScheduleLog.Recovered(_logger, _endpoint, _failures);
                }

                Volatile.Write(ref _failures, 0);
                delay = _options.RefreshInterval;
            }
            else
            {
                int failures = _failures + 1;
                Volatile.Write(ref _failures, failures);
                delay = Backoff(failures);
                LeaderScheduleLog.RefreshFailed(_logger, error!, _endpoint, ReasonName(result), (long)delay.TotalMilliseconds, failures);
            }

            NextDelay = delay;

            // Only a healthy loop may be woken early by a miss; a failing one keeps its backoff.
            var wake = result == LeaderScheduleRefreshResult.Ok ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
            Volatile.Write(ref _wake, wake);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var delayTask = Task.Delay(delay, _time, wait.Token);
            SignalPass();
            try
            {
                if (wake is null)
                {
                    await delayTask.ConfigureAwait(false);
                }
                else
                {
                    await Task.WhenAny(delayTask, wake.Task).ConfigureAwait(false);
                    if (!delayTask.IsCompleted)
                    {
                        await wait.CancelAsync().ConfigureAwait(false);
                        var since = _time.GetElapsedTime(Volatile.Read(ref _lastPassTimestamp));
                        if (since < _options.MinimumRefreshInterval)
                        {
                            await Task.Delay(_options.MinimumRefreshInterval - since, _time, stop).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                Volatile.Write(ref _wake, null);
            }
        }
    }

    private void SignalPass()
    {
        Interlocked.Increment(ref _passes);
        Interlocked.Exchange(ref _passSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private TimeSpan Backoff(int failures)
    {
        double factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.InitialBackoff.Ticks * factor, _options.MaxBackoff.Ticks));
        return delay < _options.InitialBackoff ? _options.InitialBackoff : delay;
    }

    private static string ReasonName(LeaderScheduleRefreshResult result) => result switch
    {
        LeaderScheduleRefreshResult.HttpError => "http_error",
        LeaderScheduleRefreshResult.RpcError => "rpc_error",
        LeaderScheduleRefreshResult.Malformed => "malformed",
        LeaderScheduleRefreshResult.Timeout => "timeout",
        _ => "ok",
    };

    private async Task<(LeaderScheduleRefreshResult Result, Exception? Error)> RefreshCoreAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Volatile.Write(ref _lastPassTimestamp, _time.GetTimestamp());
            LeaderScheduleRefreshResult result;
            Exception? error = null;
            try
            {
                await RefreshEpochsAsync(cancellationToken).ConfigureAwait(false);
                result = LeaderScheduleRefreshResult.Ok;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (SolanaRpcException e)
            {
                (result, error) = (e.Code == 0 ? LeaderScheduleRefreshResult.Malformed : LeaderScheduleRefreshResult.RpcError, e);
            }
            catch (HttpRequestException e)
            {
                (result, error) = (LeaderScheduleRefreshResult.HttpError, e);
            }
            catch (OperationCanceledException e)
            {
                (result, error) = (LeaderScheduleRefreshResult.Timeout, e); // the HTTP client's own timeout
            }
            catch (IOException e)
            {
                (result, error) = (LeaderScheduleRefreshResult.HttpError, e);
            }

            _metrics?.Refresh(result);
            return (result, error);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RefreshEpochsAsync(CancellationToken cancellationToken)
    {
        var schedule = _schedule ??= await _rpc.GetEpochScheduleAsync(cancellationToken).ConfigureAwait(false);
        var info = await _rpc.GetEpochInfoAsync(cancellationToken).ConfigureAwait(false);
        if (schedule.GetFirstSlot(info.Epoch) != info.FirstSlot || schedule.GetSlotsInEpoch(info.Epoch) != info.SlotsInEpoch)
        {
            throw new SolanaRpcException($"getEpochInfo: epoch {info.Epoch} at slot {info.AbsoluteSlot} disagrees with getEpochSchedule.");
        }

        ulong nextFirst = info.FirstSlot + info.SlotsInEpoch;
        ulong nextSlots = schedule.GetSlotsInEpoch(info.Epoch + 1);
        Volatile.Write(ref _wakeLow, (long)Math.Min(info.FirstSlot, long.MaxValue));
        Volatile.Write(ref _wakeHigh, (long)Math.Min(nextFirst + nextSlots, long.MaxValue));

        if (!await EnsureEpochAsync(info.Epoch, info.FirstSlot, info.SlotsInEpoch, cancellationToken).ConfigureAwait(false))
        {
            throw new SolanaRpcException(-32000, $"the node has no leader schedule for its current epoch {info.Epoch}");
        }

        long missed = Volatile.Read(ref _missedSlot);
        bool nextWanted = info.SlotsInEpoch - info.SlotIndex <= _options.PrefetchSlots
            || (missed >= 0 && (ulong)missed >= nextFirst && (ulong)missed < nextFirst + nextSlots);
        if (nextWanted && !await EnsureEpochAsync(info.Epoch + 1, nextFirst, nextSlots, cancellationToken).ConfigureAwait(false))
        {
            LeaderScheduleLog.NotAvailable(_logger, _endpoint, info.Epoch + 1);
        }

        Evict(info.Epoch);
    }

    private async Task<bool> EnsureEpochAsync(ulong epoch, ulong firstSlot, ulong slots, CancellationToken cancellationToken)
    {
        if (Array.Exists(_epochs, e => e.Epoch == epoch))
        {
            return true;
        }

        var leaders = await _rpc.GetEpochLeadersAsync(epoch, firstSlot, slots, cancellationToken).ConfigureAwait(false);
        if (leaders is null)
        {
            return false;
        }

        _epochs = [.. _epochs.Where(e => e.Epoch != epoch).Append(leaders).OrderBy(static e => e.Epoch)];
        _metrics?.EpochLoaded();
        LeaderScheduleLog.Loaded(_logger, epoch, _endpoint, firstSlot, firstSlot + slots - 1, leaders.LeaderCount);
        return true;
    }

    private void Evict(ulong currentEpoch)
    {
        var epochs = _epochs;
        if (!Array.Exists(epochs, e => IsStale(e.Epoch, currentEpoch)))
        {
            return;
        }

        foreach (var e in epochs.Where(e => IsStale(e.Epoch, currentEpoch)))
        {
            LeaderScheduleLog.Evicted(_logger, e.Epoch, currentEpoch);
        }

        _epochs = [.. epochs.Where(e => !IsStale(e.Epoch, currentEpoch))];
    }

    private bool IsStale(ulong epoch, ulong currentEpoch) => epoch + (ulong)_options.RetainedPastEpochs < currentEpoch || epoch > currentEpoch + 1;
}
