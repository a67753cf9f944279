using FsCheck;
using FsCheck.Xunit;
using MevDefense.Dna.Internal;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>Format 3's grouped index values (the further sequences of one slot in one batch, as varint differences): round trip,
/// arbitrary bytes never throw anything but <see cref="FormatException"/>, and a cut or changed value never decodes to the original
/// sequences.</summary>
public sealed class IndexGroupCodecProperties
{
    [Property(MaxTest = 300)]
    public bool Encode_Decode_RoundTrips(ulong first, ulong[] steps)
    {
        // Increasing sequences from `first`, differences of any size that still fit 64 bits.
        var sequences = new List<ulong> { first };
        foreach (ulong step in steps ?? [])
        {
            ulong previous = sequences[^1];
            ulong delta = 1 + (step % Math.Max(1, ulong.MaxValue - previous));
            if (previous == ulong.MaxValue || delta > ulong.MaxValue - previous)
            {
                break;
            }

            sequences.Add(previous + delta);
        }

        byte[] value = Encode(sequences);
        return Decode(first, value).SequenceEqual(sequences) && value.Length <= (sequences.Count - 1) * DnaStoreCodec.MaxIndexGroupDeltaBytes;
    }

    [Property(MaxTest = 500)]
    public bool ArbitraryBytes_DecodeOrThrowFormatException_Only(ulong first, byte[] value)
    {
        try
        {
            List<ulong> decoded = Decode(first, value ?? []);
            for (int i = 1; i < decoded.Count; i++)
            {
                if (decoded[i] <= decoded[i - 1])
                {
                    return false; // a decoded group always increases
                }
            }

            return true;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    [Property(MaxTest = 300)]
    public bool CutOrChangedValue_NeverDecodesToTheOriginal(ulong first, PositiveInt count, int seed, PositiveInt pick)
    {
        var random = new Random(seed);
        var sequences = new List<ulong> { first % (1UL << 62) };
        for (int i = 0; i < 1 + (count.Get % 40); i++)
        {
            sequences.Add(sequences[^1] + 1 + (ulong)random.Next(0, random.Next(2) == 0 ? 4 : 1 << 20));
        }

        byte[] value = Encode(sequences);
        byte[] changed = (byte[])value.Clone();
        changed[pick.Get % changed.Length] ^= (byte)(1 << random.Next(8));
        byte[] cut = value[..(pick.Get % value.Length)];
        return !Decodes(sequences[0], changed, sequences) && !Decodes(sequences[0], cut, sequences);
    }

    [Fact]
    public void Boundaries()
    {
        Span<byte> buffer = stackalloc byte[DnaStoreCodec.MaxIndexGroupDeltaBytes];
        Assert.Equal(1, DnaStoreCodec.WriteIndexGroupDelta(1, buffer));
        Assert.Equal(1, DnaStoreCodec.WriteIndexGroupDelta(127, buffer));
        Assert.Equal(2, DnaStoreCodec.WriteIndexGroupDelta(128, buffer));
        Assert.Equal(10, DnaStoreCodec.WriteIndexGroupDelta(ulong.MaxValue, buffer));
        Assert.Equal(ulong.MaxValue, Decode(0, buffer.ToArray())[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => DnaStoreCodec.WriteIndexGroupDelta(0, new byte[10]));

        Assert.Throws<FormatException>(() => Decode(0, [0x00])); // a zero difference
        Assert.Throws<FormatException>(() => Decode(0, [0x80])); // truncated
        Assert.Throws<FormatException>(() => Decode(1, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])); // past 2^64 - 1
        Assert.Throws<FormatException>(() => Decode(0, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02])); // 65 bits
        Assert.Throws<FormatException>(() => Decode(0, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])); // 11 bytes
        Assert.Equal([5UL, 6UL, 134UL], Decode(5, [0x01, 0x80, 0x01]));
    }

    private static byte[] Encode(List<ulong> sequences)
    {
        byte[] value = new byte[sequences.Count * DnaStoreCodec.MaxIndexGroupDeltaBytes];
        int n = 0;
        for (int i = 1; i < sequences.Count; i++)
        {
            n += DnaStoreCodec.WriteIndexGroupDelta(sequences[i] - sequences[i - 1], value.AsSpan(n));
        }

        return value[..n];
    }

    private static List<ulong> Decode(ulong first, byte[] value)
    {
        var sequences = new List<ulong> { first };
        ReadOnlySpan<byte> rest = value;
        while (!rest.IsEmpty)
        {
            sequences.Add(DnaStoreCodec.ReadIndexGroupNext(sequences[^1], ref rest));
        }

        return sequences;
    }

    private static bool Decodes(ulong first, byte[] value, List<ulong> expected)
    {
        try
        {
            return Decode(first, value).SequenceEqual(expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
