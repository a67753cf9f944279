using System.Buffers.Binary;

namespace MevDefense.Dna;

/// <summary>
/// Computes <see cref="DecisionRecord.InputFingerprint"/>: Blake3 over the exact inputs a decision saw, each prefixed with its
/// length as a little-endian 64-bit integer (so input boundaries are unambiguous), under the domain tag
/// <c>mevdefense/dna/input/v1\n</c>.
/// </summary>
public static class InputFingerprint
{
    /// <summary>The fingerprint size in bytes.</summary>
    public const int Size = 32;

    /// <summary>Gets the domain tag hashed first.</summary>
    public static ReadOnlySpan<byte> DomainTag => "mevdefense/dna/input/v1\n"u8;

    /// <summary>Fingerprints a sequence of inputs (for example the wire bytes of every transaction of the window, in order).</summary>
    /// <param name="inputs">The inputs, in the order the decision consumed them.</param>
    /// <returns>The 32-byte fingerprint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is <see langword="null"/>.</exception>
    public static byte[] Compute(IEnumerable<ReadOnlyMemory<byte>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var hasher = Blake3.Hasher.New();
        hasher.Update(DomainTag);
        Span<byte> length = stackalloc byte[8];
        foreach (ReadOnlyMemory<byte> input in inputs)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)input.Length);
            hasher.Update(length);
            hasher.Update(input.Span);
        }

        byte[] result = new byte[Size];
        hasher.Finalize(result);
        return result;
    }
}
