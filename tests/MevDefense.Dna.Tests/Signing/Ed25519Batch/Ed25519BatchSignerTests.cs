using System.Runtime.Intrinsics;
using FsCheck.Xunit;
using MevDefense.Dna.Internal.Ed25519;
using NSec.Cryptography;

namespace MevDefense.Dna.Tests.Signing.Ed25519Batch;

/// <summary>The 8-lane batch signer against RFC 8032 and NSec (libsodium): byte-identical signatures that NSec verifies.</summary>
public sealed class Ed25519BatchSignerTests
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    public static TheoryData<string, string, string, string> Rfc8032Vectors => new()
    {
        // RFC 8032 section 7.1: TEST 1, TEST 2, TEST 3, TEST SHA(abc).
        { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
        { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
        { "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
        { "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42", "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
    };

    [Fact]
    public void SelfTest_PassesWhereverTheVectorCodeRuns()
    {
        Assert.Equal(FieldElement8.IsSupported, Ed25519BatchSelfTest.Passed);
        Assert.Equal(FieldElement8.IsSupported, Ed25519BatchSigner.IsEnabled);
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032Section71_PublicKeyAndSignature_AloneAndInEveryLane(string seed, string publicKey, string message, string signature)
    {
        if (!FieldElement8.IsSupported)
        {
            return; // covered by SelfTest_PassesWhereverTheVectorCodeRuns: the batch signer is then disabled
        }

        using Ed25519BatchSigner signer = Ed25519BatchSigner.CreateUnchecked(Convert.FromHexString(seed));
        Assert.Equal(publicKey, Convert.ToHexStringLower(signer.PublicKey));
        byte[] msg = Convert.FromHexString(message);
        foreach (int n in new[] { 1, 3, 8, 11 })
        {
            byte[] messages = [.. Enumerable.Repeat(msg, n).SelectMany(m => m)];
            int[] offsets = [.. Enumerable.Range(0, n + 1).Select(i => i * msg.Length)];
            byte[] signatures = new byte[64 * n];
            signer.Sign(messages, offsets, signatures);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(signature, Convert.ToHexStringLower(signatures.AsSpan(64 * i, 64)));
            }
        }
    }

    [Property(MaxTest = 120)]
    public bool AnyLengthMessages_AnyBatchSize_AreByteIdenticalToNSec_AndVerify(int seed)
    {
        if (!FieldElement8.IsSupported)
        {
            return true;
        }

        var rng = new Random(seed);
        byte[] keySeed = new byte[32];
        rng.NextBytes(keySeed);
        int n = rng.Next(1, 21);
        bool short47 = rng.Next(2) == 0; // all ≤ 47 bytes: the 8-lane SHA-512 path; otherwise the one-at-a-time SHA-512 path
        byte[][] messages = [.. Enumerable.Range(0, n).Select(_ =>
        {
            int length = short47 ? rng.Next(0, 48) : rng.Next(10) == 0 ? rng.Next(900, 1300) : rng.Next(0, 200); // some beyond the stack buffer
            byte[] m = new byte[length];
            rng.NextBytes(m);
            return m;
        })];
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            offsets[i + 1] = offsets[i] + messages[i].Length;
        }

        byte[] signatures = new byte[64 * n];
        using Key key = Key.Import(Ed25519, keySeed, KeyBlobFormat.RawPrivateKey);
        using Ed25519BatchSigner signer = Ed25519BatchSigner.CreateUnchecked(keySeed);
        if (!signer.PublicKey.SequenceEqual(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)))
        {
            return false;
        }

        signer.Sign([.. messages.SelectMany(m => m)], offsets, signatures);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> sig = signatures.AsSpan(64 * i, 64);
            if (!sig.SequenceEqual(Ed25519.Sign(key, messages[i])) || !Ed25519.Verify(key.PublicKey, messages[i], sig))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 150)]
    public bool HashSizedMessages_EveryBatchSizeThroughTheBatchSigner_AreByteIdenticalToNSec(int seed)
    {
        if (!FieldElement8.IsSupported)
        {
            return true;
        }

        var rng = new Random(seed);
        byte[] keySeed = new byte[32];
        rng.NextBytes(keySeed);
        int n = rng.Next(1, 21);
        byte[] hashes = new byte[32 * n];
        rng.NextBytes(hashes);
        byte[] signatures = new byte[64 * n];
        using Key key = Key.Import(Ed25519, keySeed, KeyBlobFormat.RawPrivateKey);
        using Ed25519BatchSigner signer = Ed25519BatchSigner.CreateUnchecked(keySeed);
        signer.SignFixedLength(hashes, 32, signatures);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> message = hashes.AsSpan(32 * i, 32), sig = signatures.AsSpan(64 * i, 64);
            if (!sig.SequenceEqual(Ed25519.Sign(key, message)) || !Ed25519.Verify(key.PublicKey, message, sig))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 150)]
    public bool DnaSigner_SignHashes_IsByteIdenticalToOneAtATimeSigning(int seed)
    {
        var rng = new Random(seed);
        byte[] keySeed = new byte[32];
        rng.NextBytes(keySeed);
        int n = rng.Next(1, 21);
        byte[] hashes = new byte[32 * n];
        rng.NextBytes(hashes);
        using DnaSigner signer = DnaSigner.FromSeed(keySeed);
        if (signer.UsesBatchSigner != Ed25519BatchSigner.IsEnabled)
        {
            return false;
        }

        byte[] signatures = new byte[64 * n];
        signer.SignHashes(hashes, signatures);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> sig = signatures.AsSpan(64 * i, 64);
            if (!sig.SequenceEqual(signer.Sign(hashes.AsSpan(32 * i, 32)).AsSpan()) || !DnaSigner.Verify(signer.PublicKey, hashes.AsSpan(32 * i, 32), sig))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void SignFixedLength_MatchesTheOffsetsForm()
    {
        if (!FieldElement8.IsSupported)
        {
            return;
        }

        using Ed25519BatchSigner signer = Ed25519BatchSigner.CreateUnchecked(LedgerHarness.Seed(9));
        byte[] messages = new byte[32 * 19];
        new Random(5).NextBytes(messages);
        byte[] a = new byte[64 * 19], b = new byte[64 * 19];
        signer.SignFixedLength(messages, 32, a);
        signer.Sign(messages, [.. Enumerable.Range(0, 20).Select(i => i * 32)], b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void AppContextSwitch_DisablesTheBatchSigner_AndSigningStillWorks()
    {
        // Same test class as every test that reads IsEnabled, so xunit never runs them concurrently with this one.
        AppContext.SetSwitch(Ed25519BatchSigner.DisableSwitchName, true);
        try
        {
            Assert.False(Ed25519BatchSigner.IsEnabled);
            using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(12));
            Assert.False(signer.UsesBatchSigner);
            byte[] hashes = new byte[32 * 9];
            new Random(12).NextBytes(hashes);
            byte[] signatures = new byte[64 * 9];
            signer.SignHashes(hashes, signatures);
            for (int i = 0; i < 9; i++)
            {
                Assert.Equal(signer.Sign(hashes.AsSpan(32 * i, 32)).AsSpan().ToArray(), signatures.AsSpan(64 * i, 64).ToArray());
            }
        }
        finally
        {
            AppContext.SetSwitch(Ed25519BatchSigner.DisableSwitchName, false);
        }

        Assert.Equal(FieldElement8.IsSupported, Ed25519BatchSigner.IsEnabled);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)] // below DnaSigner.MinBatch: NSec
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(10)] // a full batch and two left over (NSec)
    [InlineData(11)] // three left over (NSec while DnaSigner.MinBatch is 4)
    [InlineData(12)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(127)]
    [InlineData(128)] // one full group sharing one inversion
    [InlineData(130)]
    [InlineData(257)] // two full groups and a partial one
    [InlineData(515)]
    public void SignHashes_MixesBatchesAndSingleSignaturesCorrectly(int n)
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(13));
        byte[] hashes = new byte[32 * n];
        new Random(n).NextBytes(hashes);
        byte[] signatures = new byte[64 * n];
        signer.SignHashes(hashes, signatures);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(signer.Sign(hashes.AsSpan(32 * i, 32)).AsSpan().ToArray(), signatures.AsSpan(64 * i, 64).ToArray());
        }
    }

    [Fact]
    public void DisposedSigner_Throws()
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(10));
        signer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => signer.SignHashes(new byte[32 * 8], new byte[64 * 8]));
        Assert.Throws<ObjectDisposedException>(() => signer.SignHashes(new byte[32], new byte[64]));
    }

    [Fact]
    public void TryCreate_RejectsAMismatchedPublicKey()
    {
        byte[] seed = LedgerHarness.Seed(11);
        Assert.Null(Ed25519BatchSigner.TryCreate(seed, new byte[32]));
        using DnaSigner reference = DnaSigner.FromSeed(seed);
        using Ed25519BatchSigner? signer = Ed25519BatchSigner.TryCreate(seed, reference.PublicKey.AsSpan());
        Assert.Equal(Ed25519BatchSigner.IsEnabled, signer is not null);
    }

    [Fact]
    public void BaseTable_PointsAreOnTheCurve()
    {
        Assert.True(Ed25519BaseTable.IsOnCurve(Ed25519BaseTable.BaseX, Ed25519BaseTable.BaseY));
        Assert.Equal(Ed25519BaseTable.Rows * Ed25519BaseTable.RowLength, 16 * Ed25519BaseTable.Vectors.Length);
        // Entry k = 1 of row 0 is B itself: y + x.
        Span<ulong> limbs = stackalloc ulong[10];
        FieldElement8.ToLimbs(Ed25519BaseTable.Mod(Ed25519BaseTable.BaseX + Ed25519BaseTable.BaseY), limbs);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(limbs[i], Ed25519BaseTable.Vectors[2 * i].GetElement(0)); // limb i of entry k = 1 (transposed layout)
        }
    }

    [Fact]
    public void BaseTable_VectorsHoldTheSameLimbsAs32BitLanes()
    {
        ulong[] limbs = Ed25519BaseTable.BuildLimbs();
        var vectors = Ed25519BaseTable.Vectors;
        Assert.Equal(limbs.Length, 16 * vectors.Length);
        Assert.Equal(Ed25519BaseTable.Rows * Ed25519BaseTable.VectorsPerRow, vectors.Length);
        for (int i = 0; i < limbs.Length; i++)
        {
            Assert.True(limbs[i] < 1UL << 26);
            Assert.Equal(limbs[i], vectors[i / 16].GetElement(i % 16));
        }
    }
}
