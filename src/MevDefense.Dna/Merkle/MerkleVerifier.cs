namespace MevDefense.Dna.Merkle;

/// <summary>
/// Verifies RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs. Proofs are given either as a list of hashes or as
/// one span of concatenated <see cref="IMerkleHasher.HashSize"/>-byte hashes, lowest level first.
/// </summary>
/// <remarks>
/// Beyond the RFC algorithms, these checks match transparency-dev/merkle: a consistency proof from size 0 is rejected (even 0 to 0),
/// equal sizes require an empty proof and equal roots, and every proof element must be exactly one hash long.
/// </remarks>
public static class MerkleVerifier
{
    private const int MaxHashSize = 64;

    /// <summary>Verifies an inclusion proof given as concatenated hashes.</summary>
    /// <param name="hasher">The tree hasher.</param>
    /// <param name="index">The 0-based leaf index.</param>
    /// <param name="size">The tree size.</param>
    /// <param name="leafHash">The leaf hash.</param>
    /// <param name="proof">The audit path: concatenated hashes, lowest level first.</param>
    /// <param name="root">The expected root of the tree of <paramref name="size"/> leaves.</param>
    /// <returns><see langword="true"/> when the proof is valid.</returns>
    public static bool VerifyInclusion(IMerkleHasher hasher, ulong index, ulong size, ReadOnlySpan<byte> leafHash, ReadOnlySpan<byte> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        int hs = hasher.HashSize;
        if (hs is <= 0 or > MaxHashSize)
        {
            throw new ArgumentException("Unsupported hash size.", nameof(hasher));
        }

        if (index >= size || leafHash.Length != hs || proof.Length % hs != 0)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[hs];
        Span<byte> b = stackalloc byte[hs];
        leafHash.CopyTo(a);
        ulong fn = index;
        ulong sn = size - 1;
        for (int offset = 0; offset < proof.Length; offset += hs)
        {
            ReadOnlySpan<byte> p = proof.Slice(offset, hs);
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                hasher.HashChildren(p, a, b);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                hasher.HashChildren(a, p, b);
            }

            b.CopyTo(a);
            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && a.SequenceEqual(root);
    }

    /// <summary>Verifies an inclusion proof given as a list of hashes.</summary>
    /// <param name="hasher">The tree hasher.</param>
    /// <param name="index">The 0-based leaf index.</param>
    /// <param name="size">The tree size.</param>
    /// <param name="leafHash">The leaf hash.</param>
    /// <param name="proof">The audit path, lowest level first.</param>
    /// <param name="root">The expected root.</param>
    /// <returns><see langword="true"/> when the proof is valid.</returns>
    public static bool VerifyInclusion(IMerkleHasher hasher, ulong index, ulong size, ReadOnlySpan<byte> leafHash, IReadOnlyList<ReadOnlyMemory<byte>> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(proof);
        byte[]? flat = Flatten(hasher.HashSize, proof);
        return flat is not null && VerifyInclusion(hasher, index, size, leafHash, flat, root);
    }

    /// <summary>Verifies a consistency proof given as concatenated hashes.</summary>
    /// <param name="hasher">The tree hasher.</param>
    /// <param name="size1">The older tree size.</param>
    /// <param name="size2">The newer tree size.</param>
    /// <param name="proof">The proof: concatenated hashes.</param>
    /// <param name="root1">The root of the older tree.</param>
    /// <param name="root2">The root of the newer tree.</param>
    /// <returns><see langword="true"/> when the older tree is a prefix of the newer one.</returns>
    public static bool VerifyConsistency(IMerkleHasher hasher, ulong size1, ulong size2, ReadOnlySpan<byte> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        int hs = hasher.HashSize;
        if (hs is <= 0 or > MaxHashSize)
        {
            throw new ArgumentException("Unsupported hash size.", nameof(hasher));
        }

        if (size1 == 0 || size1 > size2)
        {
            return false;
        }

        if (size1 == size2)
        {
            return proof.IsEmpty && root1.SequenceEqual(root2);
        }

        if (proof.IsEmpty || proof.Length % hs != 0)
        {
            return false;
        }

        Span<byte> fr = stackalloc byte[hs];
        Span<byte> sr = stackalloc byte[hs];
        Span<byte> tmp = stackalloc byte[hs];
        int offset;
        if ((size1 & (size1 - 1)) == 0)
        {
            // size1 is a power of two: the old root is the implicit first element.
            if (root1.Length != hs)
            {
                return false;
            }

            root1.CopyTo(fr);
            offset = 0;
        }
        else
        {
            proof[..hs].CopyTo(fr);
            offset = hs;
        }

        fr.CopyTo(sr);
        ulong fn = size1 - 1;
        ulong sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        for (; offset < proof.Length; offset += hs)
        {
            ReadOnlySpan<byte> c = proof.Slice(offset, hs);
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                hasher.HashChildren(c, fr, tmp);
                tmp.CopyTo(fr);
                hasher.HashChildren(c, sr, tmp);
                tmp.CopyTo(sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                hasher.HashChildren(sr, c, tmp);
                tmp.CopyTo(sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(root1) && sr.SequenceEqual(root2);
    }

    /// <summary>Verifies a consistency proof given as a list of hashes.</summary>
    /// <param name="hasher">The tree hasher.</param>
    /// <param name="size1">The older tree size.</param>
    /// <param name="size2">The newer tree size.</param>
    /// <param name="proof">The proof.</param>
    /// <param name="root1">The root of the older tree.</param>
    /// <param name="root2">The root of the newer tree.</param>
    /// <returns><see langword="true"/> when the older tree is a prefix of the newer one.</returns>
    public static bool VerifyConsistency(IMerkleHasher hasher, ulong size1, ulong size2, IReadOnlyList<ReadOnlyMemory<byte>> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(proof);
        byte[]? flat = Flatten(hasher.HashSize, proof);
        return flat is not null && VerifyConsistency(hasher, size1, size2, flat, root1, root2);
    }

    private static byte[]? Flatten(int hashSize, IReadOnlyList<ReadOnlyMemory<byte>> proof)
    {
        if (proof.Count > 128)
        {
            return null;
        }

        byte[] flat = new byte[proof.Count * hashSize];
        for (int i = 0; i < proof.Count; i++)
        {
            if (proof[i].Length != hashSize)
            {
                return null;
            }

            proof[i].Span.CopyTo(flat.AsSpan(i * hashSize));
        }

        return flat;
    }
}
