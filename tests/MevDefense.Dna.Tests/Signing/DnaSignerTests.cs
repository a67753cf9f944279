namespace MevDefense.Dna.Tests.Signing;

public sealed class DnaSignerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dna-signer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void LoadOrCreate_WritesPkcs8PemWithMode0600_AndReloadsSameKey()
    {
        string path = Path.Combine(_dir, "sub", "signing.key");
        using DnaSigner created = DnaSigner.LoadOrCreate(path);
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path), StringComparison.Ordinal);
        using DnaSigner loaded = DnaSigner.LoadOrCreate(path);
        Assert.Equal(created.PublicKey, loaded.PublicKey);
        Assert.Equal(created.KeyId, loaded.KeyId);
    }

    [Fact]
    public void RawSeed_Pem_And_Der_LoadTheSameKey()
    {
        byte[] seed = LedgerHarness.Seed(3);
        using DnaSigner fromSeed = DnaSigner.FromKeyFile(seed);
        byte[] pem = fromSeed.ExportPkcs8Pem();
        using DnaSigner fromPem = DnaSigner.FromKeyFile(pem);
        string b64 = string.Concat(System.Text.Encoding.ASCII.GetString(pem).Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        using DnaSigner fromDer = DnaSigner.FromKeyFile(Convert.FromBase64String(b64));
        Assert.Equal(fromSeed.PublicKey, fromPem.PublicKey);
        Assert.Equal(fromSeed.PublicKey, fromDer.PublicKey);
    }

    [Fact]
    public void KeyId_IsFirst8BytesOfSha256OfPublicKey_AndNeverLeaksKey()
    {
        using DnaSigner s = DnaSigner.FromSeed(LedgerHarness.Seed(4));
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(s.PublicKey.AsSpan())[..8]);
        Assert.Equal(expected, s.KeyId);
        Assert.DoesNotContain(Convert.ToBase64String(LedgerHarness.Seed(4)), s.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(LedgerHarness.Seed(4)), s.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Signatures_VerifyAndRejectTampering()
    {
        using DnaSigner s = DnaSigner.FromSeed(LedgerHarness.Seed(5));
        Signature sig = s.Sign("hello"u8);
        Assert.True(DnaSigner.Verify(s.PublicKey, "hello"u8, sig.AsSpan()));
        Assert.False(DnaSigner.Verify(s.PublicKey, "hellO"u8, sig.AsSpan()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(100)]
    public void BadKeyFiles_ThrowFormatException(int length)
    {
        Assert.Throws<FormatException>(() => DnaSigner.FromKeyFile(new byte[length]));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
