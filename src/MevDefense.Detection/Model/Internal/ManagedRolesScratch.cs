namespace MevDefense.Detection.Model.Internal;

/// <summary>
/// Working memory of one <see cref="ManagedRolesModel.Run"/> call (about 90 KB, allocated once). Not thread-safe: one
/// instance per concurrent caller.
/// </summary>
internal sealed class ManagedRolesScratch
{
    private const int N = ModelArchitecture.Window;
    private const int D = ModelArchitecture.Hidden;

    /// <summary>Node states <c>[64,16]</c>.</summary>
    public float[] H { get; } = new float[N * D];

    /// <summary>Per-row temporaries <c>[64,16]</c>: GNN self term, LayerNorm outputs, attention outputs.</summary>
    public float[] A { get; } = new float[N * D];

    /// <summary>GNN pool-projected states <c>[64,16]</c>; queries in the encoder.</summary>
    public float[] B { get; } = new float[N * D];

    /// <summary>GNN link-projected states <c>[64,16]</c>; values in the encoder.</summary>
    public float[] C { get; } = new float[N * D];

    /// <summary>Keys transposed: <c>[16,64]</c> (dimension-major, so 16 keys load as one vector).</summary>
    public float[] KeysT { get; } = new float[D * N];

    /// <summary>Attention weights per query: 2 heads × 4 blocks of 16 softmax numerators, then the heads' reciprocal sums <c>[64,144]</c>.</summary>
    public float[] Weights { get; } = new float[N * 9 * 16];

    /// <summary>FFN hidden activations <c>[64,32]</c>.</summary>
    public float[] Hidden { get; } = new float[N * ModelArchitecture.FeedForward];

    /// <summary>Additive key mask over the key blocks <c>[64]</c>.</summary>
    public float[] KeyAdd { get; } = new float[N];

    /// <summary>Values transposed: <c>[16,64]</c>.</summary>
    public float[] ValuesT { get; } = new float[D * N];

    /// <summary>One 16-float row (keys before transposition, logits).</summary>
    public float[] Row { get; } = new float[D];

    /// <summary>CSR neighbour lists of the pool graph: row starts <c>[65]</c>, column indices and weights.</summary>
    public int[] PoolStart { get; } = new int[N + 1];

    public int[] PoolIndex { get; } = new int[N * N];

    public float[] PoolWeight { get; } = new float[N * N];

    /// <summary>Per row, the weight shared by all its pool neighbours, or NaN when they differ.</summary>
    public float[] PoolRowWeight { get; } = new float[N];

    /// <summary>CSR neighbour lists of the link graph.</summary>
    public int[] LinkStart { get; } = new int[N + 1];

    public int[] LinkIndex { get; } = new int[N * N];

    public float[] LinkWeight { get; } = new float[N * N];

    /// <summary>Per row, the weight shared by all its link neighbours, or NaN when they differ.</summary>
    public float[] LinkRowWeight { get; } = new float[N];
}
