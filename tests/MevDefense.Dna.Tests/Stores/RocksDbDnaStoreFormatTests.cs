using System.Runtime.InteropServices;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Merkle;
using MevDefense.Dna.Stores;
using Microsoft.Extensions.Time.Testing;
using RocksDbSharp;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>The on-disk formats of the RocksDB store: version 2 keeps levels 0..3 of the Merkle tree in 16-leaf pages and must give
/// the same guarantees as version 1's one entry per node (tampering found with the first covered sequence, a bad border fails the
/// open, a lost border is rebuilt); version-1 stores stay version 1; builds before version 2 cannot open a version-2 store.</summary>
public sealed class RocksDbDnaStoreFormatTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mevdefense-rocks-f-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task PagedFormats_TamperedPages_VerifyNamesFirstCoveredSequence_BorderPageFailsOpen_MissingPageRebuilt(int format)
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(43));
        var options = new DnaLedgerOptions { CheckpointEveryRecords = 0 };
        var verifier = new DnaVerifier([signer.PublicKey], options.Origin);
        Hash root;
        byte[] page1;
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = _dir, CreateFormatVersion = format }))
        {
            Assert.Equal(format, store.FormatVersion);
            await using var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider());
            await ledger.OpenAsync();
            for (int i = 0; i < 40; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            root = (await ledger.CheckpointAsync()).RootHash;
            Assert.True((await verifier.VerifyAsync(store)).IsValid);
            page1 = store.TamperReadPage(1)!;
            Assert.Equal(MerklePageCodec.FullBytes, page1.Length);
            Assert.Equal(MerklePageCodec.NodeCount(8) * 32, store.TamperReadPage(2)!.Length); // 40 = 2 pages + 8 leaves

            // One node inside a complete page (level 1, index 9: records 18..19).
            store.TamperPutNode(1, 9, new byte[32]);
            DnaVerificationResult result = await verifier.VerifyAsync(store);
            Assert.False(result.IsValid);
            Assert.Equal(18UL, result.FirstBadSequence);
            Assert.Contains("Merkle node (level 1, index 9)", result.Failure, StringComparison.Ordinal);

            // One flipped byte in a leaf of page 0 (leaf 5).
            store.TamperPutPage(1, page1);
            byte[] page0 = store.TamperReadPage(0)!;
            page0[(5 * 32) + 3] ^= 0x01;
            store.TamperPutPage(0, page0);
            result = await verifier.VerifyAsync(store);
            Assert.Equal(5UL, result.FirstBadSequence);
            page0[(5 * 32) + 3] ^= 0x01;
            store.TamperPutPage(0, page0);

            // A page cut short is no page: its nodes are missing.
            store.TamperPutPage(1, page1[..^1]);
            result = await verifier.VerifyAsync(store);
            Assert.Equal(16UL, result.FirstBadSequence);
            Assert.Contains("missing", result.Failure, StringComparison.Ordinal);

            store.TamperDeleteNode(0, 20); // deletes page 1
            result = await verifier.VerifyAsync(store);
            Assert.Equal(16UL, result.FirstBadSequence);
            Assert.Contains("Merkle node (level 0, index 16) is missing", result.Failure, StringComparison.Ordinal);

            store.TamperPutPage(1, page1);
            Assert.True((await verifier.VerifyAsync(store)).IsValid);

            // Size 40 = 32 + 8: node (3, 4) over records 32..39 is on the border and in the partial page 2.
            store.TamperPutNode(3, 4, new byte[32]);
            await using var broken = new DnaLedger(store, signer, options, new FakeTimeProvider());
            InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => broken.OpenAsync());
            Assert.Contains("checkpoint", ex.Message, StringComparison.Ordinal);

            // A missing border page makes the store rebuild its nodes from the records.
            store.TamperDeleteNode(3, 4);
        }

        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            Assert.True((await verifier.VerifyAsync(store)).IsValid);
            await using var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider());
            await ledger.OpenAsync();
            Assert.Equal(root, ledger.GetRootHash(40));

            // The rebuilt partial page continues: appends across the page boundary still verify after a reopen.
            for (int i = 40; i < 53; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }
        }

        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            DnaVerificationResult result = await verifier.VerifyAsync(store);
            Assert.True(result.IsValid, result.Failure);
            Assert.Equal(53UL, result.RecordCount);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReopenedTree_PointAndRangeReads_MatchTheInMemoryTree(int format)
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(44));
        const int Count = 77;
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = _dir, CreateFormatVersion = format }))
        {
            await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 0 }, new FakeTimeProvider());
            await ledger.OpenAsync();
            for (int i = 0; i < Count; i += 5)
            {
                await Task.WhenAll(Enumerable.Range(i, Math.Min(5, Count - i)).Select(j => ledger.AppendAsync(LedgerHarness.SampleDraft(j)).AsTask()));
            }
        }

        await using RocksDbDnaStore reopened = await RocksDbDnaStore.OpenAsync(_dir);
        Assert.Equal(format, reopened.FormatVersion);
        var expected = new MerkleTree();
        await foreach (DnaStoredRecord raw in reopened.ReadRawRangeAsync(0, Count))
        {
            expected.AppendLeaf(raw.Bytes.Span);
        }

        // Without a range reader every stored node is a point read (through the page cache in format 2); with one (a budget that
        // keeps every level resident) the levels are loaded in runs.
        var pointReads = new MerkleTree(Rfc6962Hasher.Sha256, Count, reopened.TryReadMerkleNode, null, 0);
        var rangeReads = new MerkleTree(Rfc6962Hasher.Sha256, Count, reopened.TryReadMerkleNode, reopened, 1 << 20);
        Assert.Equal(0, rangeReads.ResidentLevel);
        for (ulong size = 1; size <= Count; size += 7)
        {
            for (ulong index = 0; index < size; index++)
            {
                byte[][] want = expected.GetInclusionProof(index, size);
                Assert.Equal(want, pointReads.GetInclusionProof(index, size));
                Assert.Equal(want, rangeReads.GetInclusionProof(index, size));
            }

            Assert.Equal(expected.GetConsistencyProof(1 + (size / 2), size), pointReads.GetConsistencyProof(1 + (size / 2), size));
        }

        byte[] node = new byte[32];
        Assert.False(reopened.TryReadMerkleNode(0, Count, node));
        Assert.False(reopened.TryReadMerkleNode(3, Count / 8, node));
        Assert.True(reopened.TryReadMerkleNode(3, (Count / 8) - 1, node));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task TransactionLookup_SignaturesSharingTheFirst8Bytes_ReturnOnlyTheirOwnRecords(int format)
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(46));
        byte[] a = Enumerable.Range(0, 64).Select(i => (byte)(i + 1)).ToArray();
        byte[] b = (byte[])a.Clone();
        b[63] ^= 0xFF; // same first 8 bytes (format 2's key prefix), a different signature
        byte[] c = (byte[])a.Clone();
        c[8] ^= 0x01;
        var sigA = new Signature(a);
        var sigB = new Signature(b);
        var sigC = new Signature(c);
        await using RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = _dir, CreateFormatVersion = format });
        await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 0 }, new FakeTimeProvider());
        await ledger.OpenAsync();
        DecisionRecord ra = await ledger.AppendAsync(LedgerHarness.SampleDraft(1) with { Transactions = [sigA] });
        DecisionRecord rb = await ledger.AppendAsync(LedgerHarness.SampleDraft(2) with { Transactions = [sigB, sigC] });
        DecisionRecord rab = await ledger.AppendAsync(LedgerHarness.SampleDraft(3) with { Transactions = [sigC, sigA] });
        async Task<ulong[]> Lookup(Signature s)
        {
            var found = new List<ulong>();
            await foreach (DecisionRecord r in store.GetByTransactionAsync(s))
            {
                found.Add(r.Sequence);
            }

            return [.. found];
        }

        Assert.Equal([ra.Sequence, rab.Sequence], await Lookup(sigA));
        Assert.Equal([rb.Sequence], await Lookup(sigB));
        Assert.Equal([rb.Sequence, rab.Sequence], await Lookup(sigC));
        b[0] ^= 0x80;
        Assert.Empty(await Lookup(new Signature(b)));
    }

    [Fact]
    public async Task Format1Store_StaysFormat1_AcrossReopensAndAppends_Format2IsMarked_OldBuildsCannotOpenFormat2()
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(45));
        var options = new DnaLedgerOptions { CheckpointEveryRecords = 0 };
        string v1 = Path.Combine(_dir, "v1");
        string v2 = Path.Combine(_dir, "v2");
        for (int round = 0; round < 3; round++)
        {
            // The first round creates the store; later rounds reopen it with the default options (which would create format 2).
            await using RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(round == 0 ? new RocksDbDnaStoreOptions { Path = v1, CreateFormatVersion = 1 } : new RocksDbDnaStoreOptions { Path = v1 });
            Assert.Equal(1, store.FormatVersion);
            Assert.Null(store.TamperReadPage(0));
            await using var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider());
            await ledger.OpenAsync();
            for (int i = 0; i < 11; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft((round * 11) + i));
            }

            DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], options.Origin).VerifyAsync(store);
            Assert.True(result.IsValid, result.Failure);
            Assert.Equal((ulong)(11 * (round + 1)), result.RecordCount);
        }

        Assert.True(RocksDb.TryListColumnFamilies(new DbOptions(), v1, out string[]? v1Families));
        Assert.DoesNotContain("pages", v1Families!);

        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = v2, CreateFormatVersion = 2 }))
        {
            Assert.Equal(2, store.FormatVersion);
        }

        // New stores are format 3 (marker 3, which a format-2 build refuses: it accepts only its own marker).
        string v3 = Path.Combine(_dir, "v3");
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(v3))
        {
            Assert.Equal(3, store.FormatVersion);
        }

        using (RocksDb raw = RocksDb.Open(new DbOptions(), v3, WithPages(Families())))
        {
            Assert.Equal([(byte)3], raw.Get("format"u8.ToArray(), raw.GetColumnFamily("meta")));
        }

        // What a build before format 2 does: open with its fixed column families. RocksDB refuses (the pages family was not given),
        // so such a build can never write one-entry-per-node leaves next to pages.
        ColumnFamilies oldFamilies = Families();

        Assert.ThrowsAny<RocksDbException>(() => RocksDb.Open(new DbOptions().SetCreateIfMissing(true).SetCreateMissingColumnFamilies(true), v2, oldFamilies).Dispose());
        using (RocksDb raw = RocksDb.Open(new DbOptions(), v2, WithPages(oldFamilies)))
        {
            Assert.Equal([(byte)2], raw.Get("format"u8.ToArray(), raw.GetColumnFamily("meta")));
            raw.Put("format"u8.ToArray(), new byte[] { 9 }, raw.GetColumnFamily("meta"));
        }

        InvalidDataException newer = await Assert.ThrowsAsync<InvalidDataException>(() => RocksDbDnaStore.OpenAsync(v2));
        Assert.Contains("format version 9", newer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlotIndex_Format2OneEntryPerRecord_Format3OneEntryPerSlotAndBatch_LookupsExactAcrossReopensAndFormats()
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(47));
        var options = new DnaLedgerOptions { CheckpointEveryRecords = 0 };
        foreach (int format in new[] { 2, 3 })
        {
            string path = Path.Combine(_dir, "slots" + format);
            var expected = new Dictionary<ulong, List<ulong>>();
            for (int round = 0; round < 3; round++)
            {
                // Later rounds reopen with the default options (which would create format 3): the store keeps its format.
                await using RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(round == 0 ? new RocksDbDnaStoreOptions { Path = path, CreateFormatVersion = format } : new RocksDbDnaStoreOptions { Path = path });
                Assert.Equal(format, store.FormatVersion);
                await using var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider());
                await ledger.OpenAsync();

                // Concurrent appends share batches; slots repeat within a batch, across batches and across rounds.
                DecisionRecord[] appended = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
                    ledger.AppendAsync(LedgerHarness.SampleDraft((round * 60) + i) with { Slot = 500UL + (ulong)((i * 7) % 9) }).AsTask()));
                foreach (DecisionRecord r in appended)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(expected, r.Slot, out _) ??= [];
                    expected[r.Slot].Add(r.Sequence);
                }

                foreach ((ulong slot, List<ulong> sequences) in expected)
                {
                    Assert.Equal(sequences.Order(), await store.GetBySlotAsync(slot).Select(r => r.Sequence).ToListAsync());
                }

                Assert.Empty(await store.GetBySlotAsync(499).ToListAsync());
                Assert.Empty(await store.GetBySlotAsync(509).ToListAsync());
                DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], options.Origin).VerifyAsync(store);
                Assert.True(result.IsValid, result.Failure);
            }

            // On disk: format 2 keeps one entry per record with an empty value; format 3 one per slot and batch.
            int entries = 0;
            int grouped = 0;
            using (RocksDb raw = RocksDb.Open(new DbOptions(), path, WithPages(Families())))
            using (Iterator it = raw.NewIterator(raw.GetColumnFamily("slots")))
            {
                for (it.SeekToFirst(); it.Valid(); it.Next())
                {
                    entries++;
                    grouped += it.GetValueSpan().IsEmpty ? 0 : 1;
                }
            }

            if (format == 2)
            {
                Assert.Equal(180, entries);
                Assert.Equal(0, grouped);
            }
            else
            {
                Assert.InRange(entries, 27, 179); // at least one entry per slot and round (9 x 3)
                Assert.True(grouped > 0);
            }
        }
    }

    [Fact]
    public async Task Format3_MalformedSlotGroup_LookupThrowsFormatException()
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(48));
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 0 }, new FakeTimeProvider());
            await ledger.OpenAsync();
            await ledger.AppendAsync(LedgerHarness.SampleDraft(0) with { Slot = 7 });
        }

        using (RocksDb raw = RocksDb.Open(new DbOptions(), _dir, WithPages(Families())))
        {
            byte[] key = new byte[16];
            key[7] = 7; // slot 7, first sequence 0
            raw.Put(key, new byte[] { 0x80 }, raw.GetColumnFamily("slots")); // a truncated difference
        }

        await using RocksDbDnaStore reopened = await RocksDbDnaStore.OpenAsync(_dir);
        await Assert.ThrowsAsync<FormatException>(async () => await reopened.GetBySlotAsync(7).ToListAsync());
    }

    private static ColumnFamilies Families()
    {
        var families = new ColumnFamilies();
        foreach (string name in new[] { "records", "ids", "slots", "txs", "checkpoints", "anchors", "meta", "nodes" })
        {
            families.Add(name, new ColumnFamilyOptions());
        }

        return families;
    }

    private static ColumnFamilies WithPages(ColumnFamilies families)
    {
        families.Add("pages", new ColumnFamilyOptions());
        return families;
    }
}
