using System.ComponentModel.DataAnnotations;

namespace MevDefense.Ingest.ShredStream;

/// <summary>Options of a <see cref="ShredStreamEntrySource"/> (Jito ShredStream proxy <c>SubscribeEntries</c>).</summary>
public sealed class ShredStreamSourceOptions
{
    /// <summary>Gets or sets the source name used in logs and metric tags.</summary>
    /// <value>The default value is <c>shredstream</c>.</value>
    [Required]
    public string Name { get; set; } = "shredstream";

    /// <summary>Gets or sets the id stamped on each batch.</summary>
    /// <value>The default value is 1.</value>
    [Range(0, int.MaxValue)]
    public int SourceId { get; set; } = 1;

    /// <summary>Gets or sets the proxy's gRPC endpoint (its <c>--grpc-service-port</c>), e.g. <c>http://127.0.0.1:9999</c>.</summary>
    /// <value>The default value is <see langword="null"/>; required.</value>
    [Required]
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the first reconnect delay; it doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    /// <value>The default value is 250 ms.</value>
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets the longest reconnect delay.</summary>
    /// <value>The default value is 30 s.</value>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the largest accepted message in bytes (one entry batch).</summary>
    /// <value>The default value is 64 MiB.</value>
    [Range(1024, int.MaxValue)]
    public int MaxReceiveMessageBytes { get; set; } = 64 << 20;

    /// <summary>Gets request headers sent with every call (e.g. an <c>authorization</c> token).</summary>
    /// <value>The default value is empty.</value>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
