namespace MevDefense.Detection.Dex;

/// <summary>The outcome of <see cref="ISwapDecoder.Decode"/>.</summary>
public enum SwapDecodeStatus : byte
{
    /// <summary>The instruction is a swap and was decoded.</summary>
    Decoded = 0,

    /// <summary>The instruction belongs to the program but is not a swap (for example add liquidity).</summary>
    NotSwap = 1,

    /// <summary>The instruction claims to be a swap but its data or account list is too short or inconsistent.</summary>
    Malformed = 2,

    /// <summary>The destination span is too small for every swap the instruction contains.</summary>
    DestinationTooSmall = 3,
}
