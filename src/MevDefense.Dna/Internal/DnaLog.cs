using Microsoft.Extensions.Logging;

namespace MevDefense.Dna.Internal;

/// <summary>Decision DNA log messages (event ids 2000–2999). Never logs keys or signed payload bytes.</summary>
internal static partial class DnaLog
{
    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 1, Level = LogLevel.Information, EventName = "LedgerOpened",
        Message = "Decision DNA ledger {Origin} opened with {Count} records (key id {KeyId}).")]
    public static partial void LedgerOpened(ILogger logger, string origin, ulong count, string keyId);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 2, Level = LogLevel.Error, EventName = "AppendFailed",
        Message = "Decision DNA append of {Count} records failed; the ledger is faulted until reopened.")]
    public static partial void AppendFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 3, Level = LogLevel.Information, EventName = "CheckpointSigned",
        Message = "Decision DNA checkpoint signed at size {Size}.")]
    public static partial void CheckpointSigned(ILogger logger, ulong size);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 4, Level = LogLevel.Warning, EventName = "DetectionNotRecorded",
        Message = "A detection of kind {Kind} in slot {Slot} could not be recorded.")]
    public static partial void DetectionNotRecorded(ILogger logger, DetectionKind kind, ulong slot, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 5, Level = LogLevel.Information, EventName = "SigningKeyCreated",
        Message = "Generated a new Decision DNA signing key (key id {KeyId}) at {Path} with mode 0600.")]
    public static partial void SigningKeyCreated(ILogger logger, string keyId, string path);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 7, Level = LogLevel.Warning, EventName = "CheckpointFailed",
        Message = "Automatic Decision DNA checkpoint at size {Size} failed; it is retried after the next append.")]
    public static partial void CheckpointFailed(ILogger logger, ulong size, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 6, Level = LogLevel.Error, EventName = "VerificationFailed",
        Message = "Decision DNA verification failed at sequence {Sequence}: {Reason}")]
    public static partial void VerificationFailed(ILogger logger, ulong sequence, string reason);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 20, Level = LogLevel.Information, EventName = "AnchorServiceStarted",
        Message = "Decision DNA anchoring started: every {EveryRecords} records or {Interval}, payer {Payer}, RPC {Endpoint}.")]
    public static partial void AnchorServiceStarted(ILogger logger, int everyRecords, TimeSpan interval, string payer, string endpoint);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 21, Level = LogLevel.Warning, EventName = "AnchorFailed",
        Message = "Anchoring Decision DNA checkpoint at size {Size} failed ({Failures} in a row); retrying in {Delay}.")]
    public static partial void AnchorFailed(ILogger logger, ulong size, int failures, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 22, Level = LogLevel.Error, EventName = "AnchorServiceFailed",
        Message = "Decision DNA anchoring cannot start; no checkpoint will be anchored.")]
    public static partial void AnchorServiceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 23, Level = LogLevel.Debug, EventName = "AnchorServiceStopped",
        Message = "Decision DNA anchoring stopped; last anchored size {Size}.")]
    public static partial void AnchorServiceStopped(ILogger logger, ulong size);
}
