using System.Runtime.InteropServices;
using MevDefense.Ingest.Fec.Internal;
using MevDefense.Ingest.Internal;

namespace MevDefense.Ingest.Fec;

// Banned-API exception (eng/BannedSymbols.txt): this hot-path kernel reads and writes shard/message memory through
// Unsafe/MemoryMarshal to avoid bounds checks in its inner loops; its outputs are property-tested against the scalar path.
#pragma warning disable RS0030

/// <summary>
/// Systematic Reed–Solomon erasure code over GF(2^8), byte-compatible with reed-solomon-erasure 6.0 <c>galois_8</c>
/// (SHREDS.md 1.10): encoding matrix V·inv(V_top) with V[r][c] = r^c. Decoding picks the first k present shards in
/// shard order, inverts that sub-matrix, and caches inverses by present pattern (bounded). Not thread-safe.
/// </summary>
/// <remarks>
/// With AVX-512 GFNI and array-backed shards of at least 64 bytes, encode and reconstruct run the register-blocked
/// <see cref="GfniMatrixKernel"/> (parity matrices packed once at construction); without AVX-512 GFNI (or with <see cref="UseGfni"/>
/// off) and with AVX2, the register-blocked split-nibble <see cref="Avx2MatrixKernel"/>; otherwise, or with <see cref="UseBlockedKernel"/>
/// off, each output row is accumulated coefficient by coefficient through <see cref="GfSimd"/> (GFNI, AVX2 nibble or scalar).
/// Every path is byte-identical (property-tested).
/// </remarks>
internal sealed class ReedSolomon
{
    private readonly byte[] _matrix; // (k+m) x k
    private readonly Dictionary<UInt128, byte[]> _decodeCache = [];
    private readonly int _cacheCapacity;
    private readonly int[] _rows;
    private readonly ulong[] _encodePacked; // parity rows packed for GfniMatrixKernel (empty when unsupported)
    private readonly ulong[] _packScratch;
    private readonly byte[] _encodeBytes; // parity rows packed for Avx2MatrixKernel (empty when unsupported)
    private readonly byte[] _packScratchBytes;
    private readonly int[] _rowScratch;
    private readonly byte[][] _srcArrays;
    private readonly int[] _srcOffsets;
    private readonly byte[][] _dstArrays;
    private readonly int[] _dstOffsets;

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
        int n = dataShards + parityShards;
        _srcArrays = new byte[n][];
        _srcOffsets = new int[n];
        _dstArrays = new byte[n][];
        _dstOffsets = new int[n];
        _rowScratch = new int[n];
        if (GfniMatrixKernel.IsSupported)
        {
            _packScratch = new ulong[Math.Max(dataShards, parityShards) * dataShards];
            _encodePacked = new ulong[parityShards * dataShards];
            var parityRows = new int[parityShards];
            for (int p = 0; p < parityShards; p++)
            {
                parityRows[p] = dataShards + p;
            }

            GfniMatrixKernel.Pack(_matrix, dataShards, parityRows, _encodePacked);
        }
        else
        {
            _packScratch = [];
            _encodePacked = [];
        }

