using FsCheck.Xunit;

namespace MevDefense.Dna.Tests.Records;

public sealed class InputFingerprintTests
{
    [Fact]
    public void Boundaries_AreUnambiguous()
    {
        byte[] a = InputFingerprint.Compute([new byte[] { 1, 2 }, new byte[] { 3 }]);
        byte[] b = InputFingerprint.Compute([new byte[] { 1 }, new byte[] { 2, 3 }]);
        byte[] c = InputFingerprint.Compute([new byte[] { 1, 2, 3 }]);
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(b, c);
    }

    [Fact]
    public void Matches_Blake3_OfTheDocumentedEncoding()
    {
        byte[] expected = new byte[32];
        byte[] encoding = [.. "mevdefense/dna/input/v1\n"u8.ToArray(), 2, 0, 0, 0, 0, 0, 0, 0, 0xAA, 0xBB];
        Blake3.Hasher.Hash(encoding, expected);
        Assert.Equal(expected, InputFingerprint.Compute([new byte[] { 0xAA, 0xBB }]));
    }

    [Property(MaxTest = 100)]
    public bool IsDeterministic_AndOrderSensitive(byte[] x, byte[] y)
    {
        x ??= [];
        y ??= [];
        byte[] xy = InputFingerprint.Compute([x, y]);
        return xy.AsSpan().SequenceEqual(InputFingerprint.Compute([x, y]))
            && (x.AsSpan().SequenceEqual(y) || !xy.AsSpan().SequenceEqual(InputFingerprint.Compute([y, x])));
    }
}
