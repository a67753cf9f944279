using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Ingest.Internal;

/// <summary>Software prefetch hints: they only ask the CPU to start loading a cache line early and never change a result (and never
/// fault, so no bounds are at stake beyond the span access that computes the address).</summary>
internal static class CacheHints
{
    /// <summary>Asks for the cache line holding <paramref name="data"/>[<paramref name="offset"/>] (ignored when the offset is outside the span).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(ReadOnlySpan<byte> data, int offset)
    {
        if (Sse.IsSupported && (uint)offset < (uint)data.Length)
        {
            fixed (byte* p = &data[offset])
            {
                Sse.Prefetch0(p);
            }
        }
    }
}
