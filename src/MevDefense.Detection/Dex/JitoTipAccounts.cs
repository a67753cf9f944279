namespace MevDefense.Detection.Dex;

/// <summary>
/// The eight Jito tip accounts (PDAs of the tip-payment program <c>T1pyyaTNZsKv2WcRAB8oVnk93mLJw2XzjtVYqCsaHqt</c>, seeds
/// <c>TIP_ACCOUNT_0..7</c>) and the <c>jitodontfront</c> marker range.
/// </summary>
public static class JitoTipAccounts
{
    /// <summary>The tip-payment program.</summary>
    public static readonly Pubkey TipPaymentProgram = Pubkey.Parse("T1pyyaTNZsKv2WcRAB8oVnk93mLJw2XzjtVYqCsaHqt");

    private static readonly Pubkey[] Tips =
    [
        Pubkey.Parse("96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5"),
        Pubkey.Parse("HFqU5x63VTqvQss8hp11i4wVV8bD44PvwucfZ2bU7gRe"),
        Pubkey.Parse("Cw8CFyM9FkoMi7K7Crf6HNQqf4uEMzpKw6QNghXLvLkY"),
        Pubkey.Parse("ADaUMid9yfUytqMBgopwjb2DTLSokTSzL1zt6iGPaS49"),
        Pubkey.Parse("DfXygSm4jCyNCybVYYK6DwvWqjKee8pbDmJGcLWNDXjh"),
        Pubkey.Parse("ADuUkR4vqLUMWXxW9gh6D6L8pMSawimctcNZ5pGwDcEt"),
        Pubkey.Parse("DttWaMuVvTiduZRnguLF7jNxTgiMBZ1hyAumKUiL2KRL"),
        Pubkey.Parse("3AVi9Tg9Uo68tJfuvoKvqKNWKkC5wPdSSdeBnizKZ6jT"),
    ];

    private static readonly Pubkey DontFrontLow = Pubkey.Parse("jitodontfront111111111111111111111111111111");
    private static readonly Pubkey DontFrontHigh = Pubkey.Parse("jitodontfronu111111111111111111111111111111");

    // The range's first eight bytes, big-endian: a key outside [low, high] there is outside the range (checked per key).
    private static readonly ulong DontFrontLowPrefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(DontFrontLow.AsSpan());
    private static readonly ulong DontFrontHighPrefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(DontFrontHigh.AsSpan());

    /// <summary>Gets the eight tip accounts in seed order.</summary>
    public static ReadOnlySpan<Pubkey> All => Tips;

    /// <summary>Gets the canonical <c>jitodontfront</c> marker account (<c>jitodontfront111111111111111111111111111111</c>).</summary>
    public static Pubkey DontFrontMarker => DontFrontLow;

    /// <summary>Returns whether <paramref name="account"/> is one of the eight tip accounts.</summary>
    /// <param name="account">The account.</param>
    /// <returns><see langword="true"/> for a tip account.</returns>
    public static bool IsTipAccount(in Pubkey account)
    {
        foreach (ref readonly var t in Tips.AsSpan())
        {
            if (t == account)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether <paramref name="account"/> is a <c>jitodontfront</c> marker: any key in
    /// [<c>jitodontfront111…</c>, <c>jitodontfronu111…</c>), i.e. whose base58 starts with <c>jitodontfront</c>.</summary>
    /// <param name="account">The account.</param>
    /// <returns><see langword="true"/> for a marker.</returns>
    public static bool IsDontFrontMarker(in Pubkey account)
        => MayBeDontFrontMarker(account) && account.CompareTo(DontFrontLow) >= 0 && account.CompareTo(DontFrontHigh) < 0;

    /// <summary>The cheap first test of <see cref="IsDontFrontMarker"/> (the first eight bytes); <see langword="false"/> rules a marker out.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool MayBeDontFrontMarker(in Pubkey account)
    {
        var prefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(account.AsSpan());
        return prefix - DontFrontLowPrefix <= DontFrontHighPrefix - DontFrontLowPrefix;
    }
}
