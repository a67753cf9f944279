using MevDefense.Crypto;
using MevDefense.Detection.Scenarios;
using MevDefense.Ingest.Shredding;
using MevDefense.Wire;

namespace MevDefense.LoadTest;

/// <summary>Generated slots (real signed transactions with labelled MEV), entry batches and the shreds a leader would send for them.</summary>
internal sealed class Workload : IDisposable
{
    private RingFeed? _feed;

    private Workload(ScenarioDataset data, Ed25519Keypair leader, List<byte[]> shreds, int batches, long entryBytes)
    {
        Data = data;
        Leader = leader;
        Shreds = shreds;
        Batches = batches;
        EntryBytes = entryBytes;
    }

    public ScenarioDataset Data { get; }

    public Ed25519Keypair Leader { get; }

    /// <summary>Shreds in send order: slot by slot, FEC set by FEC set (data then coding).</summary>
    public List<byte[]> Shreds { get; }

    public int Batches { get; }

    public long EntryBytes { get; }

    public int Transactions { get; private set; }

    /// <summary>Gets the shreds laid out as the receive ring holds them. Built once, on first use, and shared by every pass: a
    /// new 140 MB slab per pass made the passes pay for gen-2 collections of the harness's own making.</summary>
    public RingFeed Feed => _feed ??= new RingFeed(Shreds);

    public static Workload Create(int seed, int slots, int transactionsPerSlot, int transactionsPerEntry, int entriesPerBatch)
    {
        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = seed, Slots = slots, BackgroundTransactionsPerSlot = transactionsPerSlot });
        var data = generator.Generate();
        var leader = Ed25519Keypair.FromSeed(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));
        var shredder = new MerkleShredder(leader, shredVersion: 50093);
        var shreds = new List<byte[]>();
        int batches = 0, txCount = 0;
        long entryBytes = 0;
        var parentRoot = default(Hash);
        ulong parent = data.Slots.Count > 0 ? data.Slots[0].Slot - 1 : 0;
        foreach (var slot in data.Slots)
        {
            var state = new ShredderSlotState(slot.Slot, parent, parentRoot);
            var txs = slot.Transactions.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Select(t => Transaction.Parse(t.Wire)).ToList();
            txCount += txs.Count;
            var entries = txs.Chunk(transactionsPerEntry).Select((c, i) => new Entry(1, default, c)).ToList();
            var groups = entries.Chunk(entriesPerBatch).ToList();
            if (groups.Count == 0)
            {
                groups.Add([new Entry(1, default, [])]);
            }

            for (int g = 0; g < groups.Count; g++)
            {
                var bytes = EntryWriter.Write(groups[g]);
                entryBytes += bytes.Length;
                shredder.Shred(state, bytes, lastInSlot: g == groups.Count - 1, referenceTick: Math.Min(63, g), shreds);
                batches++;
            }

            parentRoot = state.ChainedMerkleRoot;
            parent = slot.Slot;
        }

        return new Workload(data, leader, shreds, batches, entryBytes) { Transactions = txCount };
    }

    public void Dispose() => Leader.Dispose();
}
