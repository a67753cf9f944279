using MevDefense.Dna.Checkpoints;
using MevDefense.Dna.Merkle;
using MevDefense.Dna.Stores;

namespace MevDefense.Dna.Tests.Ledger;

public sealed class DnaLedgerTests
{
    [Fact]
    public async Task Append_ChainsRecords_AndVerifierAcceptsTheStore()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 25);
        Assert.Equal(25UL, h.Ledger.Count);
        DecisionRecord? first = await h.Store.GetBySequenceAsync(0);
        DecisionRecord? second = await h.Store.GetBySequenceAsync(1);
        Assert.True(first!.ParentHash.IsZero);
        Assert.Equal(first.ChainHash, second!.ParentHash);
        await h.Ledger.CheckpointAsync();
        DnaVerificationResult result = await h.Verifier().VerifyAsync(h.Store);
        Assert.True(result.IsValid, result.Failure);
        Assert.Equal(25UL, result.RecordCount);
        Assert.Equal(1, result.CheckpointsVerified);
    }

    [Fact]
    public async Task Store_IndexesByIdSlotAndTransaction()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 9);
        DecisionRecord r = (await h.Store.GetBySequenceAsync(4))!;
        Assert.Equal(4UL, (await h.Store.GetByIdAsync(r.Id))!.Sequence);
        Assert.Contains(await h.Store.GetBySlotAsync(r.Slot).Select(x => x.Sequence).ToListAsync(), s => s == 4);
        Assert.Equal([4UL], await h.Store.GetByTransactionAsync(r.Transactions[0]).Select(x => x.Sequence).ToListAsync());
        Assert.Null(await h.Store.GetByIdAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Receipt_IsC2spTlogProof_VerifiableOffline()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 13);
        DecisionRecord r = (await h.Store.GetBySequenceAsync(6))!;
        TlogProof receipt = await h.Ledger.GetReceiptAsync(6);
        string text = receipt.ToString();
        Assert.StartsWith("c2sp.org/tlog-proof@v1\nindex 6\n", text, StringComparison.Ordinal);
        TlogProof parsed = TlogProof.Parse(text);
        Assert.Null(parsed.Verify(r.ToCanonicalBytes(), [h.Ledger.CheckpointVerifier], h.Ledger.Origin));
        byte[] other = (await h.Store.GetBySequenceAsync(7))!.ToCanonicalBytes();
        Assert.NotNull(parsed.Verify(other, [h.Ledger.CheckpointVerifier], h.Ledger.Origin));
        using DnaSigner stranger = DnaSigner.FromSeed(LedgerHarness.Seed(77));
        Assert.NotNull(parsed.Verify(r.ToCanonicalBytes(), [new NoteVerifier(h.Ledger.Origin, stranger.PublicKey)], h.Ledger.Origin));
    }

    [Fact]
    public async Task Checkpoints_AreConsistentWithEachOther()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 10);
        DnaCheckpoint a = await h.Ledger.CheckpointAsync();
        for (int i = 10; i < 37; i++)
        {
            await h.AppendSampleAsync(i);
        }

        DnaCheckpoint b = await h.Ledger.CheckpointAsync();
        byte[][] proof = h.Ledger.GetConsistencyProof(a.Size, b.Size);
        Assert.True(MerkleVerifier.VerifyConsistency(Rfc6962Hasher.Sha256, a.Size, b.Size, [.. proof.Select(p => (ReadOnlyMemory<byte>)p)], a.RootHash.AsSpan(), b.RootHash.AsSpan()));
        Assert.Equal(2, await h.Store.ReadCheckpointsAsync().CountAsync());
        Assert.Equal(b, await h.Ledger.CheckpointAsync()); // nothing new: same checkpoint
    }

    [Fact]
    public async Task AutomaticCheckpoints_FollowTheConfiguredInterval()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 21, options: new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 10 });
        var sizes = await h.Store.ReadCheckpointsAsync().Select(c => c.Size).ToListAsync();
        Assert.Equal([10UL, 20UL], sizes);
    }

    [Fact]
    public async Task Reopen_ContinuesTheChain_AndRebuildsTheTree()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 17);
        Hash root = h.Ledger.GetRootHash(17);
        await using var reopened = new DnaLedger(h.Store, h.Signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0 }, h.Time);
        await reopened.OpenAsync();
        Assert.Equal(17UL, reopened.Count);
        Assert.Equal(root, reopened.GetRootHash(17));
        DecisionRecord next = await reopened.AppendAsync(LedgerHarness.SampleDraft(17));
        Assert.Equal(17UL, next.Sequence);
        Assert.True((await h.Verifier().VerifyAsync(h.Store)).IsValid);
    }

    [Fact]
    public async Task Open_OnTamperedStore_NamesTheBrokenSequence()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 8);
        h.Store.TamperSwap(3, 5);
        await using var reopened = new DnaLedger(h.Store, h.Signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory }, h.Time);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => reopened.OpenAsync());
        Assert.Contains("sequence 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentAppends_AreGroupCommitted_AndChainStaysValid()
    {
        var store = new CountingStore();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(2));
        await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0, MaxBatchSize = 64 });
        await ledger.OpenAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) => await ledger.AppendAsync(LedgerHarness.SampleDraft(i), ct));
        Assert.Equal(400UL, ledger.Count);
        Assert.Equal(400, store.Records);
        Assert.True(store.Batches <= 400);
        var result = await new DnaVerifier([signer.PublicKey], ledger.Origin).VerifyAsync(store);
        Assert.True(result.IsValid, result.Failure);
        var sequences = await store.ReadRangeAsync(0, 1000).Select(r => r.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (ulong)i), sequences);
    }

    [Fact]
    public async Task CancelledAppends_AreEitherNotWrittenOrAcknowledged()
    {
        var store = new CountingStore();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(2));
        await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 3, MaxBatchSize = 8 });
        await ledger.OpenAsync();
        int acknowledged = 0;
        var acknowledgedIds = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            using var cts = new CancellationTokenSource();
            if (i % 3 == 0)
            {
                cts.Cancel();
            }

            try
            {
                DecisionRecord r = await ledger.AppendAsync(LedgerHarness.SampleDraft(i), cts.Token);
                acknowledgedIds.Add(r.Id);
                Interlocked.Increment(ref acknowledged);
            }
            catch (OperationCanceledException)
            {
            }
        });

        Assert.Equal((ulong)acknowledged, ledger.Count);
        Assert.True(acknowledged >= 200);
        var stored = await store.ReadRangeAsync(0, 1000).Select(r => r.Id).ToListAsync();
        Assert.Equal(acknowledgedIds.Order(), stored.Order());
        Assert.True((await new DnaVerifier([signer.PublicKey], ledger.Origin).VerifyAsync(store)).IsValid);
    }

    [Fact]
    public async Task StoreFailure_IsNotAcknowledged_AndFaultsTheLedger()
    {
        var store = new CountingStore { FailAfter = 3 };
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(2));
        await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0 });
        await ledger.OpenAsync();
        for (int i = 0; i < 3; i++)
        {
            await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
        }

        await Assert.ThrowsAsync<IOException>(async () => await ledger.AppendAsync(LedgerHarness.SampleDraft(3)));
        Assert.False(ledger.IsWritable);
        Assert.False(await ledger.ProbeAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await ledger.AppendAsync(LedgerHarness.SampleDraft(4)));
        Assert.Equal(3UL, ledger.Count);

        store.FailAfter = int.MaxValue;
        await using var reopened = new DnaLedger(store, signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0 });
        await reopened.OpenAsync();
        Assert.True(reopened.IsWritable);
        Assert.Equal(3UL, (await reopened.AppendAsync(LedgerHarness.SampleDraft(3))).Sequence);
    }

    [Fact]
    public async Task Detection_BecomesARecord()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var front = new Signature(LedgerHarness.Seed(1).Concat(LedgerHarness.Seed(2)).ToArray());
        var victim = new Signature(LedgerHarness.Seed(3).Concat(LedgerHarness.Seed(4)).ToArray());
        var detection = new DetectionEvent
        {
            Kind = DetectionKind.Sandwich,
            Slot = 123,
            Front = front,
            Victims = [victim],
            Confidence = 0.9,
            EstimatedVictimLoss = 42.5m,
            Detector = "rules/sandwich",
            Attacker = new Pubkey(LedgerHarness.Seed(5)),
            InputFingerprint = LedgerHarness.Seed(6),
        };
        await h.Ledger.OnDetectionAsync(detection);
        DecisionRecord r = (await h.Store.GetBySequenceAsync(0))!;
        Assert.Equal(DecisionEventTypes.SandwichDetected, r.EventType);
        Assert.Equal([front, victim], r.Transactions);
        Assert.Equal(new DecisionAmount("estimatedVictimLoss", 42.5m), r.Amounts.Single());
        Assert.Equal(LedgerHarness.Seed(6), r.InputFingerprint.ToArray());

        // A bad detection is not recorded and does not throw.
        await h.Ledger.OnDetectionAsync(detection with { Confidence = double.NaN });
        Assert.Equal(1UL, h.Ledger.Count);
    }

    [Fact]
    public async Task InvalidDraft_FailsOnlyThatAppend()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 2);
        await Assert.ThrowsAsync<ArgumentException>(async () => await h.Ledger.AppendAsync(new DecisionDraft { EventType = "" }));
        Assert.True(h.Ledger.IsWritable);
        Assert.Equal(2UL, (await h.AppendSampleAsync(2)).Sequence);
    }

    private sealed class CountingStore : IDnaStore
    {
        private readonly InMemoryDnaStore _inner = new();

        public int Batches { get; private set; }

        public int Records { get; private set; }

        public int FailAfter { get; set; } = int.MaxValue;

        public async ValueTask AppendAsync(IReadOnlyList<DecisionRecord> records, CancellationToken cancellationToken = default)
        {
            if (Records + records.Count > FailAfter)
            {
                throw new IOException("injected fdatasync failure");
            }

            await _inner.AppendAsync(records, cancellationToken);
            Batches++;
            Records += records.Count;
        }

        public ValueTask<DnaStoreHead> GetHeadAsync(CancellationToken cancellationToken = default) => _inner.GetHeadAsync(cancellationToken);

        public ValueTask<DecisionRecord?> GetBySequenceAsync(ulong sequence, CancellationToken cancellationToken = default) => _inner.GetBySequenceAsync(sequence, cancellationToken);

        public ValueTask<DecisionRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default) => _inner.GetByIdAsync(id, cancellationToken);

        public IAsyncEnumerable<DecisionRecord> GetBySlotAsync(ulong slot, CancellationToken cancellationToken = default) => _inner.GetBySlotAsync(slot, cancellationToken);

        public IAsyncEnumerable<DecisionRecord> GetByTransactionAsync(Signature transaction, CancellationToken cancellationToken = default) => _inner.GetByTransactionAsync(transaction, cancellationToken);

        public IAsyncEnumerable<DecisionRecord> ReadRangeAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken = default) => _inner.ReadRangeAsync(fromSequence, maxCount, cancellationToken);

        public IAsyncEnumerable<DnaStoredRecord> ReadRawRangeAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken = default) => _inner.ReadRawRangeAsync(fromSequence, maxCount, cancellationToken);

        public ValueTask AddCheckpointAsync(DnaCheckpoint checkpoint, CancellationToken cancellationToken = default) => _inner.AddCheckpointAsync(checkpoint, cancellationToken);

        public ValueTask<DnaCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) => _inner.GetLatestCheckpointAsync(cancellationToken);

        public IAsyncEnumerable<DnaCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) => _inner.ReadCheckpointsAsync(cancellationToken);

        public ValueTask AddAnchorReceiptAsync(DnaAnchorReceipt receipt, CancellationToken cancellationToken = default) => _inner.AddAnchorReceiptAsync(receipt, cancellationToken);

        public IAsyncEnumerable<DnaAnchorReceipt> ReadAnchorReceiptsAsync(CancellationToken cancellationToken = default) => _inner.ReadAnchorReceiptsAsync(cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
