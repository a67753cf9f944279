namespace MevDefense.Ingest.DependencyInjection.Internal;

/// <summary>The HTTP client the DI-built JSON-RPC clients share; disposed with the container.</summary>
internal sealed class ShredIngestHttpClient : IDisposable
{
    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => Client.Dispose();
}
