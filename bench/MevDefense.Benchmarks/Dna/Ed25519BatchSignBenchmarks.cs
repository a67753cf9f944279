using BenchmarkDotNet.Attributes;
using MevDefense.Dna;
using MevDefense.Dna.Internal.Ed25519;

namespace MevDefense.Benchmarks.Dna;

/// <summary>
/// Ed25519 signing of <see cref="BatchSize"/> 32-byte record hashes, one whole batch per operation (divide by the batch size
/// for the per-signature figure): NSec one at a time, the 8-lane AVX-512 batch signer forced for every message (its cost for
/// partial batches decides <c>DnaSigner.MinBatch</c>), and the shipped <c>DnaSigner.SignHashes</c> dispatch.
/// </summary>
public class Ed25519BatchSignBenchmarks
{
    private DnaSigner _signer = null!;
    private Ed25519BatchSigner _batch = null!;
    private byte[] _messages = [];
    private byte[] _signatures = [];

    /// <summary>Gets or sets the number of messages signed per operation.</summary>
    [Params(1, 2, 3, 4, 5, 6, 7, 8, 64, 512)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] seed = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        _signer = DnaSigner.FromSeed(seed);
        if (!Ed25519BatchSigner.IsEnabled || !_signer.UsesBatchSigner)
        {
            throw new InvalidOperationException("The AVX-512 batch signer is not enabled on this machine.");
        }

        _batch = Ed25519BatchSigner.CreateUnchecked(seed);
        _messages = new byte[BatchSize * 32];
        new Random(7).NextBytes(_messages);
        _signatures = new byte[BatchSize * 64];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _batch.Dispose();
        _signer.Dispose();
    }

    /// <summary>NSec (libsodium) one signature at a time: the baseline.</summary>
    [Benchmark(Baseline = true)]
    public void NSecLoop()
    {
        for (int i = 0; i < BatchSize; i++)
        {
            _signer.Sign(_messages.AsSpan(i * 32, 32), _signatures.AsSpan(i * 64, 64));
        }
    }

    /// <summary>The batch signer for every message, partial batches included.</summary>
    [Benchmark]
    public void BatchSigner() => _batch.SignFixedLength(_messages, 32, _signatures);

    /// <summary>What the ledger calls: batches of eight, small remainders through NSec.</summary>
    [Benchmark]
    public void SignHashes() => _signer.SignHashes(_messages, _signatures);
}
