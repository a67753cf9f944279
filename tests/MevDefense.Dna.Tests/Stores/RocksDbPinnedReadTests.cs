using MevDefense.Dna.Internal;
using RocksDbSharp;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>The pinned point read the RocksDB store uses for Merkle pages and nodes: length, prefix copy, absence.</summary>
public sealed class RocksDbPinnedReadTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mevdefense-rocks-pin-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Read_CopiesValueOrPrefix_ReturnsFullLength_MinusOneWhenAbsent_FromMemtableAndFromSst()
    {
        var families = new ColumnFamilies();
        families.Add("pages", new ColumnFamilyOptions());
        using RocksDb db = RocksDb.Open(new DbOptions().SetCreateIfMissing(true).SetCreateMissingColumnFamilies(true), _dir, families);
        ColumnFamilyHandle pages = db.GetColumnFamily("pages");
        var options = new ReadOptions();
        byte[] value = [.. Enumerable.Range(0, 100).Select(i => (byte)(i * 7))];
        db.Put(new byte[] { 1, 2, 3 }, value, pages);
        db.Put(new byte[] { 4 }, Array.Empty<byte>(), pages);

        for (int pass = 0; pass < 2; pass++)
        {
            byte[] whole = new byte[128];
            Assert.Equal(100, RocksDbPinnedRead.Read(db, options, pages, [1, 2, 3], whole));
            Assert.Equal(value, whole[..100]);
            Assert.All(whole[100..], b => Assert.Equal(0, b));

            byte[] prefix = new byte[10];
            Assert.Equal(100, RocksDbPinnedRead.Read(db, options, pages, [1, 2, 3], prefix));
            Assert.Equal(value[..10], prefix);

            Assert.Equal(0, RocksDbPinnedRead.Read(db, options, pages, [4], prefix));
            Assert.Equal(-1, RocksDbPinnedRead.Read(db, options, pages, [1, 2], whole));
            Assert.Equal(-1, RocksDbPinnedRead.Read(db, options, db.GetDefaultColumnFamily(), [1, 2, 3], whole)); // other family

            db.Flush(new FlushOptions().SetWaitForFlush(true)); // second pass reads the SST through the block cache
            Native.Instance.rocksdb_flush_cf(db.Handle, new FlushOptions().SetWaitForFlush(true).Handle, pages.Handle);
        }
    }
}
