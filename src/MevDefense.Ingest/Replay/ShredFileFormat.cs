namespace MevDefense.Ingest.Replay;

/// <summary>Replay file formats holding shreds.</summary>
public enum ShredFileFormat
{
    /// <summary>Classic libpcap capture (Ethernet, Linux cooked SLL/SLL2 or raw IP; IPv4/IPv6 UDP), microsecond or nanosecond timestamps.</summary>
    Pcap,

    /// <summary>Unix <c>ar</c> archive, one raw shred per member (Firedancer fixtures).</summary>
    Ar,

    /// <summary>Repeated <c>[u64 LE length][shred]</c> records (Syndica sig fixtures).</summary>
    LengthPrefixed,

    /// <summary>A JSON array of byte arrays, one shred each, optionally gzip-compressed.</summary>
    Json,
}
