using System.Buffers.Binary;
using System.Text;

namespace MevDefense.Trainer;

/// <summary>
/// Makes libLibTorchSharp.so load on Debian 12 (libstdc++ GLIBCXX_3.4.30): the library's only GLIBCXX_3.4.32
/// symbol is <c>std::ios_base_library_init</c>, which is never called, so the version requirement is marked
/// VER_FLG_WEAK in the ELF SHT_GNU_verneed section (see shared/PACKAGES.md). Idempotent; run before TorchSharp loads.
/// </summary>
internal static class GlibcxxPatch
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    public static int PatchAll(string directory)
    {
        var patched = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            patched += Patch(file, "GLIBCXX_3.4.32") ? 1 : 0;
        }

        return patched;
    }

    public static bool Patch(string path, string version)
    {
        var b = File.ReadAllBytes(path);
        if (b.Length < 64 || b[0] != 0x7F || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
        {
            throw new FormatException($"{path} is not a little-endian ELF64 file.");
        }

        var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(0x28));
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(0x3A));
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(0x3C));
        var changed = false;
        for (var s = 0; s < shnum; s++)
        {
            var sh = b.AsSpan(shoff + (s * shentsize));
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed)
            {
                continue;
            }

            var link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[40..]);
            var strOff = (int)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(shoff + (link * shentsize) + 24));
            var off = (int)BinaryPrimitives.ReadUInt64LittleEndian(sh[24..]);
            while (true)
            {
                var cnt = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(off + 2));
                var aux = off + (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(off + 8));
                var next = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(off + 12));
                for (var i = 0; i < cnt; i++)
                {
                    var flags = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(aux + 4));
                    var name = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(aux + 8));
                    var start = strOff + name;
                    var end = Array.IndexOf(b, (byte)0, start);
                    if (Encoding.ASCII.GetString(b, start, end - start) == version && (flags & VerFlgWeak) == 0)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(aux + 4), (ushort)(flags | VerFlgWeak));
                        changed = true;
                    }

                    var auxNext = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(aux + 12));
                    if (auxNext == 0)
                    {
                        break;
                    }

                    aux += auxNext;
                }

                if (next == 0)
                {
                    break;
                }

                off += next;
            }
        }

        if (changed)
        {
            File.WriteAllBytes(path, b);
        }

        return changed;
    }
}
