namespace MevDefense.Detection.Dex.Internal;

internal static class DecoderHelpers
{
    public static SwapDecodeStatus One(in SwapIntent swap, Span<SwapIntent> destination, out int written)
    {
        if (destination.IsEmpty)
        {
            written = 0;
            return SwapDecodeStatus.DestinationTooSmall;
        }

        destination[0] = swap;
        written = 1;
        return SwapDecodeStatus.Decoded;
    }

    public static SwapDecodeStatus Malformed(out int written)
    {
        written = 0;
        return SwapDecodeStatus.Malformed;
    }

    public static SwapDecodeStatus NotSwap(out int written)
    {
        written = 0;
        return SwapDecodeStatus.NotSwap;
    }

    /// <summary>The canonical direction from the two mints: token A is the lower key.</summary>
    public static SwapDirection FromMints(in Pubkey sourceMint, in Pubkey destinationMint)
    {
        if (sourceMint.IsZero || destinationMint.IsZero)
        {
            return SwapDirection.Unknown;
        }

        var c = sourceMint.CompareTo(destinationMint);
        return c < 0 ? SwapDirection.AToB : c > 0 ? SwapDirection.BToA : SwapDirection.Unknown;
    }

    public static SwapDirection FromFlag(bool aToB) => aToB ? SwapDirection.AToB : SwapDirection.BToA;

    /// <summary>Account <paramref name="index"/>, or zero when the list is shorter (optional trailing accounts).</summary>
    public static Pubkey At(ReadOnlySpan<Pubkey> accounts, int index) => (uint)index < (uint)accounts.Length ? accounts[index] : default;
}
