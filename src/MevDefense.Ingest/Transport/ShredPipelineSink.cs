using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Selection;

namespace MevDefense.Ingest.Transport;

/// <summary>
/// Connects the transport to a <see cref="ShredPipeline"/>: every datagram is processed; accepted (verified, first-seen) shreds are
/// optionally re-sent by a <see cref="ShredForwarder"/>, and the <see cref="SourceSelector"/> learns which source delivered first
/// (accepted = a win for its source, duplicate = a loss).
/// </summary>
/// <remarks>
/// Only <see cref="ShredProcessResult.Accepted"/> shreds are forwarded, i.e. shreds that passed every check the pipeline is configured
/// for: coding shreds held unverified under <see cref="ShredPipelineOptions.LazyCodingShredVerification"/>
/// (<see cref="ShredProcessResult.Deferred"/>) are neither forwarded nor scored, and with that option the source selector learns from
/// data shreds only (a duplicate coding shred is not counted as a loss either, since its first delivery could not be counted as a win).
/// </remarks>
/// <remarks>
/// <para>Single-threaded like the pipeline: use it as the sink of one <see cref="RingConsumer"/>.</para>
/// <para>Ring drains arrive as whole batches and go through <see cref="ShredPipeline.ProcessBatch"/> (Merkle leaves hashed by the
/// multi-buffer SHA-256); the accepted shreds of a batch are forwarded and scored once the batch has been processed, so a
/// forwarded shred waits at most for the rest of its batch (up to 256 datagrams).</para>
/// </remarks>
public sealed class ShredPipelineSink : IDatagramBatchSink
{
    private readonly ShredPipeline _pipeline;
    private readonly ShredForwarder? _forwarder;
    private readonly SourceSelector? _selector;
    private readonly ShredProcessResult[] _results = new ShredProcessResult[DatagramRing.DefaultBatchSize];

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

    /// <summary>Gets the number of coding shreds the pipeline held without verification (<see cref="ShredProcessResult.Deferred"/>; not forwarded).</summary>
    public long Deferred { get; private set; }

    /// <summary>Gets the number of rejected datagrams (by reason in the pipeline's statistics and metrics).</summary>
    public long Rejected { get; private set; }

    /// <inheritdoc/>
    public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
        => Record(_pipeline.Process(datagram, receiveTimestamp, sourceId), datagram, sourceId);

    /// <inheritdoc/>
    public void OnDatagrams(in DatagramBatch batch)
    {
        for (int start = 0; start < batch.Count; start += _results.Length)
        {
            var part = batch.Slice(start, Math.Min(_results.Length, batch.Count - start));
            _pipeline.ProcessBatch(part, _results);
            for (int i = 0; i < part.Count; i++)
            {
                Record(_results[i], part[i], part.SourceIds[i]);
            }
        }
    }

    /// <summary>Merkle coding shred variants: high nibble 0x4, 0x6 or 0x7 (0x5A is a legacy coding shred, never deferred).</summary>
    private static bool IsMerkleCoding(ReadOnlySpan<byte> datagram)
        => datagram.Length > 0x40 && (datagram[0x40] >> 4) is 0x4 or 0x6 or 0x7;

    private void Record(ShredProcessResult result, ReadOnlySpan<byte> datagram, int sourceId)
    {
        switch (result)
        {
            case ShredProcessResult.Accepted:
                Accepted++;
                _forwarder?.Forward(datagram);
                _selector?.RecordOutcome(sourceId, success: true);
                break;
            case ShredProcessResult.Duplicate:
                Duplicates++;
                if (!(_pipeline.DefersCodingShreds && IsMerkleCoding(datagram)))
                {
                    _selector?.RecordOutcome(sourceId, success: false);
                }

                break;
            case ShredProcessResult.Deferred:
                Deferred++;
                break;
            default:
                Rejected++;
                break;
        }
    }
}
