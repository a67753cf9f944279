namespace MevDefense.Detection.Features;

/// <summary>
/// Shape constants of the model input: a window of up to <see cref="WindowSize"/> transactions in block order,
/// each described by <see cref="Count"/> floats (layout version <see cref="LayoutVersion"/>, documented in
/// <c>Features/FEATURES.md</c>).
/// </summary>
public static class TransactionFeatures
{
    /// <summary>The number of floats per transaction.</summary>
    public const int Count = 128;

    /// <summary>The maximum number of transactions in one window.</summary>
    public const int WindowSize = 64;

    /// <summary>The feature layout version; a model trained on another layout is refused.</summary>
    public const int LayoutVersion = 1;
}
