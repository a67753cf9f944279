namespace MevDefense.Detection;

/// <summary>
/// A detector over a <see cref="DetectionWindow"/>. Detectors are synchronous and CPU-bound; they must not keep
/// references to the window or its transactions after returning, and should allocate only for the detections they emit.
/// </summary>
public interface IDetector
{
    /// <summary>Gets the detector name written into <see cref="DetectionEvent.Detector"/> (for example <c>rules/sandwich</c>).</summary>
    string Name { get; }

    /// <summary>Examines a window and appends its detections.</summary>
    /// <param name="window">The window.</param>
    /// <param name="detections">Receives the detections.</param>
    void Detect(DetectionWindow window, ICollection<DetectionEvent> detections);
}
