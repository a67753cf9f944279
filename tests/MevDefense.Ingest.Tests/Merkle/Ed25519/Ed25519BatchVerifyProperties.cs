using System.Numerics;
using FsCheck.Xunit;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Merkle.Internal.Ed25519;
using NSec.Cryptography;
using static MevDefense.Ingest.Tests.Merkle.Ed25519.Ed25519Reference;

namespace MevDefense.Ingest.Tests.Merkle.Ed25519;

/// <summary>
/// <see cref="PrecomputedEd25519Verifier.VerifyBatch"/> (one shared inversion) gives every signature exactly the verdict
/// <see cref="PrecomputedEd25519Verifier.Verify"/> gives it alone, and <see cref="LeaderSignatureVerifier.PrepareCandidates"/> changes
/// neither the decisions of <see cref="LeaderSignatureVerifier.Verify"/> nor its count of verifications.
/// </summary>
public class Ed25519BatchVerifyProperties
{
    /// <summary>n signatures by one key of random 32-byte roots, each kept valid or broken in one of several ways.</summary>
    private static (byte[] PublicKey, byte[][] Signatures, byte[][] Messages, (byte[] Signature, byte[] Message) Valid) Batch(Random rng, int n, bool corrupt = true)
    {
        var seed = new byte[32];
        rng.NextBytes(seed);
        using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        var signatures = new byte[n][];
        var messages = new byte[n][];
        for (int i = 0; i < n; i++)
        {
            messages[i] = new byte[32];
            rng.NextBytes(messages[i]);
            signatures[i] = SignatureAlgorithm.Ed25519.Sign(key, messages[i]);
            switch (corrupt ? rng.Next(6) : 0)
            {
                case 1: // R bit flip
                    signatures[i][rng.Next(32)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 2: // message bit flip
                    messages[i][rng.Next(32)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 3: // S bit flip (may make S >= L)
                    signatures[i][32 + rng.Next(32)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 4: // S + L: same point, non-canonical scalar
                {
                    var s = new BigInteger(signatures[i].AsSpan(32), isUnsigned: true) + L;
                    s.TryWriteBytes(signatures[i].AsSpan(32), out _, isUnsigned: true);
                    break;
                }

                default:
                    break;
            }
        }

        var validMessage = new byte[32];
        rng.NextBytes(validMessage);
        return (key.PublicKey.Export(KeyBlobFormat.RawPublicKey), signatures, messages, (SignatureAlgorithm.Ed25519.Sign(key, validMessage), validMessage));
    }

    private static bool Libsodium(byte[] publicKey, byte[] signature, byte[] message) =>
        PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key) && key is not null
        && SignatureAlgorithm.Ed25519.Verify(key, message, signature);

    [Property(MaxTest = 25)]
    public void VerifyBatch_SameVerdictsAsOneByOne_AndNeverWrong(int seed)
    {
        var rng = new Random(seed);
        int n = rng.Next(1, 9);
        var (pk, signatures, messages, valid) = Batch(rng, n);
        var pubkey = new Pubkey(pk);
        var single = new PrecomputedEd25519Verifier(buildAfter: 1, keyWindow: 4);
        var batched = new PrecomputedEd25519Verifier(buildAfter: 1, keyWindow: 4);
        var verdicts = new FastVerdict[n];

        // No table yet: nothing decided, and no use counted towards a build.
        batched.VerifyBatch(pubkey, signatures.SelectMany(s => s).ToArray(), messages.SelectMany(m => m).ToArray(), 32, verdicts);
        Assert.All(verdicts, v => Assert.Equal(FastVerdict.Undecided, v));
        Assert.Equal(0, batched.TablesBuilt);

        Assert.Equal(FastVerdict.Valid, batched.Verify(pubkey, valid.Signature, valid.Message)); // builds the table (buildAfter: 1)
        batched.VerifyBatch(pubkey, signatures.SelectMany(s => s).ToArray(), messages.SelectMany(m => m).ToArray(), 32, verdicts);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(single.Verify(pubkey, signatures[i], messages[i]), verdicts[i]);
            if (verdicts[i] != FastVerdict.Undecided)
            {
                Assert.Equal(Libsodium(pk, signatures[i], messages[i]), verdicts[i] == FastVerdict.Valid);
            }
        }

        Assert.Equal(1, batched.TablesBuilt);
    }

    [Property(MaxTest = 15)]
    public void PrepareCandidates_SameDecisionsAndCountsAsWithout(int seed)
    {
        var rng = new Random(seed);
        int n = rng.Next(2, 12);
        var (pk, signatures, messages, valid) = Batch(rng, n);
        var (otherPk, otherSignatures, otherMessages, otherValid) = Batch(rng, 2); // a second leader in the same batch
        var leader = new Pubkey(pk);
        var otherLeader = new Pubkey(otherPk);
        var plain = new LeaderSignatureVerifier(64, usePrecomputed: true, buildTableAfter: 1);
        var prepared = new LeaderSignatureVerifier(64, usePrecomputed: true, buildTableAfter: 1);

        // Build both leaders' tables in both verifiers with the same first checks.
        foreach (var v in new[] { plain, prepared })
        {
            Assert.True(v.Verify(leader, 1, 0, valid.Signature, valid.Message));
            Assert.True(v.Verify(otherLeader, 1, 0, otherValid.Signature, otherValid.Message));
        }

        for (int i = 0; i < n; i++)
        {
            prepared.AddCandidate(leader, 2, (uint)(32 * i), signatures[i], messages[i]);
        }

        prepared.AddCandidate(otherLeader, 2, 0, otherSignatures[1], otherMessages[1]);
        prepared.AddCandidate(leader, 1, 0, valid.Signature, valid.Message); // already cached: ignored
        prepared.PrepareCandidates();

        for (int i = 0; i < n; i++)
        {
            bool expected = Libsodium(pk, signatures[i], messages[i]);
            Assert.Equal(expected, plain.Verify(leader, 2, (uint)(32 * i), signatures[i], messages[i]));
            Assert.Equal(expected, prepared.Verify(leader, 2, (uint)(32 * i), signatures[i], messages[i]));

            // Cached afterwards, as without preparation.
            Assert.Equal(expected, prepared.Verify(leader, 2, (uint)(32 * i), signatures[i], messages[i]));
        }

        Assert.Equal(Libsodium(otherPk, otherSignatures[1], otherMessages[1]), prepared.Verify(otherLeader, 2, 0, otherSignatures[1], otherMessages[1]));
        plain.Verify(otherLeader, 2, 0, otherSignatures[1], otherMessages[1]);

        // Same slot/set keys under another leader or root are not taken from the prepared verdicts.
        var wrongRoot = (byte[])messages[0].Clone();
        wrongRoot[0] ^= 1;
        Assert.Equal(Libsodium(pk, signatures[0], wrongRoot), prepared.Verify(leader, 2, 0, signatures[0], wrongRoot));
        Assert.Equal(Libsodium(otherPk, signatures[0], messages[0]), prepared.Verify(otherLeader, 2, 0, signatures[0], messages[0]));
        plain.Verify(leader, 2, 0, signatures[0], wrongRoot);
        plain.Verify(otherLeader, 2, 0, signatures[0], messages[0]);

        Assert.Equal(plain.Verifications, prepared.Verifications);
        Assert.Equal(plain.LibsodiumVerifications, prepared.LibsodiumVerifications); // prepared verdicts are fast-path ones
    }

    [Fact]
    public void PrepareCandidates_ValidSignaturesOfOneLeader_DecidedTogether_LoneCandidateLeftAlone()
    {
        var rng = new Random(11);
        var (pk, signatures, messages, _) = Batch(rng, 5, corrupt: false);
        var leader = new Pubkey(pk);
        var verifier = new LeaderSignatureVerifier(64, usePrecomputed: true, buildTableAfter: 1);
        Assert.True(verifier.Verify(leader, 1, 0, signatures[0], messages[0])); // builds the table
        for (int i = 1; i < 5; i++)
        {
            verifier.AddCandidate(leader, 2, (uint)i, signatures[i], messages[i]);
        }

        verifier.PrepareCandidates();
        for (int i = 1; i < 5; i++)
        {
            Assert.True(verifier.Verify(leader, 2, (uint)i, signatures[i], messages[i]));
        }

        Assert.Equal(4, verifier.PreparedVerdictsUsed);
        Assert.Equal(5, verifier.Verifications);

        // One candidate alone gains nothing from batching: it is verified when asked, as before.
        verifier.AddCandidate(leader, 3, 0, signatures[1], messages[1]);
        verifier.PrepareCandidates();
        Assert.True(verifier.Verify(leader, 3, 0, signatures[1], messages[1]));
        Assert.Equal(4, verifier.PreparedVerdictsUsed);
        Assert.Equal(6, verifier.Verifications);
    }
}
