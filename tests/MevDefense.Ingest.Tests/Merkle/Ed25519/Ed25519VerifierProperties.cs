using System.Numerics;
using FsCheck.Xunit;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Merkle.Internal.Ed25519;
using NSec.Cryptography;
using static MevDefense.Ingest.Tests.Merkle.Ed25519.Ed25519Reference;

namespace MevDefense.Ingest.Tests.Merkle.Ed25519;

/// <summary>
/// The precomputed-table verifier (through <see cref="LeaderSignatureVerifier"/>) decides exactly as NSec/libsodium on valid,
/// corrupted and adversarially encoded signatures; its own verdicts (before any libsodium fallback) are never wrong.
/// </summary>
public class Ed25519VerifierProperties
{
    internal static class Generators
    {
        /// <summary>A deterministic NSec key pair and a signature of a 32-byte (Merkle root) or arbitrary-length message.</summary>
        public static (byte[] PublicKey, byte[] Signature, byte[] Message) Signed(Random rng, int? length = null)
        {
            var seed = new byte[32];
            rng.NextBytes(seed);
            var message = new byte[length ?? rng.Next(3) switch { 0 => 32, 1 => rng.Next(0, 200), _ => rng.Next(0, 3000) }];
            rng.NextBytes(message);
            using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
            return (key.PublicKey.Export(KeyBlobFormat.RawPublicKey), SignatureAlgorithm.Ed25519.Sign(key, message), message);
        }

        /// <summary>A random scalar in [1, L).</summary>
        public static BigInteger Scalar(Random rng)
        {
            var b = new byte[40];
            rng.NextBytes(b);
            return (new BigInteger(b, isUnsigned: true) % (L - 1)) + 1;
        }
    }

