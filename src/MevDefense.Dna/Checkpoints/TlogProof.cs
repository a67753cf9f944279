using System.Globalization;
using System.Text;
using MevDefense.Dna.Merkle;

namespace MevDefense.Dna.Checkpoints;

/// <summary>
/// A C2SP <c>tlog-proof@v1</c> receipt: an offline-verifiable proof that an entry is in the log, made of the entry index, an
/// inclusion proof and a signed checkpoint (optionally with opaque extra data).
/// </summary>
/// <param name="Index">The entry (leaf) index.</param>
/// <param name="Proof">The inclusion proof hashes, lowest level first.</param>
/// <param name="SignedCheckpoint">The signed checkpoint note the proof is relative to.</param>
/// <param name="Extra">Optional application data (unauthenticated), or empty.</param>
public sealed record TlogProof(ulong Index, IReadOnlyList<ReadOnlyMemory<byte>> Proof, string SignedCheckpoint, ReadOnlyMemory<byte> Extra)
{
    /// <summary>The first line of every proof.</summary>
    public const string Header = "c2sp.org/tlog-proof@v1";

    /// <summary>Formats the proof (store it with the <c>.tlog-proof</c> extension).</summary>
    /// <returns>The text form.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        if (!Extra.IsEmpty)
        {
            sb.Append("extra ").Append(Convert.ToBase64String(Extra.Span)).Append('\n');
        }

        sb.Append("index ").Append(Index.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (ReadOnlyMemory<byte> h in Proof)
        {
            sb.Append(Convert.ToBase64String(h.Span)).Append('\n');
        }

        sb.Append('\n').Append(SignedCheckpoint);
        return sb.ToString();
    }

    /// <summary>Parses the text form.</summary>
    /// <param name="text">The proof text.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="FormatException">The text is malformed.</exception>
    public static TlogProof Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            throw new FormatException("A tlog proof needs a blank line before the checkpoint.");
        }

        string[] lines = text[..blank].Split('\n');
        string checkpoint = text[(blank + 2)..];
        if (lines.Length < 2 || lines[0] != Header)
        {
            throw new FormatException("Not a c2sp.org/tlog-proof@v1 proof.");
        }

        int i = 1;
        byte[] extra = [];
        if (lines[i].StartsWith("extra ", StringComparison.Ordinal))
        {
            extra = TlogCheckpoint.DecodeBase64Strict(lines[i][6..]) ?? throw new FormatException("Bad extra data.");
            i++;
        }

        if (i >= lines.Length || !lines[i].StartsWith("index ", StringComparison.Ordinal))
        {
            throw new FormatException("Missing index line.");
        }

        string indexText = lines[i][6..];
        if (indexText.Length == 0 || (indexText.Length > 1 && indexText[0] == '0') || !indexText.All(char.IsAsciiDigit)
            || !ulong.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong index))
        {
            throw new FormatException("Bad index.");
        }

        var proof = new List<ReadOnlyMemory<byte>>();
        for (i++; i < lines.Length; i++)
        {
            byte[] h = TlogCheckpoint.DecodeBase64Strict(lines[i]) ?? throw new FormatException("Bad proof hash line.");
            if (h.Length != 32 || proof.Count >= 64)
            {
                throw new FormatException("Bad proof hash line.");
            }

            proof.Add(h);
        }

        return new TlogProof(index, proof, checkpoint, extra);
    }

    /// <summary>Verifies the receipt for entry data: opens the checkpoint with the trusted keys and checks the inclusion proof of <c>SHA-256(0x00 ‖ leaf)</c>.</summary>
    /// <param name="leafData">The entry bytes (for the ledger: the record's canonical bytes).</param>
    /// <param name="verifiers">The trusted log keys.</param>
    /// <param name="origin">The expected log origin.</param>
    /// <returns><see langword="null"/> when valid; otherwise the reason.</returns>
    public string? Verify(ReadOnlySpan<byte> leafData, IEnumerable<NoteVerifier> verifiers, string origin)
    {
        TlogCheckpoint checkpoint;
        try
        {
            checkpoint = TlogCheckpoint.Open(SignedCheckpoint, verifiers);
        }
        catch (FormatException ex)
        {
            return "checkpoint: " + ex.Message;
        }

        if (checkpoint.Origin != origin)
        {
            return "checkpoint origin " + checkpoint.Origin + " is not " + origin;
        }

        Span<byte> leaf = stackalloc byte[32];
        Rfc6962Hasher.Sha256.HashLeaf(leafData, leaf);
        return MerkleVerifier.VerifyInclusion(Rfc6962Hasher.Sha256, Index, checkpoint.Size, leaf, Proof, checkpoint.RootHash.Span)
            ? null
            : "inclusion proof does not verify against the checkpoint root";
    }
}
