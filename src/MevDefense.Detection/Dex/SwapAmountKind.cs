namespace MevDefense.Detection.Dex;

/// <summary>How the amounts of a <see cref="SwapIntent"/> are specified.</summary>
public enum SwapAmountKind : byte
{
    /// <summary><see cref="SwapIntent.Amount"/> is the exact input; <see cref="SwapIntent.Limit"/> the minimum output.</summary>
    ExactIn = 0,

    /// <summary><see cref="SwapIntent.Amount"/> is the exact output; <see cref="SwapIntent.Limit"/> the maximum input.</summary>
    ExactOut = 1,
}
