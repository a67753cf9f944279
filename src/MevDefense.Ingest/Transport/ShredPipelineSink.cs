using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Selection;

namespace MevDefense.Ingest.Transport;

/// <summary>
/// Connects the transport to a <see cref="ShredPipeline"/>: every datagram is processed; accepted (verified, first-seen) shreds are
/// optionally re-sent by a <see cref="ShredForwarder"/>, and the <see cref="SourceSelector"/> learns which source delivered first
/// (accepted = a win for its source, duplicate = a loss).
/// </summary>
/// <remarks>Single-threaded like the pipeline: use it as the sink of one <see cref="RingConsumer"/>.</remarks>
public sealed class ShredPipelineSink : IDatagramSink
{
    private readonly ShredPipeline _pipeline;
    private readonly ShredForwarder? _forwarder;
    private readonly SourceSelector? _selector;

    /// <summary>Creates the sink.</summary>
    /// <param name="pipeline">The pipeline that processes every datagram.</param>
    /// <param name="forwarder">Re-sends accepted shreds, or <see langword="null"/>.</param>
    /// <param name="selector">Learns first deliveries per source (sources must be registered), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public ShredPipelineSink(ShredPipeline pipeline, ShredForwarder? forwarder = null, SourceSelector? selector = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _forwarder = forwarder;
        _selector = selector;
    }

    /// <summary>Gets the number of datagrams the pipeline accepted.</summary>
    public long Accepted { get; private set; }

    /// <summary>Gets the number of duplicates.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Gets the number of rejected datagrams (by reason in the pipeline's statistics and metrics).</summary>
    public long Rejected { get; private set; }

    /// <inheritdoc/>
    public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
    {
        switch (_pipeline.Process(datagram, receiveTimestamp, sourceId))
        {
            case ShredProcessResult.Accepted:
                Accepted++;
                _forwarder?.Forward(datagram);
                _selector?.RecordOutcome(sourceId, success: true);
                break;
            case ShredProcessResult.Duplicate:
                Duplicates++;
                _selector?.RecordOutcome(sourceId, success: false);
                break;
            default:
                Rejected++;
                break;
        }
    }
}
