using Microsoft.Extensions.Logging;

namespace MevDefense.Dna.Internal;

/// <summary>Log messages of the embedded and PostgreSQL stores and of anchoring (event ids Dna base + 100..199).</summary>
internal static partial class DnaStoreLog
{
    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 100, Level = LogLevel.Information, EventName = "StoreOpened",
        Message = "Decision DNA store {Store} opened with {Count} records.")]
    public static partial void StoreOpened(ILogger logger, string store, ulong count);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 101, Level = LogLevel.Critical, EventName = "StoreWriteFailed",
        Message = "Decision DNA store {Store} failed to write or sync a batch of {Requests} requests; the store is faulted and must be reopened.")]
    public static partial void StoreWriteFailed(ILogger logger, string store, int requests, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 110, Level = LogLevel.Information, EventName = "CheckpointAnchored",
        Message = "Anchored checkpoint size {Size} on Solana in transaction {Signature} at slot {Slot}.")]
    public static partial void CheckpointAnchored(ILogger logger, ulong size, string signature, ulong slot);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 111, Level = LogLevel.Warning, EventName = "AnchorAttemptFailed",
        Message = "Anchoring checkpoint size {Size} failed on attempt {Attempt}.")]
    public static partial void AnchorAttemptFailed(ILogger logger, ulong size, int attempt, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.DnaBase + 112, Level = LogLevel.Information, EventName = "AnchorBlockhashExpired",
        Message = "Anchor transaction {Signature} for checkpoint size {Size} expired unconfirmed; re-signing with a new blockhash.")]
    public static partial void AnchorBlockhashExpired(ILogger logger, string signature, ulong size);
}
