using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Internal;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// Shred Merkle leaf hashing: SHA-256 of the 26-byte leaf prefix followed by a 1,050-byte shred body, 256 messages per invocation
/// (one ring batch), so Mean is per message. Baseline = one <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> per message
/// (what the pipeline did per shred); the others are the multi-buffer paths of <see cref="Sha256MultiBuffer"/>.
/// </summary>
[MemoryDiagnoser]
public class Sha256MultiBufferBenchmarks
{
    private const int Messages = 256;
    private const int BodyLength = 1050;
    private readonly byte[] _buffer = new byte[Messages * 1232];
    private readonly int[] _offsets = new int[Messages];
    private readonly int[] _lengths = new int[Messages];
    private readonly byte[] _digests = new byte[Messages * 32];
    private readonly byte[] _scratch = new byte[26 + 1232];
    private readonly Sha256MultiBuffer _v512 = new(Sha256Path.Vector512);
    private readonly Sha256MultiBuffer _v256 = new(Sha256Path.Vector256);
    private readonly Sha256MultiBuffer _scalar = new(Sha256Path.Scalar);

    private static ReadOnlySpan<byte> Prefix => "\0SOLANA_MERKLE_SHREDS_LEAF"u8;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_buffer);
        for (int i = 0; i < Messages; i++)
        {
            _offsets[i] = (i * 1232) + 64;
            _lengths[i] = BodyLength;
        }
    }

    /// <summary>One message at a time: prefix copied in front, then <c>SHA256.HashData</c> (OpenSSL, SHA-NI).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public byte HashDataOneByOne()
    {
        for (int i = 0; i < Messages; i++)
        {
            Prefix.CopyTo(_scratch);
            _buffer.AsSpan(_offsets[i], BodyLength).CopyTo(_scratch.AsSpan(26));
            SHA256.HashData(_scratch.AsSpan(0, 26 + BodyLength), _digests.AsSpan(i * 32, 32));
        }

        return _digests[0];
    }

    /// <summary>16 lanes (AVX-512).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public byte MultiBuffer16Lanes()
    {
        _v512.Hash(Prefix, _buffer, _offsets, _lengths, _digests);
        return _digests[0];
    }

    /// <summary>8 lanes (AVX2, with AVX-512VL rotates where present).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public byte MultiBuffer8Lanes()
    {
        _v256.Hash(Prefix, _buffer, _offsets, _lengths, _digests);
        return _digests[0];
    }

    /// <summary>The hasher's scalar fallback (one <c>SHA256.HashData</c> per message).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public byte MultiBufferScalarFallback()
    {
        _scalar.Hash(Prefix, _buffer, _offsets, _lengths, _digests);
        return _digests[0];
    }
}
