namespace MevDefense.Ingest.Fec;

/// <summary>Codecs by (data, parity) shard counts, bounded like agave's <c>ReedSolomonCache</c>. Not thread-safe.</summary>
internal sealed class ReedSolomonCache
{
    private readonly Dictionary<(int, int), ReedSolomon> _codecs = [];

    public bool UseVector { get; init; } = true;

    public ReedSolomon Get(int dataShards, int parityShards)
    {
        if (!_codecs.TryGetValue((dataShards, parityShards), out var codec))
        {
            if (_codecs.Count >= 128)
            {
                _codecs.Clear();
            }

            codec = new ReedSolomon(dataShards, parityShards) { UseVector = UseVector };
            _codecs[(dataShards, parityShards)] = codec;
        }

        return codec;
    }
}
