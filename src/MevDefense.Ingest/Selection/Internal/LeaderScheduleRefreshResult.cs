namespace MevDefense.Ingest.Selection.Internal;

/// <summary>How a leader schedule refresh pass ended.</summary>
internal enum LeaderScheduleRefreshResult
{
    Ok,
    HttpError,
    RpcError,
    Malformed,
    Timeout,
}
