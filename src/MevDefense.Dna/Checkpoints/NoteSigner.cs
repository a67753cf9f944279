using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MevDefense.Dna.Checkpoints;

/// <summary>Signs C2SP signed notes with an Ed25519 key (signature type 0x01).</summary>
public sealed class NoteSigner : IDisposable
{
    private readonly DnaSigner _signer;
    private readonly bool _ownsSigner;

    /// <summary>Initializes a note signer over an existing ledger key (the caller keeps ownership of <paramref name="signer"/>).</summary>
    /// <param name="name">The key name; for checkpoints it should equal the log origin.</param>
    /// <param name="signer">The Ed25519 key.</param>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    public NoteSigner(string name, DnaSigner signer)
        : this(name, signer, ownsSigner: false)
    {
    }

    private NoteSigner(string name, DnaSigner signer, bool ownsSigner)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(signer);
        if (!NoteKeys.IsValidName(name))
        {
            throw new ArgumentException("Invalid note key name (non-empty, no spaces, no '+').", nameof(name));
        }

        Name = name;
        _signer = signer;
        _ownsSigner = ownsSigner;
        Verifier = new NoteVerifier(name, signer.PublicKey);
    }

    /// <summary>Gets the key name.</summary>
    public string Name { get; }

    /// <summary>Gets the 32-bit key hash.</summary>
    public uint KeyHash => Verifier.KeyHash;

    /// <summary>Gets the matching verifier.</summary>
    public NoteVerifier Verifier { get; }

    /// <summary>Parses a Go-style signer key <c>PRIVATE+KEY+&lt;name&gt;+&lt;hash&gt;+&lt;base64(0x01 ‖ seed)&gt;</c>.</summary>
    /// <param name="skey">The signer key text.</param>
    /// <returns>The signer (owns its key).</returns>
    /// <exception cref="FormatException">The text is malformed or its hash does not match.</exception>
    public static NoteSigner ParsePrivateKey(string skey)
    {
        ArgumentNullException.ThrowIfNull(skey);
        string[] parts = skey.Trim().Split('+', 5);
        if (parts.Length != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" || !NoteKeys.IsValidName(parts[2]) || !NoteKeys.TryParseHash(parts[3], out uint hash))
        {
            throw new FormatException("Malformed signer key.");
        }

        byte[] blob = Convert.FromBase64String(parts[4]);
        try
        {
            if (blob.Length != 33 || blob[0] != NoteKeys.AlgEd25519)
            {
                throw new FormatException("Unsupported signer key: only Ed25519 is supported.");
            }

            var signer = new NoteSigner(parts[2], DnaSigner.FromSeed(blob.AsSpan(1)), ownsSigner: true);
            if (signer.KeyHash != hash)
            {
                signer.Dispose();
                throw new FormatException("Signer key hash does not match the key.");
            }

            return signer;
        }
        finally
        {
            Array.Clear(blob);
        }
    }

    /// <summary>Produces a signature line <c>— name base64(hash ‖ sig)</c> (with the final newline) for a note text.</summary>
    /// <param name="text">The note text, ending in a newline.</param>
    /// <returns>The signature line.</returns>
    public string SignLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] message = Encoding.UTF8.GetBytes(text);
        Span<byte> blob = stackalloc byte[68];
        BinaryPrimitives.WriteUInt32BigEndian(blob, KeyHash);
        _signer.Sign(message, blob[4..]);
        return "\u2014 " + Name + " " + Convert.ToBase64String(blob) + "\n";
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsSigner)
        {
            _signer.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => "NoteSigner(" + Name + "+" + KeyHash.ToString("x8", CultureInfo.InvariantCulture) + ")";
}
