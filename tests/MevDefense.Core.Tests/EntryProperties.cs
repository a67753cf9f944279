using FsCheck.Xunit;
using MevDefense.Wire;

namespace MevDefense.Core.Tests;

public class EntryProperties
{
    private static byte[] RandomBatch(int seed)
    {
        var rng = new Random(seed);
        var entries = new List<Entry>();
        for (int e = 0, n = rng.Next(0, 5); e < n; e++)
        {
            var txs = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => Transaction.Parse(Generators.SignedTransaction(rng.Next()))).ToArray();
            entries.Add(new Entry((ulong)rng.NextInt64(), new Hash(Generators.Bytes(rng, 32)), txs));
        }

        return EntryWriter.Write(entries);
    }

    [Property(MaxTest = 60)]
    public void WriteRead_RandomBatch_RoundTrips(int seed)
    {
        byte[] bytes = RandomBatch(seed);
        var batch = EntryReader.Read(bytes);
        Assert.Equal(bytes, EntryWriter.Write(batch.Entries));
        Assert.True(EntryBatchReader.TryCreate(bytes, out var reader, out _));
        int txs = 0;
        while (reader.TryReadEntry(out _))
        {
            while (reader.TryReadTransaction(out var tx))
            {
                Assert.True(tx.VerifySignatures());
                txs++;
            }
        }

        Assert.True(reader.IsComplete);
        Assert.Equal(batch.TransactionCount, txs);
        Assert.Equal(bytes.Length, reader.BytesConsumed);
    }

    [Property(MaxTest = 200)]
    public void Read_CorruptedBatch_OnlyFormatException(int seed, int position, byte xor)
    {
        byte[] bytes = RandomBatch(seed);
        bytes[(int)((uint)position % (uint)bytes.Length)] ^= xor == 0 ? (byte)0x80 : xor;
        try
        {
            _ = EntryReader.Read(bytes);
        }
        catch (FormatException)
        {
        }
    }

    [Property(MaxTest = 300)]
    public void TryRead_RandomBytes_NeverThrows(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _ = EntryReader.TryRead(data, out _, out _, out _);
        byte[] framed = [(byte)(data.Length % 3), 0, 0, 0, 0, 0, 0, 0, .. data];
        _ = EntryReader.TryRead(framed, out _, out _, out _);
    }

    [Fact]
    public void BlockMarker_RoundTripsAndIsNotAnError()
    {
        var marker = new BlockMarker(1, 1, new byte[40]);
        byte[] bytes = EntryWriter.Write(new EntryBatch([], marker));
        var batch = EntryReader.Read(bytes);
        Assert.True(batch.IsBlockMarker);
        Assert.Equal(1, batch.Marker!.Version);
        Assert.Equal(1, batch.Marker.Variant);
        Assert.Equal(40, batch.Marker.Payload.Length);
        Assert.Empty(batch.Entries);
        Assert.Equal(bytes, EntryWriter.Write(batch));
    }

    [Fact]
    public void EmptyBatch_IsEmptyNotMarker()
    {
        var batch = EntryReader.Read(new byte[8]);
        Assert.False(batch.IsBlockMarker);
        Assert.Empty(batch.Entries);
    }

    [Fact]
    public void TruncatedMarker_Rejected()
    {
        byte[] bytes = [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 10, 0, 1, 2];
        Assert.False(EntryReader.TryRead(bytes, out _, out _, out string? error));
        Assert.Contains("marker", error, StringComparison.Ordinal);
    }
}
