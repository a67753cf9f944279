using FsCheck;
using FsCheck.Xunit;
using MevDefense.Wire;

namespace MevDefense.Core.Tests;

public class ShortVecTests
{
    [Theory]
    [InlineData(0x00, "00")]
    [InlineData(0x7f, "7f")]
    [InlineData(0x80, "8001")]
    [InlineData(0xff, "ff01")]
    [InlineData(0x100, "8002")]
    [InlineData(0x3fff, "ff7f")]
    [InlineData(0x4000, "808001")]
    [InlineData(0xffff, "ffff03")]
    public void Write_KnownValues_MatchSolanaEncoding(int value, string hex)
    {
        Span<byte> buf = stackalloc byte[3];
        int n = ShortVec.Write(buf, value);
        Assert.Equal(hex, Convert.ToHexStringLower(buf[..n]));
        Assert.True(ShortVec.TryRead(Convert.FromHexString(hex), out var back, out int read));
        Assert.Equal(value, back);
        Assert.Equal(n, read);
    }

    [Theory]
    [InlineData("8000")]
    [InlineData("ff00")]
    [InlineData("80808000")]
    [InlineData("808004")]
    [InlineData("808000")]
    [InlineData("80")]
    [InlineData("")]
    public void TryRead_AliasOrOverflowOrTruncated_Rejected(string hex)
    {
        Assert.False(ShortVec.TryRead(Convert.FromHexString(hex), out _, out _));
    }

    [Property(MaxTest = 2000)]
    public bool RoundTrip_AnyU16(ushort value)
    {
        Span<byte> buf = stackalloc byte[3];
        int n = ShortVec.Write(buf, value);
        return ShortVec.TryRead(buf[..n], out var back, out int read) && back == value && read == n;
    }

    [Property(MaxTest = 5000)]
    public bool TryRead_AcceptsOnlyCanonical(byte[] bytes)
    {
        if (!ShortVec.TryRead(bytes, out var v, out int read))
        {
            return true;
        }

        Span<byte> buf = stackalloc byte[3];
        int n = ShortVec.Write(buf, v);
        return n == read && buf[..n].SequenceEqual(bytes.AsSpan(0, read));
    }
}
