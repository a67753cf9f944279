using System.ComponentModel.DataAnnotations;

namespace MevDefense.Ingest.ShredStream;

/// <summary>Options of a <see cref="ShredStreamHeartbeatClient"/>.</summary>
public sealed class ShredStreamHeartbeatOptions
{
    /// <summary>Gets or sets the block engine's gRPC endpoint that serves <c>shredstream.Shredstream/SendHeartbeat</c>.</summary>
    /// <value>The default value is <see langword="null"/>; required.</value>
    [Required]
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the public IP address shreds should be sent to (must match the packets' source address).</summary>
    /// <value>The default value is <see langword="null"/>; required.</value>
    [Required]
    public string? PublicIp { get; set; }

    /// <summary>Gets or sets the UDP port shreds should be sent to.</summary>
    /// <value>The default value is 20000.</value>
    [Range(1, 65535)]
    public int Port { get; set; } = 20_000;

    /// <summary>Gets the regions to receive shreds from (the proxy uses at most two).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> Regions { get; } = [];

    /// <summary>Gets or sets the interval before the first response tells the real one.</summary>
    /// <value>The default value is 1 s.</value>
    public TimeSpan InitialInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets request headers sent with every heartbeat (e.g. an <c>authorization</c> token).</summary>
    /// <value>The default value is empty.</value>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
