namespace MevDefense;

/// <summary>Receives detections (ledger recorder, WebSocket stream, user callbacks). Register several with <c>TryAddEnumerable</c>.</summary>
public interface IDetectionEventSink
{
    /// <summary>Handles one detection. Implementations must not throw for a single bad event and must not block the caller for long.</summary>
    /// <param name="detection">The detection.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the sink has taken the event.</returns>
    ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default);
}
