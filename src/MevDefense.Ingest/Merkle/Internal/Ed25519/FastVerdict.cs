namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>Outcome of <see cref="PrecomputedEd25519Verifier.Verify"/>.</summary>
internal enum FastVerdict
{
    /// <summary>Not decided here: the caller must ask libsodium (NSec) and use its verdict.</summary>
    Undecided = 0,

    /// <summary>The signature is valid, and libsodium's crypto_sign_verify_detached accepts it too.</summary>
    Valid = 1,

    /// <summary>The signature is invalid (S is not below L), and libsodium rejects it too.</summary>
    Invalid = 2,
}
