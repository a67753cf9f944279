using RocksDbSharp;

namespace MevDefense.Dna.Internal;

/// <summary>
/// Point reads through RocksDB's pinnable slice (<c>rocksdb_get_pinned_cf</c>): the value is copied once, from the block cache
/// (or memtable) straight into the caller's buffer. <c>RocksDb.Get</c> instead has RocksDB copy it into a malloc'd string, then
/// copies that into a new managed array and frees the string.
/// </summary>
internal static class RocksDbPinnedRead
{
    /// <summary>Copies the value stored under <paramref name="key"/> into <paramref name="destination"/>.</summary>
    /// <returns>The value's length (which may exceed <paramref name="destination"/>'s: then only its first bytes were copied), or
    /// -1 when the key is absent.</returns>
    /// <exception cref="RocksDbException">RocksDB reported an error (for example a corrupt block).</exception>
    public static unsafe int Read(RocksDbSharp.RocksDb db, ReadOptions options, ColumnFamilyHandle family, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        nint slice;
        nint error;
        fixed (byte* k = key)
        {
            slice = Native.Instance.rocksdb_get_pinned_cf(db.Handle, options.Handle, family.Handle, k, (nuint)key.Length, out error);
        }

        if (error != 0)
        {
            throw new RocksDbException(error);
        }

        if (slice == 0)
        {
            return -1;
        }

        try
        {
            nint value = Native.Instance.rocksdb_pinnableslice_value(slice, out nuint length);
            int copied = (int)Math.Min((nuint)destination.Length, length);
            new ReadOnlySpan<byte>((void*)value, copied).CopyTo(destination);
            return checked((int)length);
        }
        finally
        {
            Native.Instance.rocksdb_pinnableslice_destroy(slice);
        }
    }
}
