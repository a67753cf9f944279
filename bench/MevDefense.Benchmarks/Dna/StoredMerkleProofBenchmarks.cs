using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Merkle;
using RocksDbSharp;

namespace MevDefense.Benchmarks.Dna;

/// <summary>
/// Inclusion and consistency proofs on a tree reopened from persisted Merkle nodes (what <c>DnaLedger.OpenAsync</c> does over
/// RocksDB / PostgreSQL), with the same key layout as <c>RocksDbDnaStore</c> (level byte ‖ big-endian index) and the same nodes
/// column-family options (Bloom filter, own 64 MiB block cache). Setup writes the complete nodes of a <see cref="Leaves"/>-leaf
/// tree once per process (about 41 bytes × 2 per leaf on disk; shared by every <see cref="Mode"/>) and measures the reopen itself
/// as <see cref="ReopenFromStoredNodes"/>. Proof figures are steady state: the resident levels fill while BDN warms up.
/// The same database also holds the store's format-2 Merkle pages (levels 0..3 of each 16-leaf subtree as one value, in their own
/// column family with the store's options) for <see cref="ReadMode.Pages16Resident64MiBRangeReads"/>.
/// The plain benchmarks cycle through 1,024 random leaves, so after warm-up their pages sit in the block cache; the
/// <c>Uniform</c> ones draw from 2^20 random leaves (about 10^6 distinct pages, far more than the 64 MiB block cache holds), so
/// nearly every page read goes to the SST files (through the OS page cache).
/// </summary>
[MemoryDiagnoser]
public class StoredMerkleProofBenchmarks
{
    private const int Probes = 1024;
    private const int UniformProbes = 1 << 20;
    private static readonly Lock SharedLock = new();
    private static SharedDb? _shared;
    private readonly byte[] _proof = new byte[MerkleTree.MaxProofHashes * 32];
    private readonly byte[] _key = new byte[9];
    private readonly byte[] _value = new byte[32];
    private SharedDb _db = null!;
    private RangeReader _range = null!;
    private MerkleTree _tree = null!;
    private ulong[] _indices = [];
    private byte[][] _leafHashes = [];
    private ulong[] _uniformIndices = [];
    private byte[] _uniformLeafHashes = [];
    private int _nextUniform;
    private int _next;
    private readonly byte[] _page = new byte[MerklePageCodec.FullBytes];
    private readonly ReadOptions _readOptions = new();
    private ulong _lastPageIndex = ulong.MaxValue;
    private int _pageLength;

    /// <summary>How the reopened tree reads stored nodes.</summary>
    public enum ReadMode
    {
        /// <summary>The previous code: levels with at most 16,384 nodes kept once read (1 MiB budget), one point read per other node.</summary>
        PointReadsUpperCache,

        /// <summary>64 MiB resident budget, point reads only (a store without a range reader, e.g. PostgreSQL).</summary>
        Resident64MiBPointReads,

        /// <summary>64 MiB resident budget with range reads (RocksDB format 1): resident levels loaded 256 nodes per seek.</summary>
        Resident64MiBRangeReads,

        /// <summary>RocksDB format 2: levels 0..3 from 16-leaf Merkle pages (one Get per proof, the last page cached as the store
        /// does), levels ≥ 4 resident with range reads.</summary>
        Pages16Resident64MiBRangeReads,

        /// <summary>As <see cref="Pages16Resident64MiBRangeReads"/> with <c>DnaLedgerOptions.MerkleCacheBytes</c> = 64 bytes × leaves
        /// (640 MB at 10^7): every level is kept once read; setup loads the whole tree (one proof per 256 leaves), so a proof reads
        /// nothing from the store.</summary>
        Pages16WholeTreeResident,
    }

    /// <summary>Gets or sets the number of leaves.</summary>
    [Params(10_000_000)]
    public int Leaves { get; set; }

    /// <summary>Gets or sets the read mode.</summary>
    [ParamsAllValues]
    public ReadMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        lock (SharedLock)
        {
            if (_shared is null || _shared.Leaves != Leaves)
            {
                _shared?.Dispose();
                _shared = SharedDb.Build(Leaves);
            }

            _db = _shared;
        }

        _range = new RangeReader(_db.Db);
        _tree = ReopenFromStoredNodes();
        if (Mode == ReadMode.Pages16WholeTreeResident)
        {
            // A long-running ledger's cache: one proof per 256 leaves loads every chunk of every level once (range reads).
            for (ulong leaf = 0; leaf < (ulong)Leaves; leaf += 256)
            {
                _tree.GetInclusionProof(leaf, (ulong)Leaves, _proof);
            }
        }
        var random = new Random(42);
        _indices = [.. Enumerable.Range(0, Probes).Select(_ => (ulong)random.NextInt64(Leaves))];
        _leafHashes = [.. _indices.Select(_tree.GetLeafHash)];

