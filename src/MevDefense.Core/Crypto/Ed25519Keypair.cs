using NSec.Cryptography;

namespace MevDefense.Crypto;

/// <summary>An Ed25519 signing key and its Solana address (NSec.Cryptography over libsodium).</summary>
/// <remarks>Dispose it to release the native key material.</remarks>
public sealed class Ed25519Keypair : IDisposable
{
    /// <summary>The seed (private key) size in bytes.</summary>
    public const int SeedSize = 32;

    private readonly Key _key;

    private Ed25519Keypair(Key key)
    {
        _key = key;
        Span<byte> pub = stackalloc byte[Pubkey.Size];
        if (!key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, pub, out int written) || written != Pubkey.Size)
        {
            throw new InvalidOperationException("Cannot export the Ed25519 public key.");
        }

        PublicKey = new Pubkey(pub);
    }

    /// <summary>Gets the public key, which is the account address.</summary>
    public Pubkey PublicKey { get; }

    /// <summary>Generates a new random keypair.</summary>
    /// <returns>The keypair.</returns>
    public static Ed25519Keypair Generate()
        => new(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Creates the keypair for a 32-byte seed (the first half of a Solana 64-byte keypair file).</summary>
    /// <param name="seed">32 bytes.</param>
    /// <returns>The keypair.</returns>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 32 bytes.</exception>
    public static Ed25519Keypair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An Ed25519 seed is {SeedSize} bytes, got {seed.Length}.", nameof(seed));
        }

        return new(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>Creates the keypair from a Solana 64-byte secret key (seed followed by public key), checking that the halves match.</summary>
    /// <param name="secretKey">64 bytes.</param>
    /// <returns>The keypair.</returns>
    /// <exception cref="ArgumentException">Wrong length, or the public half does not belong to the seed.</exception>
    public static Ed25519Keypair FromSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != 64)
        {
            throw new ArgumentException($"A Solana secret key is 64 bytes, got {secretKey.Length}.", nameof(secretKey));
        }

        var kp = FromSeed(secretKey[..SeedSize]);
        if (!kp.PublicKey.AsSpan().SequenceEqual(secretKey[SeedSize..]))
        {
            kp.Dispose();
            throw new ArgumentException("The public key half does not match the seed.", nameof(secretKey));
        }

        return kp;
    }

    /// <summary>Signs a message.</summary>
    /// <param name="message">The bytes to sign.</param>
    /// <returns>The signature.</returns>
    public Signature Sign(ReadOnlySpan<byte> message)
    {
        Span<byte> sig = stackalloc byte[Signature.Size];
        Sign(message, sig);
        return new Signature(sig);
    }

    /// <summary>Signs a message into <paramref name="destination"/>.</summary>
    /// <param name="message">The bytes to sign.</param>
    /// <param name="destination">Exactly 64 bytes.</param>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> destination) => SignatureAlgorithm.Ed25519.Sign(_key, message, destination);

    /// <summary>Exports the 32-byte seed. Handle with care: it is the private key.</summary>
    /// <returns>The seed.</returns>
    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
