using System.Runtime.Intrinsics.X86;

namespace MevDefense.Ingest.Internal;

/// <summary>Software prefetch hints: they only ask the CPU to start loading cache lines early and never change a result (and never
/// fault, so no bounds are at stake beyond the span access that computes the address).</summary>
internal static class CacheHints
{
    /// <summary>Asks for the cache lines holding <paramref name="data"/>[<paramref name="offset"/>..(<paramref name="offset"/> + <paramref name="length"/>)]
    /// (clipped to the span; nothing when it is empty or the CPU has no prefetch instruction).</summary>
    public static unsafe void Prefetch(ReadOnlySpan<byte> data, int offset, int length)
    {
        if (!Sse.IsSupported || (uint)offset >= (uint)data.Length || length <= 0)
        {
            return;
        }

        int last = Math.Min(data.Length - 1, offset + length - 1) - offset;
        fixed (byte* p = &data[offset])
        {
            for (int i = 0; i < last; i += 64)
            {
                Sse.Prefetch0(p + i);
            }

            Sse.Prefetch0(p + last);
        }
    }
}