    private static bool LibsodiumVerify(byte[] publicKey, byte[] signature, byte[] message) =>
        PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key) && key is not null
        && SignatureAlgorithm.Ed25519.Verify(key, message, signature);

    /// <summary>Asserts the full decision equals libsodium's and that the fast verdict alone is never wrong; returns the fast verdict.</summary>
    private static FastVerdict AssertSameVerdict(PrecomputedEd25519Verifier fast, LeaderSignatureVerifier combined, byte[] publicKey, byte[] signature, byte[] message)
    {
        bool expected = LibsodiumVerify(publicKey, signature, message);
        var pubkey = new Pubkey(publicKey);
        FastVerdict verdict = fast.Verify(pubkey, signature, message);
        if (verdict != FastVerdict.Undecided)
        {
            Assert.Equal(expected, verdict == FastVerdict.Valid);
        }

        Assert.Equal(expected, combined.VerifyUncached(pubkey, signature, message));
        return verdict;
    }

    [Property(MaxTest = 60)]
    public void RandomValidSignatures_AcceptedByTheFastPath(int seed)
    {
        var rng = new Random(seed);
        var fast = new PrecomputedEd25519Verifier(buildAfter: 1);
        var combined = new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 1);
        for (int i = 0; i < 3; i++)
        {
            var (pk, sig, msg) = Generators.Signed(rng);
            Assert.True(LibsodiumVerify(pk, sig, msg));
            Assert.Equal(FastVerdict.Valid, AssertSameVerdict(fast, combined, pk, sig, msg));

            // Same key, other messages: the cached table is reused.
            var other = new byte[32];
            rng.NextBytes(other);
            Assert.Equal(FastVerdict.Undecided, AssertSameVerdict(fast, combined, pk, sig, other));
        }

        Assert.Equal(3, combined.LibsodiumVerifications);
        Assert.Equal(3, fast.TablesBuilt);
    }

    [Property(MaxTest = 3)]
    public void EverySingleBitFlip_OfSignatureMessageOrKey_SameVerdictAsLibsodium(int seed)
    {
        var rng = new Random(seed);
        var fast = new PrecomputedEd25519Verifier(keyWindow: 4, buildAfter: 1);
        var combined = new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 1);
        var (pk, sig, msg) = Generators.Signed(rng, length: 32);
        Assert.Equal(FastVerdict.Valid, AssertSameVerdict(fast, combined, pk, sig, msg));
        foreach (var target in new[] { sig, msg, pk })
        {
            for (int bit = 0; bit < target.Length * 8; bit++)
            {
                target[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.NotEqual(FastVerdict.Valid, AssertSameVerdict(fast, combined, pk, sig, msg));
                target[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }
    }

    [Property(MaxTest = 30)]
    public void SPlusMultiplesOfL_Rejected(int seed)
    {
        var rng = new Random(seed);
        var fast = new PrecomputedEd25519Verifier(buildAfter: 1);
        var combined = new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 1);
        var (pk, sig, msg) = Generators.Signed(rng, length: 32);
        var s = new BigInteger(sig.AsSpan(32), isUnsigned: true);
        foreach (var bad in new[] { s + L, s + 2 * L, s + 15 * L, L, (BigInteger.One << 256) - 1 })
        {
            if (bad < BigInteger.One << 256)
            {
                byte[] forged = [.. sig[..32], .. ScalarBytes(bad)];
                Assert.Equal(FastVerdict.Invalid, AssertSameVerdict(fast, combined, pk, forged, msg));
            }
        }
    }

    [Fact]
    public void SmallOrderAndNonCanonicalKeysAndR_SameVerdictAsLibsodium()
    {
        var rng = new Random(7);
        var fast = new PrecomputedEd25519Verifier(buildAfter: 1);
        var combined = new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 1);
        var encodings = new List<byte[]>();
        foreach (var t in SmallOrderPoints)
        {
            encodings.Add(Encode(t));
            encodings.Add(Encode(t, forceSign: true));     // "negative zero" where x = 0
        }

        for (int y = 0; y < 19; y++)
        {
            encodings.Add(RawEncoding(P + y, sign: false));  // y >= p: non-canonical
            encodings.Add(RawEncoding(P + y, sign: true));
        }

        var (pk, sig, msg) = Generators.Signed(rng, length: 32);
        foreach (var e in encodings)
        {
            foreach (var s in new[] { BigInteger.Zero, BigInteger.One, Generators.Scalar(rng) })
            {
                byte[] withR = [.. e, .. ScalarBytes(s)];
                AssertSameVerdict(fast, combined, pk, withR, msg);     // odd R, honest key
                AssertSameVerdict(fast, combined, e, withR, msg);      // odd R, odd key
                AssertSameVerdict(fast, combined, e, sig, msg);        // odd key
                Assert.Null(PrecomputedEd25519Verifier.TryBuildKeyTable(e, 4));
            }
        }

        // A small-order key signs anything whose [k]A works out: S = 0, R = -[k]A; both libsodium and we must reject.
        foreach (var t in SmallOrderPoints)
        {
            byte[] a = Encode(t);
            foreach (var r in SmallOrderPoints)
            {
                byte[] rEnc = Encode(r);
                byte[] forged = [.. rEnc, .. ScalarBytes(0)];
                var k = Challenge(rEnc, a, msg);
                if (Encode(Negate(Multiply(k, t))).AsSpan().SequenceEqual(rEnc))
                {
                    Assert.False(LibsodiumVerify(a, forged, msg));
                }

                AssertSameVerdict(fast, combined, a, forged, msg);
            }
        }
    }

    [Fact]
    public void MixedOrderKey_SignaturesHoldingWithoutCofactor_SameVerdictAsLibsodium()
    {
        // A' = [a]B + T (T of order 8): libsodium decodes it (not small order, canonical) and checks [S]B - [k]A' == R exactly,
        // which holds when [k]T = 0 (k = 0 mod 8); with R small order (S = k*a): holds when R = -[k]T, which libsodium rejects.
        var rng = new Random(11);
        var fast = new PrecomputedEd25519Verifier(buildAfter: 1);
        var combined = new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 1);
        BigInteger a = Generators.Scalar(rng);
        var t = SmallOrderPoints[1];
        var mixed = Add(Multiply(a, B), t);
        byte[] mixedKey = Encode(mixed);
        int fastValid = 0, libsodiumValid = 0, smallOrderR = 0;
        for (int i = 0; i < 48; i++)
        {
            var msg = new byte[32];
            rng.NextBytes(msg);
            byte[] sig = Sign(a, mixedKey, Generators.Scalar(rng), msg);
            if (AssertSameVerdict(fast, combined, mixedKey, sig, msg) == FastVerdict.Valid)
            {
                fastValid++;
            }

            libsodiumValid += LibsodiumVerify(mixedKey, sig, msg) ? 1 : 0;

            // R = small-order point chosen so that the equation holds: the fast path finds the match but must defer.
            foreach (var r in SmallOrderPoints)
            {
                byte[] rEnc = Encode(r);
                var k = Challenge(rEnc, mixedKey, msg);
                if (Encode(Negate(Multiply(k % 8, t))).AsSpan().SequenceEqual(rEnc))
                {
                    byte[] forged = [.. rEnc, .. ScalarBytes(k * a % L)];
                    Assert.Equal(FastVerdict.Undecided, AssertSameVerdict(fast, combined, mixedKey, forged, msg));
                    smallOrderR++;
                }
            }
        }

        Assert.Equal(libsodiumValid, fastValid);
        Assert.InRange(libsodiumValid, 1, 47);
        Assert.True(smallOrderR > 0);
    }

    [Theory]
    [InlineData("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    [InlineData("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a")]
    public void Rfc8032Section71Vectors_Valid(string secret, string publicKey, string message, string signature)
    {
        byte[] pk = Convert.FromHexString(publicKey), msg = Convert.FromHexString(message), sig = Convert.FromHexString(signature);
        using (var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(secret), KeyBlobFormat.RawPrivateKey))
        {
            Assert.Equal(pk, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
            Assert.Equal(sig, SignatureAlgorithm.Ed25519.Sign(key, msg));
        }

        Assert.Equal(FastVerdict.Valid, AssertSameVerdict(new PrecomputedEd25519Verifier(buildAfter: 1), new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 1), pk, sig, msg));
    }

    [Fact]
    public void TableCache_MoreLeadersThanCapacity_EvictsLeastRecentlyUsed()
    {
        var rng = new Random(3);
        var fast = new PrecomputedEd25519Verifier(capacity: 2, keyWindow: 4, buildAfter: 1);
        var keys = Enumerable.Range(0, 3).Select(_ => Generators.Signed(rng, length: 32)).ToArray();
        foreach (int i in new[] { 0, 1, 0, 2, 0, 1 })
        {
            Assert.Equal(FastVerdict.Valid, fast.Verify(new Pubkey(keys[i].PublicKey), keys[i].Signature, keys[i].Message));
        }

        // 0, 1 built; 0 hit; 2 evicts 1; 0 hit; 1 evicts 2.
        Assert.Equal(4, fast.TablesBuilt);
    }

    [Fact]
    public void BuildAfter_FirstUsesOfAKeyLeftToLibsodium_TableBuiltOnceAtTheThreshold()
    {
        var rng = new Random(9);
        var fast = new PrecomputedEd25519Verifier(capacity: 1, keyWindow: 4, buildAfter: 3);
        var combined = new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 3);
        var (pk, sig, msg) = Generators.Signed(rng, length: 32);
        var expected = new[] { FastVerdict.Undecided, FastVerdict.Undecided, FastVerdict.Valid, FastVerdict.Valid };
        foreach (var verdict in expected)
        {
            Assert.Equal(verdict, AssertSameVerdict(fast, combined, pk, sig, msg));
        }

        Assert.Equal(1, fast.TablesBuilt);
        Assert.Equal(2, combined.LibsodiumVerifications);

        // Another key evicts the only slot; coming back starts counting again.
        var other = Generators.Signed(rng, length: 32);
        Assert.Equal(FastVerdict.Undecided, AssertSameVerdict(fast, combined, other.PublicKey, other.Signature, other.Message));
        Assert.Equal(FastVerdict.Undecided, AssertSameVerdict(fast, combined, pk, sig, msg));
        Assert.Equal(1, fast.TablesBuilt);

        // A small-order key never gets a table, and its build is attempted once.
        byte[] smallOrder = Encode(SmallOrderPoints[2]);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(FastVerdict.Undecided, AssertSameVerdict(fast, combined, smallOrder, sig, msg));
        }

        Assert.Equal(2, fast.TablesBuilt);
    }

    [Fact]
    public void DisabledOrExplicitNSec_DecidesThroughLibsodiumOnly()
    {
        var rng = new Random(5);
        var (pk, sig, msg) = Generators.Signed(rng, length: 32);
        var nsecOnly = new LeaderSignatureVerifier(16, usePrecomputed: false);
        Assert.False(nsecOnly.UsesPrecomputedVerifier);
        Assert.True(nsecOnly.VerifyUncached(new Pubkey(pk), sig, msg));
        Assert.Equal(1, nsecOnly.LibsodiumVerifications);
        Assert.True(new LeaderSignatureVerifier().UsesPrecomputedVerifier);
    }
}
