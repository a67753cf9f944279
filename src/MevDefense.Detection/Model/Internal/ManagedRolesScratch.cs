namespace MevDefense.Detection.Model.Internal;

/// <summary>
/// Working memory of one <see cref="ManagedRolesModel.Run"/> call (about 40 KB, allocated once). Not thread-safe: one
/// instance per concurrent caller.
/// </summary>
internal sealed class ManagedRolesScratch
{
    private const int N = ModelArchitecture.Window;
    private const int D = ModelArchitecture.Hidden;

    /// <summary>Node states <c>[64,16]</c>.</summary>
    public float[] H { get; } = new float[N * D];

    /// <summary>Per-row temporaries <c>[64,16]</c>: GNN self term, LN1 output, attention output (pair-interleaved).</summary>
    public float[] A { get; } = new float[N * D];

    /// <summary>GNN pool-projected states <c>[64,16]</c>; queries (pair-interleaved); LN2 output in the encoder.</summary>
    public float[] B { get; } = new float[N * D];

    /// <summary>GNN link-projected states <c>[64,16]</c>; keys (pair-interleaved rows) in the encoder.</summary>
    public float[] C { get; } = new float[N * D];

    /// <summary>Values (pair-interleaved rows) <c>[64,16]</c>.</summary>
    public float[] V { get; } = new float[N * D];

    /// <summary>
    /// Keys by blocks of 8: block b, head dimension c (0..7) is 16 floats whose pair l holds key <c>8b + l</c>'s dimensions
    /// c (head 0) and 8 + c (head 1). <c>[8 blocks, 8, 16]</c>.
    /// </summary>
    public float[] KeysX { get; } = new float[N * D];

    /// <summary>Values in the layout of <see cref="KeysX"/>.</summary>
    public float[] ValuesX { get; } = new float[N * D];

    /// <summary>Additive key mask per block of 8 keys, each value twice (one per head) <c>[8,16]</c>.</summary>
    public float[] KeyAdd { get; } = new float[N * 2];

    /// <summary>Two queries' scores per block of 8 keys <c>[2,8,16]</c>.</summary>
    public float[] Scores { get; } = new float[2 * 8 * 16];

    /// <summary>FFN hidden activations <c>[64,32]</c>.</summary>
    public float[] Hidden { get; } = new float[N * ModelArchitecture.FeedForward];

    /// <summary>One 16-float row (logits; an unused second output).</summary>
    public float[] Row { get; } = new float[D];

    /// <summary>The input feature columns (0..63 of the model's 64) that are non-zero somewhere in the window.</summary>
    public int[] Columns { get; } = new int[ModelArchitecture.InputWidth];

    /// <summary>The rows some row aggregates over the pool graph (ascending).</summary>
    public int[] PoolRows { get; } = new int[N];

    /// <summary>The rows some row aggregates over the link graph (ascending).</summary>
    public int[] LinkRows { get; } = new int[N];

    /// <summary>Per row, a bit per column with a non-zero pool-adjacency weight.</summary>
    public ulong[] PoolMask { get; } = new ulong[N];

    /// <summary>Per row, a bit per column with a non-zero link-adjacency weight.</summary>
    public ulong[] LinkMask { get; } = new ulong[N];

    /// <summary>Per row, the shared-token-account neighbours (computed with the masks from feature vectors; unused by the model).</summary>
    public ulong[] SharedMask { get; } = new ulong[N];

    /// <summary>The additive key mask of a window scored from feature vectors <c>[64]</c>.</summary>
    public float[] KeyMask { get; } = new float[N];
}