        // Leaf i of the stored tree is SHA-256 of i's 8 little-endian bytes (see SharedDb.Build).
        _uniformIndices = [.. Enumerable.Range(0, UniformProbes).Select(_ => (ulong)random.NextInt64(Leaves))];
        _uniformLeafHashes = new byte[UniformProbes * 32];
        Span<byte> input = stackalloc byte[8];
        for (int i = 0; i < UniformProbes; i++)
        {
            BitConverter.TryWriteBytes(input, (long)_uniformIndices[i]);
            SHA256.HashData(input, _uniformLeafHashes.AsSpan(i * 32, 32));
        }
    }

    /// <summary>Reopen: reads the right border (≤ 64 nodes) and nothing else.</summary>
    /// <returns>The tree.</returns>
    [Benchmark]
    public MerkleTree ReopenFromStoredNodes() => Mode switch
    {
        ReadMode.PointReadsUpperCache => new(Rfc6962Hasher.Sha256, (ulong)Leaves, ReadNode, null, 16_384 * 64),
        ReadMode.Resident64MiBPointReads => new(Rfc6962Hasher.Sha256, (ulong)Leaves, ReadNode, null, MerkleTree.DefaultResidentBytes),
        ReadMode.Pages16Resident64MiBRangeReads => new(Rfc6962Hasher.Sha256, (ulong)Leaves, ReadPagedNode, _range, MerkleTree.DefaultResidentBytes),
        ReadMode.Pages16WholeTreeResident => new(Rfc6962Hasher.Sha256, (ulong)Leaves, ReadPagedNode, _range, 64L * Leaves),
        _ => new(Rfc6962Hasher.Sha256, (ulong)Leaves, ReadNode, _range, MerkleTree.DefaultResidentBytes),
    };

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
        return MerkleVerifier.VerifyInclusion(Rfc6962Hasher.Sha256, _indices[i], (ulong)Leaves, _leafHashes[i], _proof.AsSpan(0, n * 32), _db.Root);
    }

    /// <summary>As <see cref="GenerateInclusionProof"/>, over 2^20 random leaves (page reads mostly miss the block cache).</summary>
    /// <returns>The number of proof hashes.</returns>
    [Benchmark]
    public int GenerateInclusionProofUniform()
    {
        int i = _nextUniform++ & (UniformProbes - 1);
        return _tree.GetInclusionProof(_uniformIndices[i], (ulong)Leaves, _proof);
    }

    /// <summary>As <see cref="GenerateAndVerifyInclusionProof"/>, over 2^20 random leaves (page reads mostly miss the block cache).</summary>
    /// <returns>Whether the proof verified.</returns>
    [Benchmark]
    public bool GenerateAndVerifyInclusionProofUniform()
    {
        int i = _nextUniform++ & (UniformProbes - 1);
        int n = _tree.GetInclusionProof(_uniformIndices[i], (ulong)Leaves, _proof);
        return MerkleVerifier.VerifyInclusion(Rfc6962Hasher.Sha256, _uniformIndices[i], (ulong)Leaves, _uniformLeafHashes.AsSpan(i * 32, 32), _proof.AsSpan(0, n * 32), _db.Root);
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
        if (_db.Db.Get(_key, _value, 0, 32) != 32)
        {
            return false;
        }

        _value.CopyTo(destination);
        return true;
    }

    /// <summary>The read of <c>RocksDbDnaStore.TryReadMerkleNode</c> in format 2: levels 0..3 from the page (one pinned Get, the
    /// last page kept), higher levels per node.</summary>
    private bool ReadPagedNode(int level, ulong index, Span<byte> destination)
    {
        if (level >= MerklePageCodec.Levels)
        {
            return ReadNode(level, index, destination);
        }

        ulong page = MerklePageCodec.PageOf(level, index);
        int position = MerklePageCodec.PositionOf(level, index);
        if (_lastPageIndex == page && MerklePageCodec.TryGetNode(_page.AsSpan(0, _pageLength), level, position, destination))
        {
            return true;
        }

        _lastPageIndex = ulong.MaxValue;
        Span<byte> key = stackalloc byte[MerklePageCodec.KeySize];
        MerklePageCodec.WriteKey(page, key);
        int length = RocksDbPinnedRead.Read(_db.Db, _readOptions, _db.Pages, key, _page);
        if (length < 0 || length > _page.Length)
        {
            return false;
        }

        _lastPageIndex = page;
        _pageLength = length;
        return MerklePageCodec.TryGetNode(_page.AsSpan(0, length), level, position, destination);
    }

    /// <summary>The same range read as <c>RocksDbDnaStore</c>: one iterator seek, consecutive keys.</summary>
    private sealed class RangeReader(RocksDb db) : IMerkleNodeRangeReader
    {
        public int ReadMerkleNodeRange(int level, ulong start, int count, Span<byte> destination)
        {
            byte[] key = new byte[9];
            key[0] = (byte)level;
            BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), start);
            using Iterator it = db.NewIterator(db.GetDefaultColumnFamily());
            it.Seek(key);
            int read = 0;
            while (read < count && it.Valid())
            {
                ReadOnlySpan<byte> k = it.GetKeySpan();
                ReadOnlySpan<byte> v = it.GetValueSpan();
                if (k.Length != 9 || k[0] != level || BinaryPrimitives.ReadUInt64BigEndian(k[1..]) != start + (ulong)read || v.Length != 32)
                {
                    break;
                }

                v.CopyTo(destination.Slice(read * 32, 32));
                read++;
                it.Next();
            }

            return read;
        }
    }

    /// <summary>The node database, built once per process and deleted at exit.</summary>
    private sealed class SharedDb : IDisposable
    {
        private SharedDb(int leaves, string dir, RocksDb db, byte[] root)
        {
            Leaves = leaves;
            Dir = dir;
            Db = db;
            Root = root;
            Pages = db.GetColumnFamily("pages");
        }

        public ColumnFamilyHandle Pages { get; }

        public int Leaves { get; }

        public string Dir { get; }

        public RocksDb Db { get; }

        public byte[] Root { get; }

        public static SharedDb Build(int leaves)
        {
            string dir = Path.Combine(Path.GetTempPath(), "mevdefense-bench-nodes-" + Guid.NewGuid().ToString("N"));
            var table = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false)).SetWholeKeyFiltering(true)
                .SetBlockCache(Cache.CreateLru(64UL << 20));
            var pageTable = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false)).SetWholeKeyFiltering(true)
                .SetBlockCache(Cache.CreateLru(64UL << 20));
            var families = new ColumnFamilies(new ColumnFamilyOptions().SetBlockBasedTableFactory(table));
            families.Add("pages", new ColumnFamilyOptions().SetBlockBasedTableFactory(pageTable).SetCompression(Compression.No));
            RocksDb db = RocksDb.Open(new DbOptions().SetCreateIfMissing(true).SetCreateMissingColumnFamilies(true), dir, families);
            ColumnFamilyHandle defaults = db.GetDefaultColumnFamily();
            ColumnFamilyHandle pages = db.GetColumnFamily("pages");
            var frontier = new MerkleFrontier(Rfc6962Hasher.Sha256);
            var batch = new WriteBatch();
            var writeOptions = new WriteOptions().SetSync(false).DisableWal(1);
            var paged = new SortedBatchEntries { Paged = true };
            paged.StartPage(0, []);
            MerkleFrontier.NodeSink sink = (level, index, hash) =>
            {
                Span<byte> key = stackalloc byte[9];
                key[0] = (byte)level;
                BinaryPrimitives.WriteUInt64BigEndian(key[1..], index);
                batch.Put(key, hash, defaults);
                if (level < MerklePageCodec.Levels)
                {
                    paged.AddNode(level, index, hash); // the store's own page writer
                }
            };
            Span<byte> input = stackalloc byte[8];
            Span<byte> leaf = stackalloc byte[32];
            for (int i = 0; i < leaves; i++)
            {
                BitConverter.TryWriteBytes(input, (long)i);
                SHA256.HashData(input, leaf);
                frontier.AppendLeafHash(leaf, sink);
                if (batch.Count() >= 100_000)
                {
                    paged.WriteTo(batch, defaults, defaults, defaults, defaults, pages);
                    paged.Clear();
                    db.Write(batch, writeOptions);
                    batch.Dispose();
                    batch = new WriteBatch();
                }
            }

            paged.WriteTo(batch, defaults, defaults, defaults, defaults, pages);
            db.Write(batch, writeOptions);
            batch.Dispose();
            db.Flush(new FlushOptions().SetWaitForFlush(true));
            Native.Instance.rocksdb_flush_cf(db.Handle, new FlushOptions().SetWaitForFlush(true).Handle, pages.Handle);
            byte[] root = new byte[32];
            frontier.GetRoot(root);
            var shared = new SharedDb(leaves, dir, db, root);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => shared.Dispose();
            return shared;
        }

        public void Dispose()
        {
            Db.Dispose();
            if (Directory.Exists(Dir))
            {
                Directory.Delete(Dir, recursive: true);
            }
        }
    }
}
