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

    [Property(MaxTest = 1000)]
    public bool Pubkey_CompareEqualsIsZero_MatchByteSpanOperations(byte[] seed, byte diffAt, byte diffValue, bool zero)
    {
        // Keys that share long prefixes (one byte changed) as well as random and all-zero keys: the word-wise CompareTo, the
        // vector Equals and IsZero must agree with the byte-span operations exactly (CompareTo's value too, not only its sign).
        var a = new byte[Pubkey.Size];
        if (!zero)
        {
            seed.AsSpan(0, Math.Min(seed.Length, Pubkey.Size)).CopyTo(a);
        }

        var b = (byte[])a.Clone();
        b[diffAt % Pubkey.Size] = diffValue;
        var x = new Pubkey(a);
        var y = new Pubkey(b);
        return x.CompareTo(y) == a.AsSpan().SequenceCompareTo(b) && y.CompareTo(x) == b.AsSpan().SequenceCompareTo(a)
            && x.CompareTo(x) == 0 && (x == y) == a.AsSpan().SequenceEqual(b) && (x != y) == !a.AsSpan().SequenceEqual(b)
            && x.Equals((object)y) == a.AsSpan().SequenceEqual(b)
            && x.IsZero == (a.AsSpan().IndexOfAnyExcept((byte)0) < 0) && y.IsZero == (b.AsSpan().IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void Pubkey_CompareTo_IsByteLexicographic()
    {
        var low = new byte[Pubkey.Size];
        var high = new byte[Pubkey.Size];
        low[31] = 0xFF; // a larger last byte does not outweigh a larger first byte
        high[0] = 1;
        Assert.True(new Pubkey(low).CompareTo(new Pubkey(high)) < 0);
        Assert.Equal(-1, new Pubkey(low).CompareTo(new Pubkey(high)));
        high[0] = 0;
        high[31] = 0x01;
        Assert.Equal(0xFF - 0x01, new Pubkey(low).CompareTo(new Pubkey(high)));
        Assert.True(Pubkey.Zero.IsZero);
        Assert.False(new Pubkey(low).IsZero);
    }

    [Property(MaxTest = 300)]
    public bool Signature_RoundTrip(Guid a, Guid b, Guid c, Guid d)
    {
        var bytes = a.ToByteArray().Concat(b.ToByteArray()).Concat(c.ToByteArray()).Concat(d.ToByteArray()).ToArray();
        var sig = new Signature(bytes);
        return Signature.Parse(sig.ToString()) == sig;
    }
}
