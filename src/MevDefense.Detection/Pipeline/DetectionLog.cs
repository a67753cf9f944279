using Microsoft.Extensions.Logging;

namespace MevDefense.Detection;

internal static partial class DetectionLog
{
    [LoggerMessage(EventId = MevDefenseEventIds.DetectionBase + 1, Level = LogLevel.Warning, EventName = "DetectionSinkFailed",
        Message = "A detection sink threw; the detection was still delivered to the other sinks.")]
    public static partial void SinkFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.DetectionBase + 2, Level = LogLevel.Warning, EventName = "ModelScoringFailed",
        Message = "The transaction scorer {Scorer} failed; the window was decided by the rules alone.")]
    public static partial void ScoringFailed(ILogger logger, string scorer, Exception exception);
}
