using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MevDefense.Crypto;
using MevDefense.Detection.Scenarios;
using MevDefense.Ingest.Shredding;
using MevDefense.Wire;

namespace MevDefense.SampleHost;

/// <summary>
/// Builds the bundled replay: realistic generated slots (honest traffic, votes, transfers, sandwiches, arbitrage, JIT,
/// back-runs, hard negatives; det-A's <see cref="ScenarioGenerator"/>) written as entries (Core's <see cref="EntryWriter"/>)
/// and shredded into chained Merkle 32:32 FEC sets signed by a sample leader key (Ingest's <see cref="MerkleShredder"/>),
/// stored as a length-prefixed shred file (<c>[u64 LE length][shred]</c>).
/// </summary>
internal static class ReplayBuilder
{
    public const ushort ShredVersion = 50093;
    private const int TransactionsPerEntry = 16;

    /// <summary>The sample leader (a fixed seed, so replay files stay verifiable across runs).</summary>
    public static Ed25519Keypair CreateLeader() => Ed25519Keypair.FromSeed(SHA256.HashData(Encoding.UTF8.GetBytes("mevdefense sample leader v1")));

    public static ScenarioDataset Generate(int seed, int slots) => ScenarioGenerator.Generate(new ScenarioOptions { Seed = seed, Slots = slots });

    /// <summary>Writes the dataset's slots as shreds; returns the number of shreds written.</summary>
    /// <remarks>Generated transactions that are not valid wire transactions (for example over the 1,232-byte packet limit) are
    /// skipped and counted in <paramref name="skipped"/>.</remarks>
    public static long WriteShredFile(ScenarioDataset dataset, Ed25519Keypair leader, string path, out int skipped)
    {
        skipped = 0;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + ".tmp";
        long count = 0;
        var shredder = new MerkleShredder(leader, ShredVersion);
        var datagrams = new List<byte[]>();
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> prefix = stackalloc byte[8];
            foreach (GeneratedSlot slot in dataset.Slots)
            {
                var valid = new List<Transaction>(slot.Transactions.Count);
                foreach (GeneratedTransaction t in slot.Transactions)
                {
                    if (Transaction.TryParse(t.Wire, out Transaction? tx))
                    {
                        valid.Add(tx);
                    }
                    else
                    {
                        skipped++;
                    }
                }

                var entries = new List<Entry>();
                for (int i = 0; i < valid.Count; i += TransactionsPerEntry)
                {
                    entries.Add(new Entry(12_500, PohHash(slot.Slot, i), valid.GetRange(i, Math.Min(TransactionsPerEntry, valid.Count - i))));
                }

                entries.Add(new Entry(12_500, PohHash(slot.Slot, -1), [])); // a tick
                byte[] batch = EntryWriter.Write(entries);
                datagrams.Clear();
                var state = new ShredderSlotState(slot.Slot, slot.Slot == 0 ? 0 : slot.Slot - 1);
                shredder.Shred(state, batch, lastInSlot: true, referenceTick: 63, datagrams);
                foreach (byte[] d in datagrams)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)d.Length);
                    file.Write(prefix);
                    file.Write(d);
                    count++;
                }
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        return count;
    }

    private static Hash PohHash(ulong slot, int index)
    {
        Span<byte> input = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(input, slot);
        BinaryPrimitives.WriteInt32LittleEndian(input[8..], index);
        return new Hash(SHA256.HashData(input));
    }
}
