using System.Runtime.CompilerServices;

namespace MevDefense.Dna;

/// <summary>The hash chain rule of the Decision DNA ledger.</summary>
public static class DnaChain
{
    /// <summary>Gets the domain tag prefixed to every chain hash input: the ASCII bytes of <c>mevdefense/dna/record/v1</c> and a newline.</summary>
    public static ReadOnlySpan<byte> DomainTag => "mevdefense/dna/record/v1\n"u8;

    /// <summary>Computes <c>Blake3(DomainTag ‖ parent ‖ body)</c>.</summary>
    /// <param name="parent">The previous record's chain hash (zero for the first record).</param>
    /// <param name="body">The record's body bytes (canonical bytes without chain hash and signature).</param>
    /// <returns>The chain hash.</returns>
    [SkipLocalsInit] // the 2 KB stack buffer is hashed only as far as it was written
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per record: do not run at tier 0
    public static Hash ComputeChainHash(Hash parent, ReadOnlySpan<byte> body)
    {
        Span<byte> output = stackalloc byte[Hash.Size];
        int prefix = DomainTag.Length + Hash.Size;
        if (body.Length <= 2048)
        {
            // One-shot over a stack copy: no native hasher allocation per record.
            Span<byte> input = stackalloc byte[prefix + 2048];
            DomainTag.CopyTo(input);
            parent.CopyTo(input[DomainTag.Length..]);
            body.CopyTo(input[prefix..]);
            Blake3.Hasher.Hash(input[..(prefix + body.Length)], output);
            return new Hash(output);
        }

        using var hasher = Blake3.Hasher.New();
        hasher.Update(DomainTag);
        hasher.Update(parent.AsSpan());
        hasher.Update(body);
        hasher.Finalize(output);
        return new Hash(output);
    }

    /// <summary>Recomputes the chain hash of a record from its fields and <see cref="DecisionRecord.ParentHash"/>.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The chain hash the record should carry.</returns>
    public static Hash ComputeChainHash(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ComputeChainHash(record.ParentHash, record.GetBodyBytes());
    }

    /// <summary>Verifies a record's chain hash and its Ed25519 signature.</summary>
    /// <param name="record">The record.</param>
    /// <param name="publicKey">The signer's public key.</param>
    /// <returns><see langword="true"/> when both check out.</returns>
    public static bool VerifyRecord(DecisionRecord record, Pubkey publicKey)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.IsSealed
            && ComputeChainHash(record) == record.ChainHash
            && DnaSigner.Verify(publicKey, record.ChainHash.AsSpan(), record.Signature.AsSpan());
    }
}
