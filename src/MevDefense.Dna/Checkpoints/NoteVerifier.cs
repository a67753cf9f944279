using System.Globalization;
using NSec.Cryptography;

namespace MevDefense.Dna.Checkpoints;

/// <summary>
/// A C2SP signed-note Ed25519 verifier key, in the text form <c>&lt;name&gt;+&lt;hex key hash&gt;+&lt;base64(0x01 ‖ public key)&gt;</c>
/// (compatible with golang.org/x/mod/sumdb/note and transparency-dev).
/// </summary>
public sealed class NoteVerifier
{
    private readonly PublicKey _key;
    private readonly byte[] _publicKey;

    /// <summary>Initializes a verifier from a name and a raw Ed25519 public key.</summary>
    /// <param name="name">The key name (no spaces, no '+').</param>
    /// <param name="publicKey">The raw 32-byte public key.</param>
    /// <exception cref="ArgumentException">The name or key is invalid.</exception>
    public NoteVerifier(string name, Pubkey publicKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!NoteKeys.IsValidName(name))
        {
            throw new ArgumentException("Invalid note key name.", nameof(name));
        }

        Name = name;
        _publicKey = publicKey.ToArray();
        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, _publicKey, KeyBlobFormat.RawPublicKey, out PublicKey? key))
        {
            throw new ArgumentException("Invalid Ed25519 public key.", nameof(publicKey));
        }

        _key = key!;
        KeyHash = NoteKeys.KeyHash(name, NoteKeys.AlgEd25519, _publicKey);
    }

    /// <summary>Gets the key name.</summary>
    public string Name { get; }

    /// <summary>Gets the 32-bit key hash that prefixes each signature.</summary>
    public uint KeyHash { get; }

    /// <summary>Gets the raw Ed25519 public key.</summary>
    public Pubkey PublicKey32 => new(_publicKey);

    /// <summary>Parses a verifier key string.</summary>
    /// <param name="vkey">The text form <c>name+hash+base64(0x01 ‖ key)</c>.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="FormatException">The text is malformed, uses another algorithm, or its hash does not match its key.</exception>
    public static NoteVerifier Parse(string vkey)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        int p1 = vkey.IndexOf('+', StringComparison.Ordinal);
        int p2 = p1 < 0 ? -1 : vkey.IndexOf('+', p1 + 1);
        if (p1 <= 0 || p2 < 0)
        {
            throw new FormatException("Malformed verifier key.");
        }

        string name = vkey[..p1];
        if (!NoteKeys.IsValidName(name) || !NoteKeys.TryParseHash(vkey[(p1 + 1)..p2], out uint hash))
        {
            throw new FormatException("Malformed verifier key name or hash.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(vkey[(p2 + 1)..]);
        }
        catch (FormatException ex)
        {
            throw new FormatException("Malformed verifier key: bad base64.", ex);
        }

        if (key.Length != 33 || key[0] != NoteKeys.AlgEd25519)
        {
            throw new FormatException("Unsupported verifier key: only Ed25519 (type 0x01, 32 bytes) is supported.");
        }

        NoteVerifier verifier;
        try
        {
            verifier = new NoteVerifier(name, new Pubkey(key.AsSpan(1)));
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("Invalid verifier key.", ex);
        }

        if (verifier.KeyHash != hash)
        {
            throw new FormatException("Verifier key hash does not match the key.");
        }

        return verifier;
    }

    /// <summary>Verifies a signature over a note text.</summary>
    /// <param name="message">The note text bytes (including the final newline).</param>
    /// <param name="signature">The 64-byte Ed25519 signature (without the key hash prefix).</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && SignatureAlgorithm.Ed25519.Verify(_key, message, signature);

    /// <summary>Returns the verifier key string.</summary>
    /// <returns>The text form <c>name+hash+base64(0x01 ‖ key)</c>.</returns>
    public override string ToString()
    {
        byte[] blob = new byte[33];
        blob[0] = NoteKeys.AlgEd25519;
        _publicKey.CopyTo(blob, 1);
        return Name + "+" + KeyHash.ToString("x8", CultureInfo.InvariantCulture) + "+" + Convert.ToBase64String(blob);
    }
}
