using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace MevDefense.AspNetCore.Internal;

/// <summary>ASP.NET Core add-on instruments (meter <c>MevDefense.AspNetCore</c>).</summary>
internal sealed class AspNetCoreMetrics
{
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _scored;
    private readonly Counter<long> _apiDetections;
    private readonly UpDownCounter<long> _streamConnections;
    private readonly Counter<long> _streamMessages;
    private readonly Counter<long> _streamSlow;

    public AspNetCoreMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(new MeterOptions(MevDefenseMeters.AspNetCore));
        _rejected = meter.CreateCounter<long>("defensive.api.requests.rejected", "{request}", "API requests rejected, by endpoint and reason (malformed_json, invalid, too_large, not_found, unauthorized, rate_limited).");
        _scored = meter.CreateCounter<long>("defensive.api.transactions.scored", "{transaction}", "Transactions scored through POST /detect, by shape.");
        _apiDetections = meter.CreateCounter<long>("defensive.api.detections", "{detection}", "Detections returned (and recorded) by POST /detect, by kind.");
        _streamConnections = meter.CreateUpDownCounter<long>("defensive.stream.connections", "{connection}", "Open WebSocket stream connections.");
        _streamMessages = meter.CreateCounter<long>("defensive.stream.messages", "{message}", "Messages queued to WebSocket stream clients.");
        _streamSlow = meter.CreateCounter<long>("defensive.stream.slow_disconnects", "{connection}", "WebSocket clients disconnected because their bounded send queue was full.");
    }

    public void Rejected(string endpoint, string reason)
    {
        if (_rejected.Enabled)
        {
            RejectedCore(endpoint, reason);
        }
    }

    public void Scored(string shape, int count)
    {
        if (_scored.Enabled)
        {
            _scored.Add(count, new KeyValuePair<string, object?>("shape", shape));
        }
    }

    public void ApiDetection(string kind)
    {
        if (_apiDetections.Enabled)
        {
            _apiDetections.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    public void StreamConnected() => _streamConnections.Add(1);

    public void StreamDisconnected() => _streamConnections.Add(-1);

    public void StreamMessages(int count) => _streamMessages.Add(count);

    public void StreamSlowDisconnect() => _streamSlow.Add(1);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RejectedCore(string endpoint, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("reason", reason));
}
