using System.Globalization;
using System.Text;

namespace MevDefense.Dna.Checkpoints;

/// <summary>
/// A C2SP <c>tlog-checkpoint</c> body: <c>&lt;origin&gt;\n&lt;size&gt;\n&lt;base64 root&gt;\n[extension lines]</c>.
/// </summary>
/// <param name="Origin">The log origin (non-empty).</param>
/// <param name="Size">The tree size.</param>
/// <param name="RootHash">The tree root (32 bytes for RFC 6962 SHA-256 logs; <see cref="Parse"/> accepts any length, <see cref="ParseSha256"/> requires 32).</param>
/// <param name="Extensions">The remaining lines, verbatim (usually empty; the spec discourages them).</param>
public sealed record TlogCheckpoint(string Origin, ulong Size, ReadOnlyMemory<byte> RootHash, string Extensions)
{
    /// <summary>Formats the checkpoint body (the text that is signed).</summary>
    /// <returns>The body, ending in a newline.</returns>
    public string ToBody() =>
        Origin + "\n" + Size.ToString(CultureInfo.InvariantCulture) + "\n" + Convert.ToBase64String(RootHash.Span) + "\n" + Extensions;

    /// <summary>Parses a checkpoint body (transparency-dev/formats rules, plus the C2SP "no leading zeros" rule for the size).</summary>
    /// <param name="body">The note text.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="FormatException">The body is malformed.</exception>
    public static TlogCheckpoint Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int n1 = body.IndexOf('\n', StringComparison.Ordinal);
        int n2 = n1 < 0 ? -1 : body.IndexOf('\n', n1 + 1);
        int n3 = n2 < 0 ? -1 : body.IndexOf('\n', n2 + 1);
        if (n3 < 0)
        {
            throw new FormatException("A checkpoint needs at least three newline-terminated lines.");
        }

        string origin = body[..n1];
        if (origin.Length == 0)
        {
            throw new FormatException("Empty checkpoint origin.");
        }

        string sizeText = body[(n1 + 1)..n2];
        if (sizeText.Length == 0 || sizeText.Length > 20 || (sizeText.Length > 1 && sizeText[0] == '0')
            || !sizeText.All(char.IsAsciiDigit)
            || !ulong.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong size))
        {
            throw new FormatException("Checkpoint size is not a canonical unsigned 64-bit decimal.");
        }

        string hashText = body[(n2 + 1)..n3];
        byte[] root = DecodeBase64Strict(hashText) ?? throw new FormatException("Checkpoint root hash is not standard base64.");
        return new TlogCheckpoint(origin, size, root, body[(n3 + 1)..]);
    }

    /// <summary>Parses a checkpoint body and requires a 32-byte (SHA-256) root hash.</summary>
    /// <param name="body">The note text.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="FormatException">The body is malformed or the hash is not 32 bytes.</exception>
    public static TlogCheckpoint ParseSha256(string body)
    {
        TlogCheckpoint c = Parse(body);
        return c.RootHash.Length == 32 ? c : throw new FormatException("Checkpoint root hash must be 32 bytes.");
    }

    /// <summary>Opens a signed checkpoint note: verifies the signatures (see <see cref="SignedNote.Open"/>), requires a verified signature by a key named after the origin, and parses the body.</summary>
    /// <param name="signedNote">The signed note.</param>
    /// <param name="verifiers">The trusted keys.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="FormatException">The note is malformed, unsigned by a trusted key named after the origin, or the body is invalid.</exception>
    public static TlogCheckpoint Open(string signedNote, IEnumerable<NoteVerifier> verifiers)
    {
        OpenedNote opened = SignedNote.Open(signedNote, verifiers);
        TlogCheckpoint checkpoint = ParseSha256(opened.Text);
        if (!opened.Verified.Any(s => s.Name == checkpoint.Origin))
        {
            throw new FormatException("No trusted key named after the origin signed the checkpoint.");
        }

        return checkpoint;
    }

    internal static byte[]? DecodeBase64Strict(string text)
    {
        if (text.Length % 4 != 0)
        {
            return null;
        }

        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            {
                return null;
            }
        }

        try
        {
            byte[] bytes = Convert.FromBase64String(text);
            return Convert.ToBase64String(bytes) == text ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public bool Equals(TlogCheckpoint? other) =>
        other is not null && Origin == other.Origin && Size == other.Size && RootHash.Span.SequenceEqual(other.RootHash.Span) && Extensions == other.Extensions;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Origin, Size, Extensions, Encoding.Latin1.GetString(RootHash.Span));
}
