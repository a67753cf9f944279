using FsCheck;
using FsCheck.Fluent;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Dex.Internal;

namespace MevDefense.Detection.Tests.Dex;

/// <summary>Decoders never throw and never write past their destination, whatever the bytes and account counts.</summary>
public sealed class DecoderProperties
{
    private static readonly IReadOnlyList<ISwapDecoder> Decoders = SwapDecoderRegistry.BuiltInDecoders();

    private static readonly ulong[] Discriminators =
    [
        Anchor.Swap, Anchor.SwapV2, Anchor.Swap2, Anchor.TwoHopSwap, Anchor.TwoHopSwapV2, Anchor.SwapBaseInput, Anchor.SwapBaseOutput,
        Anchor.SwapExactOut, Anchor.SwapExactOut2, Anchor.SwapWithPriceImpact, Anchor.SwapWithPriceImpact2, Anchor.SwapRouterBaseIn,
        Anchor.Buy, Anchor.Sell, Anchor.BuyExactSolIn, Anchor.BuyExactQuoteIn, Anchor.Route, Anchor.SharedAccountsRoute,
        Anchor.RouteWithTokenLedger, Anchor.SharedAccountsRouteWithTokenLedger, Anchor.ExactOutRoute, Anchor.SharedAccountsExactOutRoute,
        Anchor.PlaceTakeOrder,
    ];

    [FsCheck.Xunit.Property(MaxTest = 400)]
    public bool Decode_ArbitraryInput_NeverThrowsAndStaysInBounds(byte[] tail, byte discIndex, byte accountCount, byte decoderIndex, byte destSize, bool useDisc)
    {
        tail ??= [];
        var decoder = Decoders[decoderIndex % Decoders.Count];
        byte[] data;
        if (useDisc)
        {
            data = new byte[8 + tail.Length];
            Anchor.Write(Discriminators[discIndex % Discriminators.Length], data);
            tail.CopyTo(data, 8);
        }
        else
        {
            data = tail;
        }

        var accounts = new Pubkey[accountCount % 40];
        var k = new byte[32];
        for (var i = 0; i < accounts.Length; i++)
        {
            k.AsSpan().Fill((byte)(i + 1));
            accounts[i] = i % 5 == 0 ? decoder.ProgramId : new Pubkey(k);
        }

        var dest = new SwapIntent[destSize % 5];
        var status = decoder.Decode(accounts, data, dest, out var written);
        return written <= dest.Length && (status == SwapDecodeStatus.Decoded || written == 0);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool Decode_TruncatedValidSwap_IsMalformedNotThrown(byte cut)
    {
        // A valid Whirlpool swap cut anywhere before its last argument byte is Malformed.
        var data = new byte[8 + 34];
        Anchor.Write(Anchor.Swap, data);
        var accounts = new Pubkey[11];
        var length = cut % data.Length;
        var status = new WhirlpoolDecoder().Decode(accounts, data.AsSpan(0, length), new SwapIntent[2], out var written);
        return status == SwapDecodeStatus.Malformed && written == 0;
    }

    [Fact]
    public void Anchor_Sighash_MatchesPublishedDiscriminators()
    {
        Assert.Equal("f8c69e91e17587c8", Hex(Anchor.Swap));
        Assert.Equal("2b04ed0b1ac91e62", Hex(Anchor.SwapV2));
        Assert.Equal("e517cb977ae3ad2a", Hex(Anchor.Route));
        Assert.Equal("c1209b3341d69c81", Hex(Anchor.SharedAccountsRoute));
        Assert.Equal("032c47031ac7cb55", Hex(Anchor.PlaceTakeOrder));
        Assert.Equal("2e9cf3760dcdfbb2", Hex(Anchor.IncreaseLiquidity));
    }

    [Fact]
    public void JitoTipAccounts_KnowsEightTipsAndDontFrontRange()
    {
        Assert.Equal(8, JitoTipAccounts.All.Length);
        Assert.True(JitoTipAccounts.IsTipAccount(Pubkey.Parse("96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5")));
        Assert.False(JitoTipAccounts.IsTipAccount(DexProgramIds.JupiterV6));
        Assert.True(JitoTipAccounts.IsDontFrontMarker(Pubkey.Parse("jitodontfront111111111111111111111111111111")));
        Assert.True(JitoTipAccounts.IsDontFrontMarker(Pubkey.Parse("jitodontfront111111111111111111111111111123")));
        Assert.False(JitoTipAccounts.IsDontFrontMarker(Pubkey.Parse("jitodontfronu111111111111111111111111111111")));
        Assert.False(JitoTipAccounts.IsDontFrontMarker(DexProgramIds.OrcaWhirlpool));
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool IsDontFrontMarker_PrefixPreCheck_MatchesTheRangeComparison(byte[] tail, byte cut, bool fromHigh, byte delta)
    {
        // Keys that share a prefix of random length with either end of the range, the byte after it nudged either way: the
        // eight-byte pre-check must never change the answer of the full comparison.
        var low = Pubkey.Parse("jitodontfront111111111111111111111111111111");
        var high = Pubkey.Parse("jitodontfronu111111111111111111111111111111");
        var bytes = (fromHigh ? high : low).ToArray();
        var at = cut % Pubkey.Size;
        bytes[at] = (byte)(bytes[at] + (sbyte)delta);
        tail ??= [];
        for (var i = at + 1; i < Pubkey.Size && i - at - 1 < tail.Length; i++)
        {
            bytes[i] = tail[i - at - 1];
        }

        var key = new Pubkey(bytes);
        return JitoTipAccounts.IsDontFrontMarker(key) == (key.CompareTo(low) >= 0 && key.CompareTo(high) < 0);
    }

    private static string Hex(ulong disc)
    {
        var b = new byte[8];
        Anchor.Write(disc, b);
        return Convert.ToHexStringLower(b);
    }
}
