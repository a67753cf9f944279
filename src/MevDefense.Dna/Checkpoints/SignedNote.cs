using System.Buffers.Binary;
using System.Text;

namespace MevDefense.Dna.Checkpoints;

/// <summary>Signs and opens C2SP signed notes (<c>c2sp.org/signed-note</c>), compatible with golang.org/x/mod/sumdb/note.</summary>
public static class SignedNote
{
    /// <summary>The maximum number of signature lines accepted when opening a note.</summary>
    public const int MaxSignatures = 100;

    /// <summary>Signs a note text.</summary>
    /// <param name="text">The text: valid UTF-8 without control characters other than newline, ending in a newline.</param>
    /// <param name="signers">The signers.</param>
    /// <returns>The signed note: text, a blank line, then one signature line per signer.</returns>
    /// <exception cref="ArgumentException">The text is not a valid note text, or no signer is given.</exception>
    public static string Sign(string text, params IReadOnlyList<NoteSigner> signers)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signers);
        if (signers.Count == 0)
        {
            throw new ArgumentException("At least one signer is required.", nameof(signers));
        }

        if (!IsValidText(text) || !text.EndsWith('\n'))
        {
            throw new ArgumentException("A note text must be valid UTF-8 without control characters other than newline, and end in a newline.", nameof(text));
        }

        var sb = new StringBuilder(text.Length + (signers.Count * 120));
        sb.Append(text).Append('\n');
        foreach (NoteSigner s in signers)
        {
            sb.Append(s.SignLine(text));
        }

        return sb.ToString();
    }

    /// <summary>Opens a signed note: splits text from signatures at the last blank line and verifies the signatures of known keys.</summary>
    /// <param name="note">The signed note.</param>
    /// <param name="verifiers">The known keys; signatures by other keys are ignored.</param>
    /// <returns>The opened note.</returns>
    /// <exception cref="FormatException">The note is malformed, a known key's signature does not verify, or no known key signed it.</exception>
    public static OpenedNote Open(string note, IEnumerable<NoteVerifier> verifiers)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(verifiers);
        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new FormatException("Malformed note: no blank line before the signatures.");
        }

        string text = note[..(split + 1)];
        string sigs = note[(split + 2)..];
        if (!IsValidText(text))
        {
            throw new FormatException("Malformed note: invalid text.");
        }

        if (sigs.Length == 0 || sigs[^1] != '\n')
        {
            throw new FormatException("Malformed note: signatures must end in a newline.");
        }

        var known = new Dictionary<(string, uint), NoteVerifier>();
        foreach (NoteVerifier v in verifiers)
        {
            known.TryAdd((v.Name, v.KeyHash), v);
        }

        byte[] message = Encoding.UTF8.GetBytes(text);
        var verified = new List<NoteSignature>();
        var unverified = new List<NoteSignature>();
        var seen = new HashSet<(string, uint)>();
        string[] lines = sigs[..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            throw new FormatException("Malformed note: too many signatures.");
        }

        foreach (string line in lines)
        {
            if (!line.StartsWith("\u2014 ", StringComparison.Ordinal))
            {
                throw new FormatException("Malformed note: a signature line must start with an em dash and a space.");
            }

            string rest = line[2..];
            int space = rest.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0)
            {
                throw new FormatException("Malformed note: signature line without key name.");
            }

            string name = rest[..space];
            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(rest[(space + 1)..]);
            }
            catch (FormatException ex)
            {
                throw new FormatException("Malformed note: signature is not base64.", ex);
            }

            if (!NoteKeys.IsValidName(name) || blob.Length < 5)
            {
                throw new FormatException("Malformed note: invalid signature line.");
            }

            uint hash = BinaryPrimitives.ReadUInt32BigEndian(blob);
            var sig = new NoteSignature(name, hash, blob.AsMemory(4));
            if (!seen.Add((name, hash)))
            {
                continue;
            }

            if (known.TryGetValue((name, hash), out NoteVerifier? verifier))
            {
                if (!verifier.Verify(message, sig.Signature.Span))
                {
                    throw new FormatException($"Invalid signature for key {name}.");
                }

                verified.Add(sig);
            }
            else
            {
                unverified.Add(sig);
            }
        }

        if (verified.Count == 0)
        {
            throw new FormatException("No known key signed the note.");
        }

        return new OpenedNote(text, verified, unverified);
    }

    /// <summary>Checks the note text rule: valid UTF-16 (hence UTF-8) and no control characters other than newline.</summary>
    internal static bool IsValidText(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x20 && c != '\n')
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
