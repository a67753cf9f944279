using NSec.Cryptography;

namespace MevDefense.Detection.Scenarios.Internal;

/// <summary>An Ed25519 keypair created from a 32-byte seed (deterministic), used to sign generated transactions.</summary>
internal sealed class ScenarioWallet : IDisposable
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    public ScenarioWallet(ReadOnlySpan<byte> seed)
    {
        _key = Key.Import(Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        PublicKey = new Pubkey(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public Pubkey PublicKey { get; }

    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) => Ed25519.Sign(_key, message, signature);

    public void Dispose() => _key.Dispose();
}
