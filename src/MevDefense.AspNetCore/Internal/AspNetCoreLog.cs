using Microsoft.Extensions.Logging;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Log messages of the ASP.NET Core add-on (event ids 4000-4999).</summary>
internal static partial class AspNetCoreLog
{
    [LoggerMessage(EventId = MevDefenseEventIds.AspNetCoreBase + 1, Level = LogLevel.Warning, EventName = "StreamClientTooSlow",
        Message = "Disconnecting WebSocket client {ConnectionId}: its send queue (capacity {Capacity}) is full.")]
    public static partial void StreamClientTooSlow(ILogger logger, long connectionId, int capacity);

    [LoggerMessage(EventId = MevDefenseEventIds.AspNetCoreBase + 2, Level = LogLevel.Debug, EventName = "StreamClientConnected",
        Message = "WebSocket client {ConnectionId} connected ({Connections} open).")]
    public static partial void StreamClientConnected(ILogger logger, long connectionId, int connections);

    [LoggerMessage(EventId = MevDefenseEventIds.AspNetCoreBase + 3, Level = LogLevel.Debug, EventName = "StreamClientDisconnected",
        Message = "WebSocket client {ConnectionId} disconnected ({Connections} open).")]
    public static partial void StreamClientDisconnected(ILogger logger, long connectionId, int connections);

    [LoggerMessage(EventId = MevDefenseEventIds.AspNetCoreBase + 4, Level = LogLevel.Error, EventName = "LedgerAppendFailed",
        Message = "Recording a detection from POST /detect in the Decision DNA ledger failed.")]
    public static partial void LedgerAppendFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.AspNetCoreBase + 5, Level = LogLevel.Warning, EventName = "StreamSendFailed",
        Message = "Sending to WebSocket client {ConnectionId} failed; closing it.")]
    public static partial void StreamSendFailed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = MevDefenseEventIds.AspNetCoreBase + 6, Level = LogLevel.Warning, EventName = "StreamClientRefused",
        Message = "Refused a WebSocket client: {MaxClients} clients are already connected.")]
    public static partial void StreamClientRefused(ILogger logger, int maxClients);
}
