using System.Net.Http.Json;
using System.Text.Json;
using MevDefense.Dna;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Names and tags of the health checks <c>AddAspNetCore()</c> registers.</summary>
internal static class HealthCheckNames
{
    public const string Tag = "mevdefense";
    public const string Ledger = "ledger";
    public const string Model = "detection-model";
    public const string AnchorRpc = "anchor-rpc";
    public const string Ingest = "ingest";
}

/// <summary>The Decision DNA ledger is open, not faulted, and its store answers.</summary>
internal sealed class LedgerHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<DnaLedger>() is not { } ledger)
        {
            return HealthCheckResult.Degraded("No Decision DNA ledger is registered (AddDnaLedger was not called): detections are not recorded.");
        }

        var data = new Dictionary<string, object> { ["records"] = ledger.Count, ["origin"] = ledger.Origin, ["keyId"] = ledger.KeyId };
        return await ledger.ProbeAsync(cancellationToken).ConfigureAwait(false)
            ? HealthCheckResult.Healthy("The ledger store is writable.", data)
            : HealthCheckResult.Unhealthy("The ledger is not open, is faulted, or its store does not answer.", data: data);
    }
}

/// <summary>The ONNX role model is loaded (loading it on the first check).</summary>
internal sealed class ModelHealthCheck(ApiDetectionServices detection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var model = detection.Model;
            var data = new Dictionary<string, object> { ["name"] = model.Name, ["version"] = model.ModelVersion ?? "unknown" };
            return Task.FromResult(HealthCheckResult.Healthy("The detection model is loaded.", data));
        }
        catch (Exception ex) when (ex is FormatException or IOException or InvalidOperationException or UnauthorizedAccessException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The detection model could not be loaded.", ex));
        }
    }
}

/// <summary>The Solana JSON-RPC endpoint used for anchoring answers <c>getHealth</c> with <c>ok</c> (healthy when anchoring is off).</summary>
internal sealed class AnchorRpcHealthCheck(IOptions<MevDefenseOptions> core, IOptions<MevDefenseAspNetCoreOptions> options, IHttpClientFactory clients) : IHealthCheck
{
    public const string HttpClientName = "MevDefense.AnchorRpcHealth";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (core.Value.SolanaRpc is not { } rpc)
        {
            return HealthCheckResult.Healthy("Anchoring is off: no Solana RPC endpoint is configured (MevDefense:SolanaRpc or SOLANA_RPC).");
        }

        var data = new Dictionary<string, object> { ["endpoint"] = rpc.GetLeftPart(UriPartial.Authority) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RpcHealthTimeout);
        try
        {
            HttpClient client = clients.CreateClient(HttpClientName);
            using HttpResponseMessage response = await client.PostAsJsonAsync(rpc, new { jsonrpc = "2.0", id = 1, method = "getHealth" }, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return HealthCheckResult.Unhealthy($"The RPC endpoint answered HTTP {(int)response.StatusCode}.", data: data);
            }

            using JsonDocument doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false), default, timeout.Token).ConfigureAwait(false);
            return doc.RootElement.TryGetProperty("result", out JsonElement r) && r.ValueKind == JsonValueKind.String && r.GetString() == "ok"
                ? HealthCheckResult.Healthy("The anchor RPC endpoint is reachable and healthy.", data)
                : HealthCheckResult.Degraded("The anchor RPC endpoint is reachable but reports it is not healthy.", data: data);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException)
        {
            return HealthCheckResult.Unhealthy("The anchor RPC endpoint is not reachable.", ex is OperationCanceledException ? null : ex, data);
        }
    }
}

/// <summary>
/// Ingest sources: healthy when shred ingest is not configured (API-only or replay hosts) or when at least one live feed
/// source is registered with the <see cref="Ingest.Selection.SourceSelector"/>; degraded when ingest is configured but no
/// feed source is running.
/// </summary>
internal sealed class IngestHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<Ingest.Selection.SourceSelector>() is not { } selector)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Shred ingest is not configured in this host (AddShredIngest was not called)."));
        }

        IReadOnlyList<Ingest.Selection.SourceEstimate> sources = selector.Snapshot();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (Ingest.Selection.SourceEstimate s in sources)
        {
            data[s.Name] = $"{s.Kind}, preference {s.Mean:0.000}";
        }

        return Task.FromResult(sources.Any(static s => s.Kind == Ingest.Selection.SourceKind.Feed)
            ? HealthCheckResult.Healthy($"{sources.Count} ingest source(s) registered.", data)
            : HealthCheckResult.Degraded("Shred ingest is configured but no feed source is running.", data: data));
    }
}
