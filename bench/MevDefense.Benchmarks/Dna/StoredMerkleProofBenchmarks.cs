using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MevDefense.Dna.Merkle;
using RocksDbSharp;

namespace MevDefense.Benchmarks.Dna;

/// <summary>
/// Inclusion and consistency proofs on a tree reopened from persisted Merkle nodes (what <c>DnaLedger.OpenAsync</c> does over
/// RocksDB / PostgreSQL): only the right border is in memory; every other proof node is a RocksDB point lookup (same key layout as
/// <c>RocksDbDnaStore</c>: level byte ‖ big-endian index). Setup writes the complete nodes of a <see cref="Leaves"/>-leaf tree once
/// (about 41 bytes × 2 per leaf on disk) and measures the reopen itself as <see cref="ReopenFromStoredNodes"/>.
/// </summary>
[MemoryDiagnoser]
public class StoredMerkleProofBenchmarks
{
    private const int Probes = 1024;
    private readonly byte[] _proof = new byte[MerkleTree.MaxProofHashes * 32];
    private readonly byte[] _root = new byte[32];
    private readonly byte[] _key = new byte[9];
    private readonly byte[] _value = new byte[32];
    private string _dir = string.Empty;
    private RocksDb _db = null!;
    private MerkleTree _tree = null!;
    private ulong[] _indices = [];
    private byte[][] _leafHashes = [];
    private int _next;

    /// <summary>Gets or sets the number of leaves.</summary>
    [Params(10_000_000)]
    public int Leaves { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mevdefense-bench-nodes-" + Guid.NewGuid().ToString("N"));
        var table = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false)).SetWholeKeyFiltering(true);
        _db = RocksDb.Open(new DbOptions().SetCreateIfMissing(true).SetBlockBasedTableFactory(table), _dir);
        var frontier = new MerkleFrontier(Rfc6962Hasher.Sha256);
        var batch = new WriteBatch();
        var writeOptions = new WriteOptions().SetSync(false).DisableWal(1);
        MerkleFrontier.NodeSink sink = (level, index, hash) =>
        {
            Span<byte> key = stackalloc byte[9];
            key[0] = (byte)level;
            BinaryPrimitives.WriteUInt64BigEndian(key[1..], index);
            batch.Put(key, hash, null);
        };
        Span<byte> input = stackalloc byte[8];
        Span<byte> leaf = stackalloc byte[32];
        for (int i = 0; i < Leaves; i++)
        {
            BitConverter.TryWriteBytes(input, (long)i);
            SHA256.HashData(input, leaf);
            frontier.AppendLeafHash(leaf, sink);
            if (batch.Count() >= 100_000)
            {
                _db.Write(batch, writeOptions);
                batch.Dispose();
                batch = new WriteBatch();
            }
        }

        _db.Write(batch, writeOptions);
        batch.Dispose();
        _db.Flush(new FlushOptions().SetWaitForFlush(true));
        frontier.GetRoot(_root);
        _tree = ReopenFromStoredNodes();
        var random = new Random(42);
        _indices = [.. Enumerable.Range(0, Probes).Select(_ => (ulong)random.NextInt64(Leaves))];
        _leafHashes = [.. _indices.Select(_tree.GetLeafHash)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Reopen: reads the right border (≤ 64 nodes) and nothing else.</summary>
    /// <returns>The tree.</returns>
    [Benchmark]
    public MerkleTree ReopenFromStoredNodes() => new(Rfc6962Hasher.Sha256, (ulong)Leaves, ReadNode);

    [Benchmark]
    public int GenerateInclusionProof()
    {
        int i = _next++ & (Probes - 1);
        return _tree.GetInclusionProof(_indices[i], (ulong)Leaves, _proof);
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

    private bool ReadNode(int level, ulong index, Span<byte> destination)
    {
        _key[0] = (byte)level;
        BinaryPrimitives.WriteUInt64BigEndian(_key.AsSpan(1), index);
        if (_db.Get(_key, _value, 0, 32) != 32)
        {
            return false;
        }

        _value.CopyTo(destination);
        return true;
    }
}
