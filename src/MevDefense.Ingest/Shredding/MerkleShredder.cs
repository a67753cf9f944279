using MevDefense.Crypto;
using System.Buffers.Binary;
using MevDefense.Ingest.Fec;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Shredding;

/// <summary>
/// Turns entry batches into today's mainnet shred format: chained Merkle shreds in fixed 32:32 FEC sets (variants 0x96/0x66),
/// the last FEC set of a slot resigned (0xB6/0x76), parity by Reed-Solomon(32,32), the leader's Ed25519 signature over each
/// set's Merkle root (SHREDS.md 1.3–1.12).
/// </summary>
/// <remarks>
/// <para>Used to replay generated slots through the real ingest pipeline (sample host, load harness, tests). It never sends
/// anything; callers decide where the bytes go.</para>
/// <para>Data layout follows the reference shredder: data shreds are filled to capacity in order and a batch ends on an FEC-set
/// boundary with empty (size 88) data shreds; in the slot's last batch the resigned final set is filled first from the tail
/// of the data and the chained sets take the rest. With the same batch, key and shred version this reproduces Firedancer's
/// demo-shreds.pcap byte for byte.</para>
/// </remarks>
public sealed class MerkleShredder
{
    private const int SetShreds = ShredConstants.FixedFecSetShreds;
    private const int ProofSize = ShredConstants.FixedProofSize;
    private const int ChainedDataCapacity = ShredConstants.MerkleDataPayloadSize - ShredConstants.DataHeadersSize - ShredConstants.MerkleRootSize - (ProofSize * ShredConstants.MerkleProofEntrySize); // 963
    private const int ResignedDataCapacity = ChainedDataCapacity - Signature.Size; // 899
    private readonly Ed25519Keypair _leader;
    private readonly ReedSolomon _rs = new(SetShreds, SetShreds);

    /// <summary>Creates a shredder signing as <paramref name="leader"/>.</summary>
    /// <param name="leader">The slot leader's key (the shredder does not own or dispose it).</param>
    /// <param name="shredVersion">The cluster's shred version (mainnet-beta: 50093).</param>
    /// <exception cref="ArgumentNullException"><paramref name="leader"/> is <see langword="null"/>.</exception>
    public MerkleShredder(Ed25519Keypair leader, ushort shredVersion)
    {
        ArgumentNullException.ThrowIfNull(leader);
        _leader = leader;
        ShredVersion = shredVersion;
    }

    /// <summary>Gets the shred version written into every shred.</summary>
    public ushort ShredVersion { get; }

    /// <summary>Gets the number of entry-batch bytes one chained FEC set holds (30,816).</summary>
    public static int ChainedSetCapacity => SetShreds * ChainedDataCapacity;

    /// <summary>Gets the number of entry-batch bytes the resigned last FEC set of a slot holds (28,768).</summary>
    public static int ResignedSetCapacity => SetShreds * ResignedDataCapacity;

    /// <summary>
    /// Shreds one entry batch (the bincode <c>Vec&lt;Entry&gt;</c> bytes) and appends the datagrams, data shreds then coding
    /// shreds of each FEC set, to <paramref name="output"/>.
    /// </summary>
    /// <param name="state">The slot's state; advanced past the produced shreds.</param>
    /// <param name="entryBatch">The serialized entry batch.</param>
    /// <param name="lastInSlot">Whether this batch ends the slot (its last FEC set is resigned and flagged LAST_SHRED_IN_SLOT).</param>
    /// <param name="referenceTick">The tick the batch refers to (saturates at 63).</param>
    /// <param name="output">Receives one array per shred.</param>
    /// <returns>The number of FEC sets produced.</returns>
    /// <exception cref="InvalidOperationException">The slot is already complete or would exceed 32,768 shreds.</exception>
    public int Shred(ShredderSlotState state, ReadOnlySpan<byte> entryBatch, bool lastInSlot, int referenceTick, ICollection<byte[]> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(output);
        if (state.IsComplete)
        {
            throw new InvalidOperationException($"Slot {state.Slot} is already complete.");
        }

        byte tick = (byte)Math.Clamp(referenceTick, 0, ShredConstants.ReferenceTickMask);
        int chainedBytes = entryBatch.Length;
        int resignedBytes = 0;
        if (lastInSlot)
        {
            resignedBytes = Math.Min(entryBatch.Length, ResignedSetCapacity);
            chainedBytes = entryBatch.Length - resignedBytes;
        }

        int chainedSets = (chainedBytes + ChainedSetCapacity - 1) / ChainedSetCapacity;
        if (!lastInSlot && chainedSets == 0)
        {
            chainedSets = 1; // an empty batch still occupies one FEC set
        }

        int sets = chainedSets + (lastInSlot ? 1 : 0);
        if (state.NextIndex + ((long)sets * SetShreds) > ShredConstants.MaxShredsPerSlot)
        {
            throw new InvalidOperationException($"Slot {state.Slot} would exceed {ShredConstants.MaxShredsPerSlot} shreds.");
        }

        int offset = 0;
        for (int s = 0; s < sets; s++)
        {
            bool resigned = lastInSlot && s == sets - 1;
            int capacity = resigned ? ResignedDataCapacity : ChainedDataCapacity;
            int take = resigned ? resignedBytes : Math.Min(chainedBytes - offset, ChainedSetCapacity);
            bool batchEnd = s == sets - 1;
            BuildSet(state, entryBatch.Slice(offset, take), capacity, resigned, batchEnd, lastInSlot && batchEnd, tick, output);
            offset += take;
        }

        if (lastInSlot)
        {
            state.IsComplete = true;
        }

        return sets;
    }

