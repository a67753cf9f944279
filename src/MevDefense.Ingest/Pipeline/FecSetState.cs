using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Pipeline;

/// <summary>In-flight state of one FEC set (pooled and reused).</summary>
internal sealed class FecSetState
{
    public const int MaxShardsPerKind = 128;

    public readonly byte[] Signature = new byte[64];
    public readonly byte[] Root = new byte[32];
    public readonly byte[] ChainedRoot = new byte[32];
    public readonly byte[] RetransmitterSignature = new byte[64];
    public readonly byte[]?[] Data = new byte[MaxShardsPerKind][];
    public readonly byte[]?[] Code = new byte[MaxShardsPerKind][];
    public readonly bool[] DataPresent = new bool[MaxShardsPerKind];
    public readonly bool[] CodePresent = new bool[MaxShardsPerKind];

    /// <summary>Coding shreds received but not Merkle-verified (lazy coding verification): held in <see cref="Code"/> until the set
    /// completes (then released), or without a buffer when they arrived after completion.</summary>
    public readonly bool[] CodeUnverified = new bool[MaxShardsPerKind];
    // Merkle leaves of the received/recovered shreds, by position: sized for today's 32:32 sets and grown (once per pooled set) for larger
    // historical sets, so that the ~300 sets a slot window holds stay small (2 KB instead of 8 KB of leaves each).
    private byte[] _dataLeaves = new byte[32 * 32];
    private byte[] _codeLeaves = new byte[32 * 32];
    public readonly Merkle.MerkleNodeCache Nodes = new();

    public ulong Slot;
    public uint FecSetIndex;
    public ShredKind Family; // MerkleData for Merkle sets, LegacyData for legacy
    public byte VariantHigh; // data variant high nibble (0x8?, 0x9?, 0xB?) of the set
    public int ProofSize;
    public bool Chained;
    public bool Resigned;
    public bool HasRetransmitterSignature;
    public ushort Version;
    public int ParentOffset = -1;
    public int ShardLength;
    public int NumData;
    public int NumCode;
    public uint FirstCodeIndex;
    public bool? SignatureValid;
    public int DataReceived;
    public int CodeReceived;
    public int CodeDeferred; // positions with CodeUnverified set
    public int Recovered;
    public int DataKnown;
    public int Consumed;
    public int HighestDataPosition = -1;
    public bool HighestIsDataComplete;
    public bool Complete;
    public bool RecoveryFailed;
    public bool Equivocated;
    public bool DataReleased;
    public long CompletedTimestamp;

    public void Reset()
    {
        Slot = 0;
        FecSetIndex = 0;
        Family = 0;
        VariantHigh = 0;
        ProofSize = 0;
        Chained = Resigned = HasRetransmitterSignature = false;
        Version = 0;
        ParentOffset = -1;
        ShardLength = NumData = NumCode = 0;
        FirstCodeIndex = 0;
        SignatureValid = null;
        DataReceived = CodeReceived = CodeDeferred = Recovered = DataKnown = Consumed = 0;
        HighestDataPosition = -1;
        HighestIsDataComplete = Complete = RecoveryFailed = Equivocated = DataReleased = false;
        CompletedTimestamp = 0;
        Array.Clear(DataPresent);
        Array.Clear(CodePresent);
        Array.Clear(CodeUnverified);
        Array.Clear(Root);
        Array.Clear(ChainedRoot);
        Array.Clear(RetransmitterSignature);
    }

    public int PresentCount => DataKnown + CodeReceived;

    /// <summary>The Merkle leaf of the data shred at <paramref name="position"/> (below <see cref="MaxShardsPerKind"/>).</summary>
    public Span<byte> DataLeaf(int position) => Leaf(ref _dataLeaves, position);

    /// <summary>The Merkle leaf of the coding shred at <paramref name="position"/> (below <see cref="MaxShardsPerKind"/>).</summary>
    public Span<byte> CodeLeaf(int position) => Leaf(ref _codeLeaves, position);

    /// <summary>The leaves of data positions 0..<paramref name="count"/>-1.</summary>
    public ReadOnlySpan<byte> DataLeaves(int count) => Leaves(ref _dataLeaves, count);

    /// <summary>The leaves of coding positions 0..<paramref name="count"/>-1.</summary>
    public ReadOnlySpan<byte> CodeLeaves(int count) => Leaves(ref _codeLeaves, count);

    private static Span<byte> Leaf(ref byte[] leaves, int position)
    {
        Grow(ref leaves, position + 1);
        return leaves.AsSpan(position * 32, 32);
    }

    private static ReadOnlySpan<byte> Leaves(ref byte[] leaves, int count)
    {
        Grow(ref leaves, count);
        return leaves.AsSpan(0, count * 32);
    }

    private static void Grow(ref byte[] leaves, int count)
    {
        if (leaves.Length < count * 32)
        {
            Array.Resize(ref leaves, MaxShardsPerKind * 32);
        }
    }

    /// <summary>Stores a received data shred's buffer at its position and updates the data bookkeeping (Merkle and legacy sets).</summary>
    public void AddReceivedData(int position, byte[] buffer, in ShredHeader h)
    {
        Data[position] = buffer;
        DataPresent[position] = true;
        DataReceived++;
        DataKnown++;
        if (ParentOffset < 0)
        {
            ParentOffset = h.ParentOffset;
        }

        if (position > HighestDataPosition)
        {
            HighestDataPosition = position;
            HighestIsDataComplete = h.IsDataComplete;
        }
    }
}
