namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// A <see cref="FixedBaseTable"/> in the layout <see cref="LanePointPair"/> loads: each entry is 30 32-bit words, for every
/// radix-2^25.5 limb i the triple (y - x, y + x, dxy)_i (dxy, half the radix-2^51 table's 2dxy, because the additions multiply
/// it by 2T), so one 16-byte load at word 3i gives the three values of limb i in
/// lanes 0..2 (lane 3 is the next limb's first word and is masked off). 120 bytes per entry, the same as the radix-2^51 table.
/// Entry 0 is the neutral element (y - x = y + x = 1, 2dxy = 0), used for zero digits, so the additions need no branch; the
/// table ends with one word of padding for the last entry's 16-byte load. Immutable.
/// </summary>
internal sealed class LaneTable
{
    /// <summary>32-bit words per entry.</summary>
    public const int EntryWords = 30;

    private LaneTable(int window, uint[] words)
    {
        Window = window;
        Words = words;
    }

    /// <summary>Window width w in bits.</summary>
    public int Window { get; }

    /// <summary>Number of windows (signed digits).</summary>
    public int Digits => Scalar25519.DigitCount(Window);

    /// <summary>The words: the neutral entry, then window by window the entries for digits 1..2^(w-1), then 4 words of padding.</summary>
    internal uint[] Words { get; }

    /// <summary>Memory held by the entries, in bytes.</summary>
    public int SizeInBytes => Words.Length * sizeof(uint);

    /// <summary>The word offset of the entry for |digit| in window <paramref name="window"/> (0, the neutral entry, for digit 0).</summary>
    public int Offset(int window, int digit)
    {
        int j = digit < 0 ? -digit : digit;
        return j == 0 ? 0 : (1 + (window << (Window - 1)) + j - 1) * EntryWords;
    }

    /// <summary>Converts a radix-2^51 table (same points, same order).</summary>
    public static LaneTable From(FixedBaseTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        ReadOnlySpan<ulong> entries = table.Entries;
        int count = entries.Length / NielsPoint.Limbs;
        var words = new uint[((count + 1) * EntryWords) + 4];
        words[0] = 1;                                  // neutral: y - x = 1
        words[1] = 1;                                  // y + x = 1, 2dxy = 0
        FieldElement half = FieldElement.FromBigInteger((FieldElement.P + 1) / 2);
        for (int e = 0; e < count; e++)
        {
            ReadOnlySpan<ulong> q = entries.Slice(e * NielsPoint.Limbs, NielsPoint.Limbs);
            FieldElement.Mul(out FieldElement dxy, new FieldElement { L0 = q[10], L1 = q[11], L2 = q[12], L3 = q[13], L4 = q[14] }, half);
            FieldElement.Canonical(out dxy, dxy);
            Span<uint> w = words.AsSpan((e + 1) * EntryWords, EntryWords);
            for (int k = 0; k < 5; k++)
            {
                FieldVector8.Split(q[5 + k], out w[6 * k], out w[(6 * k) + 3]);         // y - x
                FieldVector8.Split(q[k], out w[(6 * k) + 1], out w[(6 * k) + 4]);       // y + x
                FieldVector8.Split(k switch { 0 => dxy.L0, 1 => dxy.L1, 2 => dxy.L2, 3 => dxy.L3, _ => dxy.L4 }, out w[(6 * k) + 2], out w[(6 * k) + 5]);  // dxy
            }
        }

        return new LaneTable(table.Window, words);
    }
}
