using System.Security.Cryptography;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// The known-answer test run once per process before the batch signer is used: RFC 8032 section 7.1 test 1 (empty message),
/// checking the derived public key and the signature in a full batch and in a partial one. A failure (or a CPU without
/// the instructions) leaves the batch signer disabled; signing then goes through NSec.
/// </summary>
internal static class Ed25519BatchSelfTest
{
    /// <summary>Gets whether the known-answer test passed (computed once, at type initialisation).</summary>
    public static readonly bool Passed = Run();

    private static bool Run()
    {
        if (!FieldElement8.IsSupported)
        {
            return false;
        }

        try
        {
            byte[] seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
            byte[] publicKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
            byte[] expected = Convert.FromHexString(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
            using Ed25519BatchSigner signer = Ed25519BatchSigner.CreateUnchecked(seed);
            if (!signer.PublicKey.SequenceEqual(publicKey))
            {
                return false;
            }

            bool ok = true;
            foreach (int n in (ReadOnlySpan<int>)[1, Ed25519BatchSigner.Lanes])
            {
                byte[] signatures = new byte[64 * n];
                int[] offsets = new int[n + 1]; // n empty messages
                signer.Sign([], offsets, signatures);
                for (int i = 0; i < n; i++)
                {
                    ok &= CryptographicOperations.FixedTimeEquals(signatures.AsSpan(64 * i, 64), expected);
                }
            }

            return ok;
        }
#pragma warning disable CA1031 // any failure (including a TypeInitializationException from the table's own self-check) only disables the fast path
        catch (Exception)
        {
            return false;
        }
#pragma warning restore CA1031
    }
}
