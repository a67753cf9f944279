using System.Security.Cryptography;
using FsCheck.Xunit;
using MevDefense.Dna.Internal;

namespace MevDefense.Dna.Tests.Merkle;

public sealed class NativeSha256Tests
{
    [Fact]
    public void FastPath_IsAvailableOnLinux()
    {
        bool present = OperatingSystem.IsLinux() && File.Exists("/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
        Assert.True(!present || LibCryptoSha256.IsAvailable, "libcrypto.so.3 is present but the SHA-256 fast path did not pass its self test");
    }

    [Property(MaxTest = 200)]
    public bool FastPath_MatchesBcl(byte[] data)
    {
        data ??= [];
        if (!LibCryptoSha256.IsAvailable)
        {
            return true;
        }

        byte[] a = new byte[32];
        LibCryptoSha256.Hash(data, a);
        return a.AsSpan().SequenceEqual(SHA256.HashData(data));
    }
}
