using System.Runtime.Intrinsics;
using MevDefense.Detection.Features.Internal;

namespace MevDefense.Detection.Features;

/// <summary>
/// Preallocated model input for one window: node features <c>[64,128]</c>, two row-normalised adjacency matrices
/// <c>[64,64]</c> (shared pool; linked identity: signer, token account or funding transfer) and an additive key mask
/// <c>[64]</c> (0 for real transactions, -10000 for padding). Reuse one instance per thread.
/// </summary>
public sealed class WindowTensors
{
    /// <summary>The additive mask value of padding positions.</summary>
    public const float MaskedValue = -10000f;

    /// <summary>Initializes a new instance with all buffers allocated once.</summary>
    public WindowTensors()
    {
        Features = new float[TransactionFeatures.WindowSize * TransactionFeatures.Count];
        PoolAdjacency = new float[TransactionFeatures.WindowSize * TransactionFeatures.WindowSize];
        LinkAdjacency = new float[TransactionFeatures.WindowSize * TransactionFeatures.WindowSize];
        KeyMask = new float[TransactionFeatures.WindowSize];
    }

    /// <summary>Gets the node features, row-major <c>[64,128]</c>; rows at and after <see cref="Count"/> are zero.</summary>
    public float[] Features { get; }

    /// <summary>Gets the shared-pool adjacency, row-major <c>[64,64]</c>, each non-empty row summing to 1.</summary>
    public float[] PoolAdjacency { get; }

    /// <summary>Gets the linked-identity adjacency, row-major <c>[64,64]</c>, each non-empty row summing to 1.</summary>
    public float[] LinkAdjacency { get; }

    /// <summary>Gets the additive attention key mask <c>[64]</c>.</summary>
    public float[] KeyMask { get; }

    /// <summary>Gets the number of real transactions in the window.</summary>
    public int Count { get; internal set; }

    /// <summary>
    /// Loads caller-supplied feature vectors (the <c>/defensive/detect</c> shape: <paramref name="count"/> rows of
    /// <see cref="TransactionFeatures.Count"/> floats) and rebuilds the graph and mask from their identity slots.
    /// </summary>
    /// <param name="features">Row-major features, exactly <paramref name="count"/> × 128 floats.</param>
    /// <param name="count">The number of transactions, 0..64.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside 0..64.</exception>
    /// <exception cref="ArgumentException"><paramref name="features"/> has the wrong length or holds a non-finite value.</exception>
    public void LoadFeatures(ReadOnlySpan<float> features, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, TransactionFeatures.WindowSize);
        if (features.Length != count * TransactionFeatures.Count)
        {
            throw new ArgumentException($"Expected {count * TransactionFeatures.Count} floats ({count} x {TransactionFeatures.Count}), got {features.Length}.", nameof(features));
        }

        ThrowIfNotFinite(features, nameof(features));

        features.CopyTo(Features);
        Array.Clear(Features, features.Length, Features.Length - features.Length);
        Count = count;
        WindowGraph.Build(this);
    }

    /// <summary>Clears every buffer (an empty window).</summary>
    public void Clear()
    {
        Array.Clear(Features);
        Array.Clear(PoolAdjacency);
        Array.Clear(LinkAdjacency);
        Array.Fill(KeyMask, MaskedValue);
        Array.Clear(SamePool);
        Array.Clear(Linked);
        Array.Clear(SharedAccount);
        Count = 0;
    }

    /// <summary>Gets the symmetric same-pool relation <c>[64,64]</c> (no self pairs).</summary>
    internal bool[] SamePool { get; } = new bool[TransactionFeatures.WindowSize * TransactionFeatures.WindowSize];

    /// <summary>Gets the symmetric linked-identity relation <c>[64,64]</c> (no self pairs).</summary>
    internal bool[] Linked { get; } = new bool[TransactionFeatures.WindowSize * TransactionFeatures.WindowSize];

    /// <summary>Gets the symmetric shared-token-account relation <c>[64,64]</c>.</summary>
    internal bool[] SharedAccount { get; } = new bool[TransactionFeatures.WindowSize * TransactionFeatures.WindowSize];

    /// <summary>Throws the <see cref="ArgumentException"/> of <see cref="LoadFeatures"/> when a value is not finite.</summary>
    internal static void ThrowIfNotFinite(ReadOnlySpan<float> features, string paramName)
    {
        if (!AllFinite(features))
        {
            throw new ArgumentException("Features must be finite numbers.", paramName);
        }
    }

    /// <summary>
    /// Whether every value is finite: <c>x - x</c> is +0 (all bits clear) for finite <c>x</c> and NaN (some bits set) for
    /// infinities and NaN, so OR-ing the differences' bits over the whole span and testing once is exact.
    /// </summary>
    internal static bool AllFinite(ReadOnlySpan<float> values)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<int> bits0 = Vector512<int>.Zero, bits1 = Vector512<int>.Zero;
            for (; i <= values.Length - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
            {
                var v = Vector512.Create(values.Slice(i, Vector512<float>.Count));
                var u = Vector512.Create(values.Slice(i + Vector512<float>.Count, Vector512<float>.Count));
                bits0 |= (v - v).AsInt32();
                bits1 |= (u - u).AsInt32();
            }

            if ((bits0 | bits1) != Vector512<int>.Zero)
            {
                return false;
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var bits = Vector256<int>.Zero;
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
                bits |= (v - v).AsInt32();
            }

            if (bits != Vector256<int>.Zero)
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal Span<float> Row(int index) => Features.AsSpan(index * TransactionFeatures.Count, TransactionFeatures.Count);

}
