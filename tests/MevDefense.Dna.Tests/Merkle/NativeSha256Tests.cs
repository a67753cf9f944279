using System.Security.Cryptography;
using FsCheck.Xunit;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Merkle;

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

    [Fact]
    public void NodePath_IsAvailableWhenTheFastPathIs()
    {
        Assert.True(!LibCryptoSha256.IsAvailable || LibCryptoSha256.IsNodeAvailable, "SHA256_Transform node path did not pass its self test");
    }

    [Property(MaxTest = 300)]
    public bool NodePath_MatchesBcl(int seed)
    {
        if (!LibCryptoSha256.IsNodeAvailable)
        {
            return true;
        }

        var random = new Random(seed);
        byte[] input = new byte[65];
        random.NextBytes(input);
        input[0] = 1;
        byte[] a = new byte[32];
        LibCryptoSha256.HashNode(input.AsSpan(1, 32), input.AsSpan(33, 32), a);
        byte[] viaHasher = new byte[32];
        Rfc6962Hasher.Sha256.HashChildren(input.AsSpan(1, 32), input.AsSpan(33, 32), viaHasher);
        byte[] expected = SHA256.HashData(input);
        return a.AsSpan().SequenceEqual(expected) && viaHasher.AsSpan().SequenceEqual(expected);
    }
}
