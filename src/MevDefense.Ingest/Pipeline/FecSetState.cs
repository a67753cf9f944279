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
    public readonly byte[] Leaves = new byte[2 * MaxShardsPerKind * 32];
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
