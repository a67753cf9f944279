using MevDefense.Dna.Merkle;
using MevDefense.Dna.Stores;
using Microsoft.Extensions.Time.Testing;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>
/// The <see cref="IDnaStore"/> contract, run against every store (in-memory, RocksDB, PostgreSQL): appends and all lookups,
/// ranges, conflicts, checkpoints, anchor receipts, concurrency, persistence across reopen and an end-to-end verified chain.
/// </summary>
public abstract class DnaStoreConformanceTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];

    /// <summary>Gets a value indicating whether the store keeps its data across <see cref="ReopenAsync"/>.</summary>
    protected virtual bool IsPersistent => true;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        for (int i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }
    }

    /// <summary>Creates a new, empty store (each call a separate chain).</summary>
    protected abstract Task<IDnaStore> CreateStoreAsync();

    /// <summary>Disposes a store and opens the same chain again.</summary>
    protected abstract Task<IDnaStore> ReopenAsync(IDnaStore store);

    [StoreFact]
    public async Task EmptyStore_HasEmptyHeadAndNoData()
    {
        IDnaStore store = await NewAsync();
        Assert.Equal(DnaStoreHead.Empty, await store.GetHeadAsync());
        Assert.Null(await store.GetBySequenceAsync(0));
        Assert.Null(await store.GetByIdAsync(Guid.NewGuid()));
        Assert.Null(await store.GetLatestCheckpointAsync());
        Assert.Empty(await store.ReadRawRangeAsync(0, 10).ToListAsync());
        Assert.Empty(await store.ReadCheckpointsAsync().ToListAsync());
        Assert.Empty(await store.ReadAnchorReceiptsAsync().ToListAsync());
    }

    [StoreFact]
    public async Task Append_ThenLookups_ReturnExactRecords()
    {
        IDnaStore store = await NewAsync();
        DecisionRecord[] records = await SealAsync(store, 40);

        DnaStoreHead head = await store.GetHeadAsync();
        Assert.Equal(40UL, head.Count);
        Assert.Equal(records[^1].ChainHash, head.LastChainHash);
        foreach (DecisionRecord r in records)
        {
            Assert.Equal(r.ToCanonicalBytes(), (await store.GetBySequenceAsync(r.Sequence))!.ToCanonicalBytes());
            Assert.Equal(r.ToCanonicalBytes(), (await store.GetByIdAsync(r.Id))!.ToCanonicalBytes());
        }

        foreach (IGrouping<ulong, DecisionRecord> slot in records.GroupBy(r => r.Slot))
        {
            Assert.Equal(slot.Select(r => r.Sequence), await store.GetBySlotAsync(slot.Key).Select(r => r.Sequence).ToListAsync());
        }

        Assert.Empty(await store.GetBySlotAsync(1).ToListAsync());
        foreach (DecisionRecord r in records.Where(r => r.Sequence % 7 == 0))
        {
            foreach (Signature tx in r.Transactions)
            {
                Assert.Equal([r.Sequence], await store.GetByTransactionAsync(tx).Select(x => x.Sequence).ToListAsync());
            }
        }

        Assert.Empty(await store.GetByTransactionAsync(new Signature(new byte[64])).ToListAsync());
        Assert.Null(await store.GetBySequenceAsync(40));
    }

    [StoreFact]
    public async Task ReadRanges_ReturnStoredBytesInOrder()
    {
        IDnaStore store = await NewAsync();
        DecisionRecord[] records = await SealAsync(store, 25);

        List<DnaStoredRecord> all = await store.ReadRawRangeAsync(0, 1000).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (ulong)i), all.Select(r => r.Sequence));
        for (int i = 0; i < 25; i++)
        {
            Assert.Equal(records[i].ToCanonicalBytes(), all[i].Bytes.ToArray());
        }

        Assert.Equal([10UL, 11, 12], await store.ReadRangeAsync(10, 3).Select(r => r.Sequence).ToListAsync());
        Assert.Equal([23UL, 24], await store.ReadRangeAsync(23, 10).Select(r => r.Sequence).ToListAsync());
        Assert.Empty(await store.ReadRangeAsync(25, 10).ToListAsync());
        Assert.Empty(await store.ReadRangeAsync(0, 0).ToListAsync());
    }

    [StoreFact]
    public async Task Append_WrongSequenceOrDuplicateId_ConflictsAndWritesNothing()
    {
        IDnaStore store = await NewAsync();
        DecisionRecord[] records = await SealAsync(store, 5);
        DecisionRecord[] more = await SealDetachedAsync(8);

        await Assert.ThrowsAsync<DnaStoreConflictException>(async () => await store.AppendAsync([more[7]])); // sequence 7 != 5
        await Assert.ThrowsAsync<DnaStoreConflictException>(async () => await store.AppendAsync([more[5], more[7]])); // gap inside the batch
        DecisionRecord sameId = Rebase(more[5], records[2].Id);
        await Assert.ThrowsAsync<DnaStoreConflictException>(async () => await store.AppendAsync([sameId]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync([]));

        Assert.Equal(5UL, (await store.GetHeadAsync()).Count);
        Assert.Null(await store.GetBySequenceAsync(5));
        Assert.Null(await store.GetByIdAsync(more[5].Id));

        await store.AppendAsync([more[5], more[6]]);
        Assert.Equal(7UL, (await store.GetHeadAsync()).Count);
    }

    [StoreFact]
    public async Task Append_DuplicateOfEveryStoredId_ConflictsBeforeAndAfterReopen_NewLowerIdAccepted()
    {
        // Every stored id (the newest one too, which the RocksDB store's skip-the-probe bound compares against) must still be
        // rejected as a duplicate, also after a reopen reloads that bound; an id below the newest that is not stored is accepted.
        IDnaStore store = await NewAsync();
        DecisionRecord[] records = await SealAsync(store, 6);
        DecisionRecord[] more = await SealDetachedAsync(8);
        for (int round = 0; round < 2; round++)
        {
            foreach (DecisionRecord stored in records)
            {
                await Assert.ThrowsAsync<DnaStoreConflictException>(async () => await store.AppendAsync([Rebase(more[6], stored.Id)]));
            }

            Assert.Equal(6UL, (await store.GetHeadAsync()).Count);
            if (IsPersistent && round == 0)
            {
                store = await ReopenAsync(store);
                _disposables.Add(store);
            }
        }

        Guid lowest = records.Min(r => r.Id);
        byte[] belowBytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(belowBytes, System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(lowest.ToByteArray(bigEndian: true)) - 1);
        Guid below = new(belowBytes, bigEndian: true);
        Assert.True(below.CompareTo(lowest) < 0);
        await store.AppendAsync([Rebase(more[6], below)]);
        Assert.Equal(7UL, (await store.GetHeadAsync()).Count);
        Assert.Equal(6UL, (await store.GetByIdAsync(below))!.Sequence);
    }

    [StoreFact]
    public async Task Checkpoints_StoredInOrder_EqualIgnored_SmallerConflicts()
    {
        IDnaStore store = await NewAsync();
        await SealAsync(store, 3);
        DnaCheckpoint c1 = Checkpoint(1);
        DnaCheckpoint c3 = Checkpoint(3);
        await store.AddCheckpointAsync(c1);
        await store.AddCheckpointAsync(c3);
        await store.AddCheckpointAsync(c3 with { SignedNote = c3.SignedNote + "ignored" });
        await Assert.ThrowsAsync<DnaStoreConflictException>(async () => await store.AddCheckpointAsync(Checkpoint(2)));

        Assert.Equal(c3, await store.GetLatestCheckpointAsync());
        Assert.Equal([c1, c3], await store.ReadCheckpointsAsync().ToListAsync());
    }

    [StoreFact]
    public async Task AnchorReceipts_StoredAndReadByCheckpointSize()
    {
        IDnaStore store = await NewAsync();
        var t = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        DnaAnchorReceipt r8 = Receipt(8, 2, "mevdefense:v1:o:8:ab", t);
        DnaAnchorReceipt r2 = Receipt(2, 1, "mevdefense:v1:o:2:cd", null);
        await store.AddAnchorReceiptAsync(r8);
        await store.AddAnchorReceiptAsync(r2);
        Assert.Equal([r2, r8], await store.ReadAnchorReceiptsAsync().ToListAsync());
    }

    [StoreFact]
    public async Task ConcurrentRacingAppenders_ExactlyOneWinsEachSequence()
    {
        IDnaStore store = await NewAsync();
        const int Racers = 8;
        const int Rounds = 12;
        DecisionRecord[][] chains = new DecisionRecord[Racers][];
        for (int k = 0; k < Racers; k++)
        {
            chains[k] = await SealDetachedAsync(Rounds, seed: 10 + k);
        }

        for (int round = 0; round < Rounds; round++)
        {
            int r = round;
            Task<bool>[] attempts = [.. Enumerable.Range(0, Racers).Select(k => Task.Run(async () =>
            {
                try
                {
                    await store.AppendAsync([chains[k][r]]);
                    return true;
                }
                catch (DnaStoreConflictException)
                {
                    return false;
                }
            }))];
            bool[] won = await Task.WhenAll(attempts);
            Assert.Equal(1, won.Count(w => w));
            int winner = Array.IndexOf(won, true);
            Assert.Equal(chains[winner][r].ToCanonicalBytes(), (await store.GetBySequenceAsync((ulong)r))!.ToCanonicalBytes());
        }

        Assert.Equal((ulong)Rounds, (await store.GetHeadAsync()).Count);
    }

    [StoreFact]
    public async Task ManyConcurrentLedgerAppenders_AllDurable_ChainVerifies()
    {
        IDnaStore store = await NewAsync();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(3));
        var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 100, MaxBatchSize = 64 }, new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero)));
        _disposables.Add(ledger);
        await ledger.OpenAsync();

        const int Appenders = 16;
        const int PerAppender = 25;
        DecisionRecord[][] results = await Task.WhenAll(Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            var mine = new DecisionRecord[PerAppender];
            for (int i = 0; i < PerAppender; i++)
            {
                mine[i] = await ledger.AppendAsync(LedgerHarness.SampleDraft((a * PerAppender) + i));
            }

            return mine;
        })));

        DecisionRecord[] all = [.. results.SelectMany(x => x).OrderBy(r => r.Sequence)];
        Assert.Equal(Enumerable.Range(0, Appenders * PerAppender).Select(i => (ulong)i), all.Select(r => r.Sequence));
        foreach (DecisionRecord r in all)
        {
            Assert.Equal(r.ToCanonicalBytes(), (await store.GetByIdAsync(r.Id))!.ToCanonicalBytes());
        }

        await ledger.CheckpointAsync();
        DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], ledger.Origin).VerifyAsync(store);
        Assert.True(result.IsValid, result.Failure);
        Assert.Equal((ulong)(Appenders * PerAppender), result.RecordCount);
        Assert.True(result.CheckpointsVerified >= 1);
    }

    [StoreFact]
    public async Task Reopen_KeepsRecordsCheckpointsAndReceipts_LedgerContinues()
    {
        if (!IsPersistent)
        {
            return; // nothing to reopen; the suite's other tests cover the volatile store
        }

        IDnaStore store = await NewAsync();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(4));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var options = new DnaLedgerOptions { CheckpointEveryRecords = 0 };
        DnaCheckpoint cp;
        await using (var ledger = new DnaLedger(store, signer, options, time))
        {
            await ledger.OpenAsync();
            for (int i = 0; i < 30; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            cp = await ledger.CheckpointAsync();
        }

        DnaAnchorReceipt receipt = Receipt(cp.Size, 77, "mevdefense:v1:x:30:00", null) with { RootHash = cp.RootHash };
        await store.AddAnchorReceiptAsync(receipt);
        DnaStoreHead before = await store.GetHeadAsync();

        store = await ReopenAsync(store);
        _disposables.Add(store);
        Assert.Equal(before, await store.GetHeadAsync());
        Assert.Equal(cp, await store.GetLatestCheckpointAsync());
        Assert.Equal([receipt], await store.ReadAnchorReceiptsAsync().ToListAsync());

        await using (var ledger = new DnaLedger(store, signer, options, time))
        {
            await ledger.OpenAsync();
            Assert.Equal(30UL, ledger.Count);
            DecisionRecord next = await ledger.AppendAsync(LedgerHarness.SampleDraft(30));
            Assert.Equal(30UL, next.Sequence);
            Assert.Equal(before.LastChainHash, next.ParentHash);
        }

        DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], options.Origin).VerifyAsync(store);
        Assert.True(result.IsValid, result.Failure);
        Assert.Equal(31UL, result.RecordCount);
        Assert.Equal(1, result.AnchorsVerified);
    }

    /// <summary>Creates a store that the test class disposes at the end.</summary>
    [StoreFact]
    public async Task Reopen_LedgerRootsAndProofs_AreIdentical_AndMatchARebuiltTree()
    {
        IDnaStore store = await NewAsync();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(5));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var options = new DnaLedgerOptions { CheckpointEveryRecords = 16 };
        const int N = 45;
        var roots = new List<Hash>();
        var inclusion = new Dictionary<(ulong, ulong), byte[][]>();
        var consistency = new Dictionary<(ulong, ulong), byte[][]>();
        await using (var ledger = new DnaLedger(store, signer, options, time))
        {
            await ledger.OpenAsync();
            for (int i = 0; i < N; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(2));
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            for (ulong size = 0; size <= N; size++)
            {
                roots.Add(ledger.GetRootHash(size));
            }

            foreach ((ulong index, ulong size) in ProofPoints(N))
            {
                inclusion[(index, size)] = ledger.GetInclusionProof(index, size);
                consistency[(index + 1, size)] = ledger.GetConsistencyProof(index + 1, size);
            }
        }

        IDnaStore reopened = IsPersistent ? await ReopenAsync(store) : store;
        if (IsPersistent)
        {
            _disposables.Add(reopened);
        }
        await using (var ledger = new DnaLedger(reopened, signer, options, time))
        {
            await ledger.OpenAsync();
            Assert.Equal((ulong)N, ledger.Count);
            for (ulong size = 0; size <= N; size++)
            {
                Assert.Equal(roots[(int)size], ledger.GetRootHash(size));
            }

            foreach ((ulong index, ulong size) in ProofPoints(N))
            {
                Assert.Equal(inclusion[(index, size)], ledger.GetInclusionProof(index, size));
                Assert.Equal(consistency[(index + 1, size)], ledger.GetConsistencyProof(index + 1, size));
                Assert.True(MerkleVerifier.VerifyInclusion(Rfc6962Hasher.Sha256, index, size, LeafHash((await reopened.GetBySequenceAsync(index))!), ledger.GetInclusionProof(index, size).SelectMany(h => h).ToArray(), roots[(int)size].AsSpan()));
            }

            // The reopened tree keeps growing exactly like a tree rebuilt from all the records.
            for (int i = N; i < N + 20; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(2));
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            var rebuilt = new MerkleTree(Rfc6962Hasher.Sha256);
            await foreach (DnaStoredRecord raw in reopened.ReadRawRangeAsync(0, int.MaxValue))
            {
                rebuilt.AppendLeaf(raw.Bytes.Span);
            }

            Assert.Equal((ulong)(N + 20), rebuilt.Size);
            for (ulong size = 1; size <= N + 20; size++)
            {
                byte[] root = new byte[32];
                rebuilt.GetRootHash(size, root);
                Assert.Equal(new Hash(root), ledger.GetRootHash(size));
                Assert.Equal(rebuilt.GetInclusionProof(size - 1, size), ledger.GetInclusionProof(size - 1, size));
                Assert.Equal(rebuilt.GetInclusionProof(size / 3, size), ledger.GetInclusionProof(size / 3, size));
            }
        }

        DnaVerificationResult ok = await new DnaVerifier([signer.PublicKey], options.Origin).VerifyAsync(reopened);
        Assert.True(ok.IsValid, ok.Failure);
    }

    [StoreFact]
    public async Task StoredMerkleNodes_AreExactlyTheCompleteSubtreesOfTheRecords()
    {
        IDnaStore store = await NewAsync();
        if (store is not IDnaMerkleNodeStore nodes)
        {
            return; // this store does not persist nodes; the ledger rebuilds the tree on open
        }

        DecisionRecord[] records = await SealAsync(store, 27);
        var tree = new MerkleTree(Rfc6962Hasher.Sha256);
        foreach (DecisionRecord r in records)
        {
            tree.AppendLeaf(r.ToCanonicalBytes());
        }

        List<DnaMerkleNode> stored = await nodes.ReadMerkleNodesAsync().ToListAsync();
        Assert.Equal((2 * 27) - System.Numerics.BitOperations.PopCount(27UL), stored.Count);
        byte[] expected = new byte[32];
        byte[] read = new byte[32];
        foreach (DnaMerkleNode node in stored)
        {
            Assert.True(tree.TryGetNode(node.Level, node.Index, expected));
            Assert.Equal(new Hash(expected), node.Hash);
            Assert.True(nodes.TryReadMerkleNode(node.Level, node.Index, read));
            Assert.Equal(expected, read);
        }

        Assert.False(nodes.TryReadMerkleNode(0, 27, read));
        Assert.False(nodes.TryReadMerkleNode(3, 3, read)); // leaves 24..31: incomplete at 27
    }

    [StoreFact]
    public async Task OneBatchOfManyRecords_SlotsAndTransactionsOutOfOrder_EveryIndexAndNodeStored()
    {
        // One store append of 300 records whose slots run backwards and repeat, and whose transactions repeat across records:
        // the RocksDB store writes a batch's index and node entries in key order, so this checks nothing is lost or misfiled.
        IDnaStore store = await NewAsync();
        var random = new Random(17);
        Signature[] shared = [.. Enumerable.Range(0, 10).Select(_ => RandomSignature(random))];
        DecisionDraft[] drafts = [.. Enumerable.Range(0, 300).Select(i => LedgerHarness.SampleDraft(i) with
        {
            Slot = 300_000_000UL + (ulong)((299 - i) % 37),
            Transactions = [shared[i % 10], RandomSignature(random)],
        })];
        DecisionRecord[] records = await SealDetachedAsync(drafts);
        await store.AppendAsync(records);

        Assert.Equal(300UL, (await store.GetHeadAsync()).Count);
        foreach (DecisionRecord r in records)
        {
            Assert.Equal(r.ToCanonicalBytes(), (await store.GetByIdAsync(r.Id))!.ToCanonicalBytes());
            Assert.Equal([r.Sequence], await store.GetByTransactionAsync(r.Transactions[1]).Select(x => x.Sequence).ToListAsync());
        }

        foreach (IGrouping<ulong, DecisionRecord> slot in records.GroupBy(r => r.Slot))
        {
            Assert.Equal(slot.Select(r => r.Sequence).Order(), await store.GetBySlotAsync(slot.Key).Select(r => r.Sequence).ToListAsync());
        }

        for (int k = 0; k < shared.Length; k++)
        {
            Assert.Equal(records.Where(r => r.Transactions[0] == shared[k]).Select(r => r.Sequence).Order(), await store.GetByTransactionAsync(shared[k]).Select(r => r.Sequence).ToListAsync());
        }

        if (store is IDnaMerkleNodeStore nodes)
        {
            var tree = new MerkleTree(Rfc6962Hasher.Sha256);
            foreach (DecisionRecord r in records)
            {
                tree.AppendLeaf(r.ToCanonicalBytes());
            }

            List<DnaMerkleNode> stored = await nodes.ReadMerkleNodesAsync().ToListAsync();
            Assert.Equal((2 * 300) - System.Numerics.BitOperations.PopCount(300UL), stored.Count);
            byte[] expected = new byte[32];
            foreach (DnaMerkleNode node in stored)
            {
                Assert.True(tree.TryGetNode(node.Level, node.Index, expected));
                Assert.Equal(new Hash(expected), node.Hash);
            }
        }

        static Signature RandomSignature(Random random)
        {
            byte[] b = new byte[64];
            random.NextBytes(b);
            return new Signature(b);
        }
    }

    protected async Task<IDnaStore> NewAsync()
    {
        IDnaStore store = await CreateStoreAsync();
        _disposables.Add(store);
        return store;
    }

    private static IEnumerable<(ulong Index, ulong Size)> ProofPoints(ulong n)
    {
        for (ulong size = 1; size <= n; size += 3)
        {
            yield return (0, size);
            yield return (size - 1, size);
            yield return (size / 2, size);
        }
    }

    private static byte[] LeafHash(DecisionRecord r)
    {
        byte[] leaf = new byte[32];
        Rfc6962Hasher.Sha256.HashLeaf(r.ToCanonicalBytes(), leaf);
        return leaf;
    }

    private static DnaCheckpoint Checkpoint(ulong size) =>
        new("mevdefense.test/dna", size, new Hash(Enumerable.Repeat((byte)size, 32).ToArray()), $"mevdefense.test/dna\n{size}\nroot\n\n— mevdefense.test/dna sig{size}\n");

    private static DnaAnchorReceipt Receipt(ulong size, ulong slot, string memo, DateTimeOffset? time) =>
        new(size, new Hash(Enumerable.Repeat((byte)(size + 1), 32).ToArray()), new Signature(Enumerable.Repeat((byte)slot, 64).ToArray()), slot, memo, time);

    private static DecisionRecord Rebase(DecisionRecord r, Guid id) => new()
    {
        Id = id,
        Sequence = r.Sequence,
        EventType = r.EventType,
        Slot = r.Slot,
        Transactions = r.Transactions,
        Detector = r.Detector,
        ParentHash = r.ParentHash,
        KeyId = r.KeyId,
        ChainHash = r.ChainHash,
        Signature = r.Signature,
        Timestamp = r.Timestamp,
    };

    /// <summary>Seals records with a ledger over the store under test.</summary>
    private static async Task<DecisionRecord[]> SealAsync(IDnaStore store, int count)
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(1));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 0 }, time);
        await ledger.OpenAsync();
        var records = new DecisionRecord[count];
        for (int i = 0; i < count; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(2));
            records[i] = await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
        }

        return records;
    }

    /// <summary>Seals given drafts in a scratch in-memory store, all queued before the first commit (one group commit).</summary>
    private static async Task<DecisionRecord[]> SealDetachedAsync(DecisionDraft[] drafts)
    {
        await using var scratch = new InMemoryDnaStore();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(4));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 14, 0, 0, TimeSpan.Zero));
        await using var ledger = new DnaLedger(scratch, signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0, MaxBatchSize = 512 }, time);
        await ledger.OpenAsync();
        DecisionRecord[] records = await Task.WhenAll(drafts.Select(d => ledger.AppendAsync(d).AsTask()));
        return [.. records.OrderBy(r => r.Sequence)];
    }

    /// <summary>Seals a chain in a scratch in-memory store (records not yet in the store under test).</summary>
    private static async Task<DecisionRecord[]> SealDetachedAsync(int count, int seed = 2)
    {
        await using var scratch = new InMemoryDnaStore();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(seed));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 13, 0, 0, TimeSpan.Zero).AddMinutes(seed));
        await using var ledger = new DnaLedger(scratch, signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0 }, time);
        await ledger.OpenAsync();
        var records = new DecisionRecord[count];
        for (int i = 0; i < count; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(2));
            records[i] = await ledger.AppendAsync(LedgerHarness.SampleDraft((seed * 1000) + i));
        }

        return records;
    }
}
