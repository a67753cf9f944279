using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MevDefense.Dna.Merkle;

namespace MevDefense.Benchmarks.Dna;

/// <summary>RFC 9162 inclusion proof generation and verification on a 10^7-leaf SHA-256 tree (stored node hashes).</summary>
[MemoryDiagnoser]
public class MerkleProofBenchmarks
{
    private const int Probes = 1024;
    private readonly byte[] _proof = new byte[MerkleTree.MaxProofHashes * 32];
    private readonly byte[] _root = new byte[32];
    private MerkleTree _tree = null!;
    private ulong[] _indices = [];
    private byte[][] _leafHashes = [];
    private byte[][] _proofs = [];
    private int _next;

    /// <summary>Gets or sets the number of leaves.</summary>
    [Params(10_000_000)]
    public int Leaves { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tree = new MerkleTree(Rfc6962Hasher.Sha256);
        Span<byte> input = stackalloc byte[8];
        Span<byte> leaf = stackalloc byte[32];
        for (int i = 0; i < Leaves; i++)
        {
            BitConverter.TryWriteBytes(input, (long)i);
            SHA256.HashData(input, leaf);
            _tree.AppendLeafHash(leaf);
        }

        _tree.GetRootHash((ulong)Leaves, _root);
        var random = new Random(42);
        _indices = [.. Enumerable.Range(0, Probes).Select(_ => (ulong)random.NextInt64(Leaves))];
        _leafHashes = [.. _indices.Select(_tree.GetLeafHash)];
        _proofs = [.. _indices.Select(i =>
        {
            byte[] p = new byte[MerkleTree.MaxProofHashes * 32];
            int n = _tree.GetInclusionProof(i, (ulong)Leaves, p);
            return p[..(n * 32)];
        })];
    }

    [Benchmark]
    public int GenerateInclusionProof()
    {
        int i = _next++ & (Probes - 1);
        return _tree.GetInclusionProof(_indices[i], (ulong)Leaves, _proof);
    }

    [Benchmark]
    public bool VerifyInclusionProof()
    {
        int i = _next++ & (Probes - 1);
        return MerkleVerifier.VerifyInclusion(Rfc6962Hasher.Sha256, _indices[i], (ulong)Leaves, _leafHashes[i], _proofs[i], _root);
    }

    [Benchmark(Baseline = true)]
    public bool GenerateAndVerifyInclusionProof()
    {
        int i = _next++ & (Probes - 1);
        int n = _tree.GetInclusionProof(_indices[i], (ulong)Leaves, _proof);
        return MerkleVerifier.VerifyInclusion(Rfc6962Hasher.Sha256, _indices[i], (ulong)Leaves, _leafHashes[i], _proof.AsSpan(0, n * 32), _root);
    }

    [Benchmark]
    public int GenerateConsistencyProof()
    {
        int i = _next++ & (Probes - 1);
        return _tree.GetConsistencyProof(1 + _indices[i], (ulong)Leaves, _proof);
    }
}
