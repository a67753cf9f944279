using Microsoft.Extensions.Logging;

namespace MevDefense.Ingest.Selection.Internal;

/// <summary>Log messages of <see cref="RpcLeaderScheduleProvider"/>. Event ids 1550-1559 of the ingest range.</summary>
internal static partial class LeaderScheduleLog
{
    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 550, Level = LogLevel.Information, EventName = "LeaderScheduleLoaded",
        Message = "Leader schedule of epoch {Epoch} loaded from {Endpoint}: slots {FirstSlot}-{LastSlot}, {Leaders} leaders.")]
    public static partial void Loaded(ILogger logger, ulong epoch, string endpoint, ulong firstSlot, ulong lastSlot, int leaders);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 551, Level = LogLevel.Warning, EventName = "LeaderScheduleRefreshFailed",
        Message = "Leader schedule refresh from {Endpoint} failed ({Reason}); retrying in {DelayMs} ms (failure {Failures} in a row).")]
    public static partial void RefreshFailed(ILogger logger, Exception exception, string endpoint, string reason, long delayMs, int failures);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 552, Level = LogLevel.Debug, EventName = "LeaderScheduleNotAvailable",
        Message = "The node at {Endpoint} has no leader schedule for epoch {Epoch} yet.")]
    public static partial void NotAvailable(ILogger logger, string endpoint, ulong epoch);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 553, Level = LogLevel.Debug, EventName = "LeaderScheduleEvicted",
        Message = "Leader schedule of epoch {Epoch} evicted (current epoch {CurrentEpoch}).")]
    public static partial void Evicted(ILogger logger, ulong epoch, ulong currentEpoch);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 554, Level = LogLevel.Information, EventName = "LeaderScheduleRecovered",
        Message = "Leader schedule refresh from {Endpoint} succeeded again after {Failures} failure(s).")]
    public static partial void Recovered(ILogger logger, string endpoint, int failures);
}