    private void BuildSet(ShredderSlotState state, ReadOnlySpan<byte> data, int capacity, bool resigned, bool batchEnd, bool lastInSlot, byte tick, ICollection<byte[]> output)
    {
        uint fecSetIndex = state.NextIndex;
        ushort parentOffset = (ushort)(state.Slot - state.ParentSlot);
        byte dataVariant = (byte)((resigned ? 0xB0 : 0x90) | ProofSize);
        byte codeVariant = (byte)((resigned ? 0x70 : 0x60) | ProofSize);
        int dataRootOffset = ShredConstants.DataHeadersSize + capacity;
        int codeCapacity = capacity + ShredConstants.DataHeadersSize - Signature.Size; // the erasure shard length
        int codeRootOffset = ShredConstants.CodeHeadersSize + codeCapacity;
        int shardLength = codeCapacity;

        var shreds = new byte[2 * SetShreds][];
        var dataShards = new ReadOnlyMemory<byte>[SetShreds];
        var parityShards = new Memory<byte>[SetShreds];
        int offset = 0;
        for (int i = 0; i < SetShreds; i++)
        {
            var shred = new byte[ShredConstants.MerkleDataPayloadSize];
            int n = Math.Min(capacity, data.Length - offset);
            byte flags = tick;
            if (i == SetShreds - 1 && batchEnd)
            {
                flags |= lastInSlot ? ShredConstants.LastInSlotFlags : ShredConstants.DataCompleteFlag;
            }

            WriteCommonHeader(shred, dataVariant, state.Slot, fecSetIndex + (uint)i, fecSetIndex);
            BinaryPrimitives.WriteUInt16LittleEndian(shred.AsSpan(0x53), parentOffset);
            shred[0x55] = flags;
            BinaryPrimitives.WriteUInt16LittleEndian(shred.AsSpan(0x56), (ushort)(ShredConstants.DataHeadersSize + n));
            data.Slice(offset, n).CopyTo(shred.AsSpan(ShredConstants.DataHeadersSize));
            offset += n;
            state.ChainedMerkleRoot.CopyTo(shred.AsSpan(dataRootOffset));
            shreds[i] = shred;
            dataShards[i] = shred.AsMemory(Signature.Size, shardLength);
        }

        for (int p = 0; p < SetShreds; p++)
        {
            var shred = new byte[ShredConstants.CodePayloadSize];
            WriteCommonHeader(shred, codeVariant, state.Slot, fecSetIndex + (uint)p, fecSetIndex);
            BinaryPrimitives.WriteUInt16LittleEndian(shred.AsSpan(0x53), SetShreds);
            BinaryPrimitives.WriteUInt16LittleEndian(shred.AsSpan(0x55), SetShreds);
            BinaryPrimitives.WriteUInt16LittleEndian(shred.AsSpan(0x57), (ushort)p);
            state.ChainedMerkleRoot.CopyTo(shred.AsSpan(codeRootOffset));
            shreds[SetShreds + p] = shred;
            parityShards[p] = shred.AsMemory(ShredConstants.CodeHeadersSize, shardLength);
        }

        _rs.Encode(dataShards, parityShards, shardLength);

        // Merkle tree over data leaves then coding leaves; the leader signs the root.
        const int leafCount = 2 * SetShreds;
        Span<byte> leaves = stackalloc byte[leafCount * ShredMerkle.HashSize];
        byte[] scratch = new byte[ShredMerkle.LeafScratchSize];
        for (int i = 0; i < leafCount; i++)
        {
            int proofOffset = (i < SetShreds ? dataRootOffset : codeRootOffset) + ShredConstants.MerkleRootSize;
            ShredMerkle.HashLeaf(shreds[i].AsSpan(Signature.Size, proofOffset - Signature.Size), scratch, leaves.Slice(i * ShredMerkle.HashSize, ShredMerkle.HashSize));
        }

        byte[] nodes = new byte[ShredMerkle.NodeCount(leafCount) * ShredMerkle.HashSize];
        var root = new Hash(ShredMerkle.BuildTree(leaves, leafCount, nodes));
        var signature = _leader.Sign(root.AsSpan());
        for (int i = 0; i < leafCount; i++)
        {
            var shred = shreds[i];
            int proofOffset = (i < SetShreds ? dataRootOffset : codeRootOffset) + ShredConstants.MerkleRootSize;
            signature.CopyTo(shred);
            ShredMerkle.WriteProof(nodes, leafCount, i, shred.AsSpan(proofOffset));
            output.Add(shred); // a resigned shred's retransmitter signature stays zero: no hop has forwarded it yet
        }

        state.NextIndex = fecSetIndex + SetShreds;
        state.ChainedMerkleRoot = root;
    }

    private void WriteCommonHeader(Span<byte> shred, byte variant, ulong slot, uint index, uint fecSetIndex)
    {
        shred[0x40] = variant;
        BinaryPrimitives.WriteUInt64LittleEndian(shred[0x41..], slot);
        BinaryPrimitives.WriteUInt32LittleEndian(shred[0x49..], index);
        BinaryPrimitives.WriteUInt16LittleEndian(shred[0x4D..], ShredVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(shred[0x4F..], fecSetIndex);
    }
}