        if (Avx2MatrixKernel.IsSupported)
        {
            _packScratchBytes = new byte[Math.Max(dataShards, parityShards) * dataShards];
            _encodeBytes = new byte[parityShards * dataShards];
            var parityRows = new int[parityShards];
            for (int p = 0; p < parityShards; p++)
            {
                parityRows[p] = dataShards + p;
            }

            Avx2MatrixKernel.Pack(_matrix, dataShards, parityRows, _encodeBytes);
        }
        else
        {
            _packScratchBytes = [];
            _encodeBytes = [];
        }
    }

    public int DataShards { get; }

    public int ParityShards { get; }

    public int TotalShards => DataShards + ParityShards;

    /// <summary>Gets or sets a value indicating whether the SIMD path may be used (false forces the scalar path).</summary>
    public bool UseVector { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the GFNI affine path may be used (false keeps the AVX2 nibble-table path).</summary>
    public bool UseGfni { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the register-blocked AVX-512 GFNI kernel may be used when <see cref="UseVector"/>
    /// and <see cref="UseGfni"/> are on (false keeps the row-by-row GFNI path; for benchmarks and tests).
    /// </summary>
    public bool UseBlockedKernel { get; set; } = true;

    private BlockedKernel Kernel => !UseVector || !UseBlockedKernel ? BlockedKernel.None
        : UseGfni && GfniMatrixKernel.IsSupported ? BlockedKernel.Gfni
        : Avx2MatrixKernel.IsSupported ? BlockedKernel.Avx2
        : BlockedKernel.None;

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

        var kernel = Kernel;
        if (kernel != BlockedKernel.None && shardLength >= MinLength(kernel) && TryCollect(data, _srcArrays, _srcOffsets, shardLength) && TryCollect(parity, _dstArrays, _dstOffsets, shardLength))
        {
            try
            {
                Multiply(kernel, null, default, DataShards, ParityShards, shardLength);
            }
            finally
            {
                ClearTables();
            }

            return;
        }

        ClearTables();
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

        var kernel = Kernel;
        if (kernel != BlockedKernel.None && shardLength >= MinLength(kernel) && ReconstructBlocked(kernel, shards, present, shardLength, recoverParity, dataMissing, mask))
        {
            return true;
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

    /// <summary>The blocked-kernel reconstruction; false (nothing written) when a shard is not array-backed or too short.</summary>
    private bool ReconstructBlocked(BlockedKernel kernel, ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, int shardLength, bool recoverParity, bool dataMissing, UInt128 mask)
    {
        int k = DataShards;
        int n = TotalShards;
        try
        {
            for (int i = 0; i < n; i++)
            {
                if (!MemoryMarshal.TryGetArray<byte>(shards[i], out var segment) || segment.Count < shardLength)
                {
                    return false;
                }
            }

            if (dataMissing)
            {
                // Sources: the first k present shards; outputs: the missing data shards, rows of the inverse.
                for (int j = 0; j < k; j++)
                {
                    Collect(shards[_rows[j]], j, _srcArrays, _srcOffsets);
                }

                int missing = 0;
                for (int d = 0; d < k; d++)
                {
                    if (!present[d])
                    {
                        Collect(shards[d], missing, _dstArrays, _dstOffsets);
                        _rowScratch[missing++] = d;
                    }
                }

                byte[] inverse = GetDecodeMatrix(mask, n <= 128);
                Multiply(kernel, inverse, _rowScratch.AsSpan(0, missing), k, missing, shardLength);
            }

            if (recoverParity)
            {
                int missing = 0;
                for (int p = k; p < n; p++)
                {
                    if (!present[p])
                    {
                        Collect(shards[p], missing, _dstArrays, _dstOffsets);
                        _rowScratch[missing++] = p;
                    }
                }

                if (missing > 0)
                {
                    for (int d = 0; d < k; d++)
                    {
                        Collect(shards[d], d, _srcArrays, _srcOffsets);
                    }

                    // All parity missing: the encode matrix packed at construction; otherwise pack the missing rows.
                    if (missing == ParityShards)
                    {
                        Multiply(kernel, null, default, k, missing, shardLength);
                    }
                    else
                    {
                        Multiply(kernel, _matrix, _rowScratch.AsSpan(0, missing), k, missing, shardLength);
                    }
                }
            }

            return true;
        }
        finally
        {
            ClearTables();
        }
    }

    private static int MinLength(BlockedKernel kernel) => kernel == BlockedKernel.Gfni ? GfniMatrixKernel.MinLength : Avx2MatrixKernel.MinLength;

    /// <summary>
    /// Runs a blocked kernel over the collected source/destination tables: with <paramref name="coefficients"/> null, the parity rows
    /// packed at construction; otherwise the rows <paramref name="rows"/> of <paramref name="coefficients"/> (k columns), packed now.
    /// </summary>
    private void Multiply(BlockedKernel kernel, byte[]? coefficients, ReadOnlySpan<int> rows, int k, int outputs, int shardLength)
    {
        if (kernel == BlockedKernel.Gfni)
        {
            ReadOnlySpan<ulong> packed = _encodePacked;
            if (coefficients is not null)
            {
                GfniMatrixKernel.Pack(coefficients, k, rows, _packScratch);
                packed = _packScratch;
            }

            GfniMatrixKernel.Multiply(packed, k, _srcArrays.AsSpan(0, k), _srcOffsets, _dstArrays.AsSpan(0, outputs), _dstOffsets, shardLength);
        }
        else
        {
            ReadOnlySpan<byte> packed = _encodeBytes;
            if (coefficients is not null)
            {
                Avx2MatrixKernel.Pack(coefficients, k, rows, _packScratchBytes);
                packed = _packScratchBytes;
            }

            Avx2MatrixKernel.Multiply(packed, k, _srcArrays.AsSpan(0, k), _srcOffsets, _dstArrays.AsSpan(0, outputs), _dstOffsets, shardLength);
        }
    }

    private static bool TryCollect(ReadOnlySpan<ReadOnlyMemory<byte>> shards, byte[][] arrays, int[] offsets, int shardLength)
    {
        for (int i = 0; i < shards.Length; i++)
        {
            if (!TryCollect(shards[i], i, arrays, offsets, shardLength))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryCollect(ReadOnlySpan<Memory<byte>> shards, byte[][] arrays, int[] offsets, int shardLength)
    {
        for (int i = 0; i < shards.Length; i++)
        {
            if (!TryCollect(shards[i], i, arrays, offsets, shardLength))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryCollect(ReadOnlyMemory<byte> shard, int slot, byte[][] arrays, int[] offsets, int shardLength)
    {
        if (!MemoryMarshal.TryGetArray(shard, out var segment) || segment.Count < shardLength)
        {
            return false;
        }

        arrays[slot] = segment.Array!;
        offsets[slot] = segment.Offset;
        return true;
    }

    private static void Collect(ReadOnlyMemory<byte> shard, int slot, byte[][] arrays, int[] offsets)
    {
        MemoryMarshal.TryGetArray(shard, out var segment);
        arrays[slot] = segment.Array!;
        offsets[slot] = segment.Offset;
    }

    /// <summary>Drops the references to the caller's buffers.</summary>
    private void ClearTables()
    {
        Array.Clear(_srcArrays);
        Array.Clear(_dstArrays);
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

    private enum BlockedKernel
    {
        None,
        Gfni,
        Avx2,
    }
}
