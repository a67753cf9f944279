using System.Security.Cryptography;
using FsCheck.Xunit;
using MevDefense.Dna.Internal.Ed25519;

namespace MevDefense.Dna.Tests.Signing.Ed25519Batch;

/// <summary>The 8-lane single-block SHA-512 against <see cref="SHA512"/>.</summary>
public sealed class Ed25519Sha512x8Properties
{
    [Property(MaxTest = 300)]
    public bool EightSingleBlockMessages_MatchSha512(int seed)
    {
        if (!FieldElement8.IsSupported)
        {
            return true;
        }

        var rng = new Random(seed);
        byte[] blocks = new byte[8 * 128];
        rng.NextBytes(blocks); // garbage beyond each message must be overwritten by the padding
        byte[][] messages = new byte[8][];
        for (int lane = 0; lane < 8; lane++)
        {
            int length = rng.Next(3) == 0 ? Sha512x8.MaxMessageLength - rng.Next(3) : rng.Next(0, Sha512x8.MaxMessageLength + 1);
            messages[lane] = new byte[length];
            rng.NextBytes(messages[lane]);
            messages[lane].CopyTo(blocks.AsSpan(128 * lane));
            Sha512x8.Pad(length, blocks.AsSpan(128 * lane, 128));
        }

        byte[] digests = new byte[8 * 64];
        Sha512x8.HashBlocks(blocks, digests);
        for (int lane = 0; lane < 8; lane++)
        {
            if (!digests.AsSpan(64 * lane, 64).SequenceEqual(SHA512.HashData(messages[lane])))
            {
                return false;
            }
        }

        return true;
    }
}
