using FsCheck;
using FsCheck.Xunit;

namespace MevDefense.Core.Tests;

public class PrimitiveTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("00", "1")]
    [InlineData("0000", "11")]
    [InlineData("61", "2g")]
    [InlineData("626262", "a3gV")]
    [InlineData("636363", "aPEr")]
    [InlineData("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2")]
    [InlineData("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L")]
    [InlineData("516b6fcd0f", "ABnLTmg")]
    [InlineData("bf4f89001e670274dd", "3SEo3LWLoPntC")]
    [InlineData("572e4794", "3EFU7m")]
    [InlineData("ecac89cad93923c02321", "EJDM8drfXA6uyA")]
    [InlineData("10c8511e", "Rt5zm")]
    [InlineData("00000000000000000000", "1111111111")]
    public void Base58_BitcoinVectors_RoundTrip(string hex, string b58)
    {
        byte[] data = Convert.FromHexString(hex);
        Assert.Equal(b58, Base58.Encode(data));
        Assert.Equal(data, Base58.Decode(b58));
    }

    [Theory]
    [InlineData("0OIl")]
    [InlineData("abc!")]
    [InlineData("é")]
    public void Base58_InvalidCharacters_FormatException(string text)
    {
        Assert.Throws<FormatException>(() => Base58.Decode(text));
    }

    [Fact]
    public void Pubkey_SystemProgramAndKnownKeys_Parse()
    {
        Assert.True(Pubkey.Parse("11111111111111111111111111111111").IsZero);
        var memo = Pubkey.Parse("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
        Assert.Equal("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr", memo.ToString());
        Assert.False(Pubkey.TryParse("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcH", out _)); // 31 bytes
        Assert.Throws<FormatException>(() => Signature.Parse("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"));
    }

    [Property(MaxTest = 500)]
    public bool Base58_RoundTrip(byte[] data) => Base58.Decode(Base58.Encode(data)).AsSpan().SequenceEqual(data);

    [Property(MaxTest = 500)]
    public bool Pubkey_RoundTrip_AndEquality(Guid a, Guid b)
    {
        var bytes = a.ToByteArray().Concat(b.ToByteArray()).ToArray();
        var key = new Pubkey(bytes);
        var parsed = Pubkey.Parse(key.ToString());
        return parsed == key && parsed.GetHashCode() == key.GetHashCode() && parsed.AsSpan().SequenceEqual(bytes);
    }

    [Property(MaxTest = 300)]
    public bool Signature_RoundTrip(Guid a, Guid b, Guid c, Guid d)
    {
        var bytes = a.ToByteArray().Concat(b.ToByteArray()).Concat(c.ToByteArray()).Concat(d.ToByteArray()).ToArray();
        var sig = new Signature(bytes);
        return Signature.Parse(sig.ToString()) == sig;
    }
}
