namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// Fixed-base precomputation for one point P and window width w: for every window i in [0, ceil(254/w)) and j in [1, 2^(w-1)],
/// the affine point j * 2^(w*i) * P in <see cref="NielsPoint"/> form, stored flat (15 limbs each). A scalar multiple [s]P of a
/// scalar below 2^253 is then the sum of one table entry (or its negation) per nonzero signed digit of s: ceil(254/w) mixed
/// additions at most and no doublings. Size: ceil(254/w) * 2^(w-1) * 120 bytes (w = 6: 165,120 B; w = 7: 284,160 B;
/// w = 8: 491,520 B). Built with 2^(w-1) additions and one doubling per window and one batched inversion (Montgomery's trick).
/// Immutable after construction.
/// </summary>
internal sealed class FixedBaseTable
{
    private readonly ulong[] _entries;

    private FixedBaseTable(int window, ulong[] entries)
    {
        Window = window;
        _entries = entries;
    }

    /// <summary>Window width w in bits.</summary>
    public int Window { get; }

    /// <summary>Number of windows (signed digits).</summary>
    public int Digits => Scalar25519.DigitCount(Window);

    /// <summary>The entries, 15 fully reduced limbs each (y + x, y - x, 2dxy), window by window (<see cref="LaneTable"/> is built
    /// from them).</summary>
    internal ReadOnlySpan<ulong> Entries => _entries;

    /// <summary>Memory held by the entries, in bytes.</summary>
    public int SizeInBytes => _entries.Length * sizeof(ulong);

    /// <summary>Largest supported window (w = 11: 2,949,120 B).</summary>
    public const int MaxWindow = 11;

    /// <summary>Builds the table of <paramref name="p"/> for window width <paramref name="window"/> (2..<see cref="MaxWindow"/>).</summary>
    public static FixedBaseTable Build(in ExtendedPoint p, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, MaxWindow);
        int digits = Scalar25519.DigitCount(window);
        int perWindow = 1 << (window - 1);
        int count = digits * perWindow;
        var points = new ExtendedPoint[count];
        ExtendedPoint b = p;
        for (int i = 0; i < digits; i++)
        {
            int o = i * perWindow;
            points[o] = b;
            for (int j = 1; j < perWindow; j++)
            {
                ExtendedPoint.Add(out points[o + j], points[o + j - 1], b);
            }

            // Next window's base: 2^w * b = 2 * (2^(w-1) * b).
            ExtendedPoint.Double(out b, points[o + perWindow - 1]);
        }

        // Batched inversion of every Z: prefix products, one inversion, then walk back.
        var prefix = new FieldElement[count];
        FieldElement acc = FieldElement.One;
        for (int k = 0; k < count; k++)
        {
            prefix[k] = acc;
            FieldElement.Mul(out acc, acc, points[k].Z);
        }

        FieldElement.Invert(out FieldElement inv, acc);
        var entries = new ulong[count * NielsPoint.Limbs];
        for (int k = count - 1; k >= 0; k--)
        {
            // inv = 1 / (Z_0 ... Z_k); 1/Z_k = inv * prefix[k].
            FieldElement.Mul(out FieldElement zInv, inv, prefix[k]);
            FieldElement.Mul(out inv, inv, points[k].Z);
            FieldElement.Mul(out FieldElement x, points[k].X, zInv);
            FieldElement.Mul(out FieldElement y, points[k].Y, zInv);
            NielsPoint.FromAffine(out NielsPoint n, x, y);
            n.Store(entries.AsSpan(k * NielsPoint.Limbs, NielsPoint.Limbs));
        }

        return new FixedBaseTable(window, entries);
    }

    /// <summary>acc += [s]P for the signed digits of s (see <see cref="Scalar25519.Recode"/>), Digits of them.</summary>
    /// <remarks>The entries a verification needs are scattered over the table (one per window), and between two verifications of a busy
    /// pipeline ~64 shreds of other data pass through the cache, so they are usually not cached: each one is prefetched
    /// <see cref="PrefetchDistance"/> additions before it is used (a mixed addition takes ~0.2 µs, a memory access ~0.1 µs), which
    /// measured ~0.4x the table-miss stalls on the load harness's workload. The arithmetic is unchanged.</remarks>
    public void AddMultiple(ref ExtendedPoint acc, ReadOnlySpan<short> digits)
    {
        int perWindow = 1 << (Window - 1);
        ReadOnlySpan<ulong> entries = _entries;
        digits = digits[..Digits];
        for (int i = 0; i < PrefetchDistance && i < digits.Length; i++)
        {
            Prefetch(i, digits[i], perWindow);
        }

        for (int i = 0; i < digits.Length; i++)
        {
            if (i + PrefetchDistance < digits.Length)
            {
                Prefetch(i + PrefetchDistance, digits[i + PrefetchDistance], perWindow);
            }

            int d = digits[i];
            if (d == 0)
            {
                continue;
            }

            int j = d > 0 ? d : -d;
            int offset = ((i * perWindow) + j - 1) * NielsPoint.Limbs;
            ExtendedPoint.AddNiels(ref acc, entries.Slice(offset, NielsPoint.Limbs), d < 0);
        }
    }

    /// <summary>How many digits ahead <see cref="AddMultiple"/> prefetches the entry it will need.</summary>
    internal const int PrefetchDistance = 3;

    /// <summary>Asks the CPU to bring the cache lines of digit <paramref name="i"/>'s entry (120 bytes: at most three lines) into the cache.
    /// A hint only: no effect on results.</summary>
    private unsafe void Prefetch(int i, int d, int perWindow)
    {
        if (d == 0 || !System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            return;
        }

        int j = d > 0 ? d : -d;
        int offset = ((i * perWindow) + j - 1) * NielsPoint.Limbs;
        fixed (ulong* e = &_entries[offset])
        {
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(e);
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(e + 8);
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(e + NielsPoint.Limbs - 1);
        }
    }
}
