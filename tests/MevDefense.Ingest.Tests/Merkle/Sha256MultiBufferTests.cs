using System.Security.Cryptography;
using System.Text;
using FsCheck.Xunit;
using MevDefense.Ingest.Internal;

namespace MevDefense.Ingest.Tests.Merkle;

public class Sha256MultiBufferTests
{
    public static TheoryData<int> Paths => [(int)Sha256Path.Auto, (int)Sha256Path.Vector512, (int)Sha256Path.Vector256, (int)Sha256Path.Scalar];

    [Theory]
    [MemberData(nameof(Paths))]
    public void NistVectors_EveryPath_MatchFips180Examples(int path)
    {
        // FIPS 180-2 appendix B / NIST CAVP examples: "abc", the empty string, the 448-bit message, one million 'a'.
        var messages = new[]
        {
            (Encoding.ASCII.GetBytes("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (Array.Empty<byte>(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (Encoding.ASCII.GetBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            (Enumerable.Repeat((byte)'a', 1_000_000).ToArray(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        };

        // All four in one call (lanes of different lengths), and each alone (mostly idle lanes).
        var hasher = new Sha256MultiBuffer((Sha256Path)path);
        var all = HashAll(hasher, [], messages.Select(m => m.Item1).ToArray());
        for (int i = 0; i < messages.Length; i++)
        {
            Assert.Equal(messages[i].Item2, Convert.ToHexStringLower(all[i]));
            Assert.Equal(messages[i].Item2, Convert.ToHexStringLower(HashAll(hasher, [], [messages[i].Item1])[0]));
        }
    }

    [Fact]
    public void Abc_SplitBetweenPrefixAndBody_MatchesWholeMessage()
    {
        var hasher = new Sha256MultiBuffer();
        var digest = HashAll(hasher, "ab"u8.ToArray(), [[(byte)'c']])[0];
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Paths_OnThisMachine_AreTheWidestSupported()
    {
        Assert.Equal(Sha256MultiBuffer.IsVector512Supported ? Sha256Path.Vector512 : Sha256MultiBuffer.IsVector256Supported ? Sha256Path.Vector256 : Sha256Path.Scalar, new Sha256MultiBuffer().Path);
        Assert.Equal(Sha256Path.Scalar, new Sha256MultiBuffer(Sha256Path.Scalar).Path);
    }

    [Property(MaxTest = 150)]
    public void RandomBatches_EveryPath_EqualSystemSha256(int seed)
    {
        // Random count (0..70) of messages of mixed lengths 0..2,000 (block boundaries made likely), random prefix 0..100 bytes.
        var rng = new Random(seed);
        int count = rng.Next(0, 71);
        var prefix = new byte[rng.Next(0, 4) == 0 ? 0 : rng.Next(0, 101)];
        rng.NextBytes(prefix);
        var bodies = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            int len = rng.Next(4) switch
            {
                0 => rng.Next(0, 2001),
                1 => Math.Max(0, (rng.Next(0, 32) * 64) + rng.Next(-10, 10) - prefix.Length),
                2 => rng.Next(0, 130),
                _ => 1045 + rng.Next(0, 30),
            };
            bodies[i] = new byte[len];
            rng.NextBytes(bodies[i]);
        }

        var expected = bodies.Select(b => SHA256.HashData([.. prefix, .. b])).ToArray();
        foreach (var path in new[] { Sha256Path.Auto, Sha256Path.Vector512, Sha256Path.Vector256, Sha256Path.Scalar })
        {
            var actual = HashAll(new Sha256MultiBuffer(path), prefix, bodies);
            for (int i = 0; i < count; i++)
            {
                Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"path {path}, message {i} of {count}, length {bodies[i].Length}, prefix {prefix.Length}");
            }
        }
    }

    [Property(MaxTest = 100)]
    public void HashPadded_EveryPath_EqualsSystemSha256(int seed)
    {
        // Random count (0..60) of messages of one random length (0..300; 66 = a Merkle node join), padded in place, back to back.
        var rng = new Random(seed);
        int count = rng.Next(0, 61);
        int length = rng.Next(3) == 0 ? 66 : rng.Next(0, 301);
        int stride = Sha256MultiBuffer.PaddedLength(length);
        Assert.Equal(0, stride % 64);
        Assert.True(stride >= length + 9 && stride < length + 9 + 64);
        var messages = new byte[count * stride];
        var expected = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            var message = messages.AsSpan(i * stride, stride);
            rng.NextBytes(message);
            expected[i] = SHA256.HashData(message[..length]);
            Sha256MultiBuffer.Pad(message, length);
        }

        foreach (var path in new[] { Sha256Path.Auto, Sha256Path.Vector512, Sha256Path.Vector256, Sha256Path.Scalar })
        {
            var digests = new byte[(count * 32) + 5];
            new Sha256MultiBuffer(path).HashPadded(messages, length, count, digests);
            for (int i = 0; i < count; i++)
            {
                Assert.True(expected[i].AsSpan().SequenceEqual(digests.AsSpan(i * 32, 32)), $"path {path}, message {i} of {count}, length {length}");
            }

            Assert.True(digests.AsSpan(count * 32).IndexOfAnyExcept((byte)0) < 0, "nothing written past the digests");
        }
    }

    [Fact]
    public void HashPadded_BadSizes_Throw()
    {
        var hasher = new Sha256MultiBuffer();
        Assert.Throws<ArgumentException>(() => hasher.HashPadded(new byte[127], 66, 1, new byte[32]));
        Assert.Throws<ArgumentException>(() => hasher.HashPadded(new byte[128], 66, 1, new byte[31]));
        Assert.Throws<ArgumentException>(() => Sha256MultiBuffer.Pad(new byte[64], 66));
        Assert.Throws<ArgumentException>(() => Sha256MultiBuffer.Pad(new byte[128], -1));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ManyEqualLengthMessages_WithOddOnesOut_EqualSystemSha256(int path)
    {
        // Shred-like leaves (equal lengths: the lanes run through their bodies in step) with a few longer and shorter messages mixed in,
        // so that the in-place runs are cut at every lane's own block boundaries.
        var rng = new Random(path + 11);
        var leafPrefix = "\0SOLANA_MERKLE_SHREDS_LEAF"u8.ToArray();
        var bodies = Enumerable.Range(0, 150).Select(i =>
        {
            var b = new byte[i % 37 == 5 ? 1_160 : i % 41 == 7 ? 300 : 1_019];
            rng.NextBytes(b);
            return b;
        }).ToArray();
        var actual = HashAll(new Sha256MultiBuffer((Sha256Path)path), leafPrefix, bodies);
        for (int i = 0; i < bodies.Length; i++)
        {
            Assert.Equal(SHA256.HashData([.. leafPrefix, .. bodies[i]]), actual[i]);
        }
    }

    [Fact]
    public void ReusedInstance_ManyCalls_StaysCorrect()
    {
        var rng = new Random(7);
        var hasher = new Sha256MultiBuffer();
        for (int call = 0; call < 40; call++)
        {
            var bodies = Enumerable.Range(0, rng.Next(1, 40)).Select(_ => { var b = new byte[rng.Next(0, 1300)]; rng.NextBytes(b); return b; }).ToArray();
            var leafPrefix = "\0SOLANA_MERKLE_SHREDS_LEAF"u8.ToArray();
            var actual = HashAll(hasher, leafPrefix, bodies);
            for (int i = 0; i < bodies.Length; i++)
            {
                Assert.Equal(SHA256.HashData([.. leafPrefix, .. bodies[i]]), actual[i]);
            }
        }
    }

    [Fact]
    public void Hash_DigestBufferTooShort_Throws()
    {
        var hasher = new Sha256MultiBuffer();
        Assert.Throws<ArgumentException>(() => HashAll(hasher, [], [[1], [2]], digestBytes: 63));
    }

    internal static byte[][] HashAll(Sha256MultiBuffer hasher, byte[] prefix, byte[][] bodies, int digestBytes = -1)
    {
        // Bodies back to back in one buffer (like datagrams in the ring's slab).
        var all = new byte[bodies.Sum(b => b.Length)];
        var offsets = new int[bodies.Length];
        var lengths = new int[bodies.Length];
        int at = 0;
        for (int i = 0; i < bodies.Length; i++)
        {
            offsets[i] = at;
            lengths[i] = bodies[i].Length;
            bodies[i].CopyTo(all, at);
            at += bodies[i].Length;
        }

        var digests = new byte[digestBytes >= 0 ? digestBytes : 32 * bodies.Length];
        hasher.Hash(prefix, all, offsets, lengths, digests);
        return [.. Enumerable.Range(0, bodies.Length).Select(i => digests.AsSpan(i * 32, 32).ToArray())];
    }

    [Fact]
    public void Hash_MessageOutsideBuffer_Throws()
    {
        var hasher = new Sha256MultiBuffer();
        Assert.Throws<ArgumentException>(() => hasher.Hash([], new byte[10], [5], [6], new byte[32]));
        Assert.Throws<ArgumentException>(() => hasher.Hash([], new byte[10], [11], [0], new byte[32]));
    }
}
