using MevDefense.Dna.Checkpoints;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Merkle;
using NSec.Cryptography;

namespace MevDefense.Dna;

/// <summary>
/// Audits a stored chain end to end: every record's bytes, sequence, parent link, chain hash, key id and Ed25519 signature; the
/// store head; every checkpoint's note signature and Merkle root; and every anchor receipt (through an optional
/// <see cref="IDnaAnchorVerifier"/>). Reports the first failure and, for record failures, the first bad sequence.
/// </summary>
public sealed class DnaVerifier
{
    private const int ReadPage = 4096;
    private readonly Dictionary<string, PublicKey> _keys = new(StringComparer.Ordinal);
    private readonly List<NoteVerifier> _noteVerifiers = [];
    private readonly string _origin;
    private readonly IDnaAnchorVerifier? _anchors;

    /// <summary>Initializes a verifier.</summary>
    /// <param name="trustedKeys">The public keys allowed to sign records and checkpoints.</param>
    /// <param name="origin">The expected log origin (checkpoint first line and note key name).</param>
    /// <param name="anchorVerifier">Checks anchor receipts on chain, or <see langword="null"/> to check receipts only against stored checkpoints.</param>
    /// <exception cref="ArgumentException">No trusted key is given, or the origin is invalid.</exception>
    public DnaVerifier(IEnumerable<Pubkey> trustedKeys, string origin, IDnaAnchorVerifier? anchorVerifier = null)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        ArgumentNullException.ThrowIfNull(origin);
        foreach (Pubkey key in trustedKeys)
        {
            if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, key.AsSpan(), KeyBlobFormat.RawPublicKey, out PublicKey? imported))
            {
                throw new ArgumentException("A trusted key is not a valid Ed25519 public key.", nameof(trustedKeys));
            }

            _keys[DnaKeyIds.Compute(key.AsSpan())] = imported!;
            _noteVerifiers.Add(new NoteVerifier(origin, key));
        }

        if (_keys.Count == 0)
        {
            throw new ArgumentException("At least one trusted key is required.", nameof(trustedKeys));
        }

        _origin = origin;
        _anchors = anchorVerifier;
    }

    /// <summary>Verifies a store.</summary>
    /// <param name="store">The store.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result.</returns>
    public async Task<DnaVerificationResult> VerifyAsync(IDnaStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var tree = new MerkleTree(Rfc6962Hasher.Sha256);
        Hash prev = default;
        ulong expected = 0;
        while (true)
        {
            int n = 0;
            await foreach (DnaStoredRecord raw in store.ReadRawRangeAsync(expected, ReadPage, cancellationToken).ConfigureAwait(false))
            {
                string? problem = CheckRecord(raw, expected, prev, out Hash chainHash);
                if (problem is not null)
                {
                    return Bad(expected, expected, problem);
                }

                tree.AppendLeaf(raw.Bytes.Span);
                prev = chainHash;
                expected++;
                n++;
            }

            if (n < ReadPage)
            {
                break;
            }
        }

        DnaStoreHead head = await store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        if (head.Count != expected)
        {
            return Bad(expected, Math.Min(head.Count, expected), $"the store head says {head.Count} records but {expected} consecutive records were read");
        }

        if (expected > 0 && head.LastChainHash != prev)
        {
            return Bad(expected, expected - 1, "the store head hash does not match the last record");
        }

        if (DnaStoreCapabilities.AsNodeStore(store) is { } nodeStore
            && await CheckStoredNodesAsync(nodeStore, tree, expected, cancellationToken).ConfigureAwait(false) is { } nodeFailure)
        {
            return Bad(expected, nodeFailure.Sequence, nodeFailure.Reason);
        }

        int checkpoints = 0;
        var verifiedCheckpoints = new Dictionary<ulong, DnaCheckpoint>();
        byte[] root = new byte[32];
        await foreach (DnaCheckpoint cp in store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            TlogCheckpoint parsed;
            try
            {
                parsed = TlogCheckpoint.Open(cp.SignedNote, _noteVerifiers);
            }
            catch (FormatException ex)
            {
                return Bad(expected, null, $"checkpoint at size {cp.Size}: {ex.Message}", checkpoints);
            }

            if (parsed.Origin != _origin || parsed.Size != cp.Size || !parsed.RootHash.Span.SequenceEqual(cp.RootHash.AsSpan()) || cp.Origin != _origin)
            {
                return Bad(expected, null, $"checkpoint at size {cp.Size}: stored fields do not match its signed note", checkpoints);
            }

            if (parsed.Size > expected)
            {
                return Bad(expected, expected, $"checkpoint at size {cp.Size} covers records the store no longer holds (only {expected})", checkpoints);
            }

            tree.GetRootHash(parsed.Size, root);
            if (!parsed.RootHash.Span.SequenceEqual(root))
            {
                return Bad(expected, null, $"checkpoint at size {cp.Size}: Merkle root does not match the stored records", checkpoints);
            }

            verifiedCheckpoints[cp.Size] = cp;
            checkpoints++;
        }

        int anchors = 0;
        await foreach (DnaAnchorReceipt receipt in store.ReadAnchorReceiptsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!verifiedCheckpoints.TryGetValue(receipt.CheckpointSize, out DnaCheckpoint? cp) || cp.RootHash != receipt.RootHash)
            {
                return Bad(expected, null, $"anchor {receipt.TransactionSignature} (size {receipt.CheckpointSize}) matches no verified checkpoint", checkpoints, anchors);
            }

            if (_anchors is not null)
            {
                string? reason = await _anchors.VerifyAsync(receipt, cp, cancellationToken).ConfigureAwait(false);
                if (reason is not null)
                {
                    return Bad(expected, null, $"anchor {receipt.TransactionSignature} (size {receipt.CheckpointSize}): {reason}", checkpoints, anchors);
                }
            }

            anchors++;
        }

        return new DnaVerificationResult(true, expected, null, null, checkpoints, anchors);
    }

    /// <summary>Compares every stored Merkle node with the tree recomputed from the records: no node may be wrong, missing or extra.</summary>
    private static async Task<(ulong Sequence, string Reason)?> CheckStoredNodesAsync(IDnaMerkleNodeStore nodeStore, MerkleTree tree, ulong count, CancellationToken cancellationToken)
    {
        byte[] recomputed = new byte[32];
        int level = 0;
        ulong next = 0; // next expected index at `level`
        (ulong, string)? Missing(int l, ulong i) => (i << l, $"Merkle node (level {l}, index {i}) is missing from the store");
        await foreach (DnaMerkleNode node in nodeStore.ReadMerkleNodesAsync(cancellationToken).ConfigureAwait(false))
        {
            while (node.Level > level)
            {
                if (next < (count >> level))
                {
                    return Missing(level, next);
                }

                level++;
                next = 0;
            }

            if (node.Level < level || node.Index < next)
            {
                return (Math.Min(count, node.Index << Math.Min(node.Level, 63)), $"Merkle node (level {node.Level}, index {node.Index}) is stored out of order");
            }

            if (node.Index > next)
            {
                return Missing(level, next);
            }

            if (!tree.TryGetNode(node.Level, node.Index, recomputed))
            {
                return (count, $"Merkle node (level {node.Level}, index {node.Index}) covers records the store does not hold (only {count})");
            }

            if (!node.Hash.AsSpan().SequenceEqual(recomputed))
            {
                ulong first = node.Index << node.Level;
                return (first, $"stored Merkle node (level {node.Level}, index {node.Index}) over records {first}..{first + (1UL << node.Level) - 1} does not match the records");
            }

            next++;
        }

        for (; level < 64 && (count >> level) > 0; level++, next = 0)
        {
            if (next < (count >> level))
            {
                return Missing(level, next);
            }
        }

        return null;
    }

    private static DnaVerificationResult Bad(ulong count, ulong? sequence, string failure, int checkpoints = 0, int anchors = 0) =>
        new(false, sequence ?? count, sequence, failure, checkpoints, anchors);

    private string? CheckRecord(DnaStoredRecord raw, ulong expected, Hash prev, out Hash chainHash)
    {
        chainHash = default;
        if (raw.Sequence != expected)
        {
            return $"record {expected} is missing (next stored key is {raw.Sequence})";
        }

        if (!DecisionRecord.TryParse(raw.Bytes.Span, out DecisionRecord? record))
        {
            return "stored bytes are not a canonical record";
        }

        if (record.Sequence != expected)
        {
            return $"record stored under {expected} claims sequence {record.Sequence}";
        }

        if (record.ParentHash != prev)
        {
            return "parent hash does not match the previous record's chain hash";
        }

        if (!record.IsSealed)
        {
            return "record is not sealed";
        }

        if (DnaChain.ComputeChainHash(record) != record.ChainHash)
        {
            return "chain hash does not match the record contents";
        }

        if (!_keys.TryGetValue(record.KeyId, out PublicKey? key))
        {
            return $"record is signed by unknown key id {record.KeyId}";
        }

        if (!SignatureAlgorithm.Ed25519.Verify(key, record.ChainHash.AsSpan(), record.Signature.AsSpan()))
        {
            return "signature does not verify";
        }

        chainHash = record.ChainHash;
        return null;
    }
}
