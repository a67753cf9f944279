using MevDefense.Ingest.Internal;

namespace MevDefense.Ingest.Fec;

/// <summary>
/// Systematic Reed–Solomon erasure code over GF(2^8), byte-compatible with reed-solomon-erasure 6.0 <c>galois_8</c>
/// (SHREDS.md 1.10): encoding matrix V·inv(V_top) with V[r][c] = r^c. Decoding picks the first k present shards in
/// shard order, inverts that sub-matrix, and caches inverses by present pattern (bounded). Not thread-safe.
/// </summary>
internal sealed class ReedSolomon
{
    private readonly byte[] _matrix; // (k+m) x k
    private readonly Dictionary<UInt128, byte[]> _decodeCache = [];
    private readonly int _cacheCapacity;
    private readonly int[] _rows;

    public ReedSolomon(int dataShards, int parityShards, int decodeCacheCapacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dataShards, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parityShards, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataShards + parityShards, 256);
        DataShards = dataShards;
        ParityShards = parityShards;
        _cacheCapacity = decodeCacheCapacity;
        _matrix = GfMatrix.BuildEncodingMatrix(dataShards, parityShards);
        _rows = new int[dataShards];
    }

    public int DataShards { get; }

    public int ParityShards { get; }

    public int TotalShards => DataShards + ParityShards;

    /// <summary>Gets or sets a value indicating whether the SIMD path may be used (false forces the scalar path).</summary>
    public bool UseVector { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the GFNI affine path may be used (false keeps the AVX2 nibble-table path).</summary>
    public bool UseGfni { get; set; } = true;

    /// <summary>Number of decode matrices computed (cache misses).</summary>
    public long MatrixInversions { get; private set; }

    /// <summary>The coefficient of data shard <paramref name="column"/> in shard row <paramref name="row"/>.</summary>
    public byte Coefficient(int row, int column) => _matrix[(row * DataShards) + column];

    /// <summary>Computes the parity shards from the data shards (first <paramref name="shardLength"/> bytes of each).</summary>
    public void Encode(ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> parity, int shardLength)
    {
        if (data.Length != DataShards || parity.Length != ParityShards)
        {
            throw new ArgumentException("Shard count mismatch.");
        }

        for (int p = 0; p < ParityShards; p++)
        {
            EncodeRow(DataShards + p, data, parity[p].Span[..shardLength], shardLength);
        }
    }

    private void EncodeRow(int row, ReadOnlySpan<ReadOnlyMemory<byte>> data, Span<byte> dst, int shardLength)
    {
        int k = DataShards;
        GfSimd.Mul(_matrix[row * k], data[0].Span[..shardLength], dst, UseVector, UseGfni);
        for (int c = 1; c < k; c++)
        {
            GfSimd.MulAdd(_matrix[(row * k) + c], data[c].Span[..shardLength], dst, UseVector, UseGfni);
        }
    }

    /// <summary>
    /// Fills the missing shards (<paramref name="present"/>[i] false) in place. Data shards are recovered from the first
    /// k present shards; missing parity shards are re-encoded when <paramref name="recoverParity"/> is true.
    /// </summary>
    /// <returns>False when fewer than k shards are present.</returns>
    public bool TryReconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, int shardLength, bool recoverParity)
    {
        int k = DataShards;
        int n = TotalShards;
        if (shards.Length != n || present.Length != n)
        {
            throw new ArgumentException("Shard count mismatch.");
        }

        int count = 0;
        UInt128 mask = 0;
        bool dataMissing = false;
        for (int i = 0; i < n && count < k; i++)
        {
            if (present[i])
            {
                _rows[count++] = i;
                if (i < 128)
                {
                    mask |= UInt128.One << i;
                }
            }
            else if (i < k)
            {
                dataMissing = true;
            }
        }

        if (count < k)
        {
            return false;
        }

        for (int i = _rows[k - 1] + 1; i < k; i++)
        {
            dataMissing |= !present[i];
        }

        if (dataMissing)
        {
            byte[] inverse = GetDecodeMatrix(mask, n <= 128);
            for (int d = 0; d < k; d++)
            {
                if (present[d])
                {
                    continue;
                }

                var dst = shards[d].Span[..shardLength];
                GfSimd.Mul(inverse[d * k], shards[_rows[0]].Span[..shardLength], dst, UseVector, UseGfni);
                for (int j = 1; j < k; j++)
                {
                    GfSimd.MulAdd(inverse[(d * k) + j], shards[_rows[j]].Span[..shardLength], dst, UseVector, UseGfni);
                }
            }
        }

        if (recoverParity)
        {
            var dataArray = System.Buffers.ArrayPool<ReadOnlyMemory<byte>>.Shared.Rent(k);
            try
            {
                for (int d = 0; d < k; d++)
                {
                    dataArray[d] = shards[d];
                }

                for (int p = k; p < n; p++)
                {
                    if (!present[p])
                    {
                        EncodeRow(p, dataArray.AsSpan(0, k), shards[p].Span[..shardLength], shardLength);
                    }
                }
            }
            finally
            {
                Array.Clear(dataArray, 0, k);
                System.Buffers.ArrayPool<ReadOnlyMemory<byte>>.Shared.Return(dataArray);
            }
        }

        return true;
    }

    private byte[] GetDecodeMatrix(UInt128 mask, bool cacheable)
    {
        if (cacheable && _decodeCache.TryGetValue(mask, out var cached))
        {
            return cached;
        }

        int k = DataShards;
        var sub = new byte[k * k];
        for (int r = 0; r < k; r++)
        {
            Array.Copy(_matrix, _rows[r] * k, sub, r * k, k);
        }

        if (!GfMatrix.TryInvert(sub, k))
        {
            throw new InvalidOperationException("Decode sub-matrix is singular.");
        }

        MatrixInversions++;
        if (cacheable)
        {
            if (_decodeCache.Count >= _cacheCapacity)
            {
                _decodeCache.Clear();
            }

            _decodeCache[mask] = sub;
        }

        return sub;
    }
}
