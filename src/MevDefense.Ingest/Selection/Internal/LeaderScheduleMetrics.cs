using System.Diagnostics.Metrics;

namespace MevDefense.Ingest.Selection.Internal;

/// <summary>Instruments of <see cref="RpcLeaderScheduleProvider"/> on the <c>MevDefense.Ingest</c> meter.</summary>
internal sealed class LeaderScheduleMetrics
{
    private static readonly KeyValuePair<string, object?> ResultOk = new("result", "ok");
    private static readonly KeyValuePair<string, object?> ResultHttp = new("result", "http_error");
    private static readonly KeyValuePair<string, object?> ResultRpc = new("result", "rpc_error");
    private static readonly KeyValuePair<string, object?> ResultMalformed = new("result", "malformed");
    private static readonly KeyValuePair<string, object?> ResultTimeout = new("result", "timeout");

    private readonly Counter<long> _unknown;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _loaded;

    public LeaderScheduleMetrics(IMeterFactory meterFactory, Func<int> cachedEpochs)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions(MevDefenseMeters.Ingest));
        _unknown = meter.CreateCounter<long>("defensive.ingest.leader_schedule.unknown_slots", "{lookup}", "Leader lookups for a slot whose leader schedule is not cached (the signature check reports unknown).");
        _refreshes = meter.CreateCounter<long>("defensive.ingest.leader_schedule.refreshes", "{refresh}", "Leader schedule refresh passes, by result (ok, http_error, rpc_error, malformed, timeout).");
        _loaded = meter.CreateCounter<long>("defensive.ingest.leader_schedule.epochs_loaded", "{epoch}", "Epoch leader schedules fetched and cached.");
        meter.CreateObservableGauge("defensive.ingest.leader_schedule.cached_epochs", cachedEpochs, "{epoch}", "Epoch leader schedules currently cached.");
    }

    public void UnknownSlot()
    {
        if (_unknown.Enabled)
        {
            _unknown.Add(1);
        }
    }

    public void Refresh(LeaderScheduleRefreshResult result) => _refreshes.Add(1, result switch
    {
        LeaderScheduleRefreshResult.Ok => ResultOk,
        LeaderScheduleRefreshResult.HttpError => ResultHttp,
        LeaderScheduleRefreshResult.RpcError => ResultRpc,
        LeaderScheduleRefreshResult.Malformed => ResultMalformed,
        _ => ResultTimeout,
    });

    public void EpochLoaded() => _loaded.Add(1);
}
