using System.Text.Json;
using MevDefense.Dna.Checkpoints;
using MevDefense.TestUtils;

namespace MevDefense.Dna.Tests.Checkpoints;

public sealed class SignedNoteTests
{
    private static string Fixture(string path) => SharedFixtures.ReadText("ledger/" + path);

    [FixtureFact]
    public void C2spExample_VerifiesWithItsVkey()
    {
        NoteVerifier v = NoteVerifier.Parse(Fixture("c2sp-signed-note/example.vkey").Trim());
        Assert.Equal("example.com/foo", v.Name);
        Assert.Equal(0x530d903au, v.KeyHash);
        Assert.Equal(Fixture("c2sp-signed-note/example.vkey").Trim(), v.ToString());
        OpenedNote opened = SignedNote.Open(Fixture("c2sp-signed-note/example.note"), [v]);
        Assert.Equal("This is an example message.\n", opened.Text);
        Assert.Single(opened.Verified);
    }

    [FixtureFact]
    public void GoSumdbTestKey_SignsByteExactNote()
    {
        using NoteSigner signer = NoteSigner.ParsePrivateKey(Fixture("go-sumdb-note/peter.skey.TESTONLY"));
        string note = Fixture("go-sumdb-note/peter.note");
        string text = note[..(note.LastIndexOf("\n\n", StringComparison.Ordinal) + 1)];
        Assert.Equal(note, SignedNote.Sign(text, signer));
        Assert.Equal(Fixture("go-sumdb-note/peter.vkey").Trim(), signer.Verifier.ToString());
    }

    [FixtureFact]
    public void TwoSignatureNote_VerifiesWithBothKeys_AndIgnoresUnknownOnes()
    {
        NoteVerifier peter = NoteVerifier.Parse(Fixture("go-sumdb-note/peter.vkey").Trim());
        NoteVerifier enoch = NoteVerifier.Parse(Fixture("go-sumdb-note/enoch.vkey").Trim());
        string note = Fixture("go-sumdb-note/peter_enoch.note");
        OpenedNote both = SignedNote.Open(note, [peter, enoch]);
        Assert.Equal(2, both.Verified.Count);
        OpenedNote onlyEnoch = SignedNote.Open(note, [enoch]);
        Assert.Single(onlyEnoch.Verified);
        Assert.Single(onlyEnoch.Unverified);
        Assert.Equal("PeterNeumann", onlyEnoch.Unverified[0].Name);
    }

    [FixtureFact]
    public void TamperedNotes_AreRejected()
    {
        NoteVerifier peter = NoteVerifier.Parse(Fixture("go-sumdb-note/peter.vkey").Trim());
        NoteVerifier enoch = NoteVerifier.Parse(Fixture("go-sumdb-note/enoch.vkey").Trim());
        string note = Fixture("go-sumdb-note/peter.note");
        Assert.Throws<FormatException>(() => SignedNote.Open(note.Replace("cryptography", "Cryptography", StringComparison.Ordinal), [peter]));
        Assert.Throws<FormatException>(() => SignedNote.Open(note, [enoch])); // no known key signed it
        Assert.Throws<FormatException>(() => SignedNote.Open(note.Replace("\u2014 ", "- ", StringComparison.Ordinal), [peter]));
        Assert.Throws<FormatException>(() => SignedNote.Open(note.TrimEnd('\n'), [peter]));
        Assert.Throws<FormatException>(() => SignedNote.Open("no blank line\n", [peter]));
        Assert.Throws<FormatException>(() => SignedNote.Open("bad\u0001text\n\n" + note[(note.LastIndexOf("\n\n", StringComparison.Ordinal) + 2)..], [peter]));
    }

    [FixtureFact]
    public void Vkeys_WithWrongHashOrAlgorithm_AreRejected()
    {
        string vkey = Fixture("go-sumdb-note/peter.vkey").Trim();
        Assert.Throws<FormatException>(() => NoteVerifier.Parse(vkey.Replace("+c74f20a3+", "+c74f20a4+", StringComparison.Ordinal)));
        Assert.Throws<FormatException>(() => NoteVerifier.Parse("PeterNeumann+c74f20a3"));
        Assert.Throws<FormatException>(() => NoteVerifier.Parse("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
        Assert.Throws<FormatException>(() => NoteVerifier.Parse("PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
    }

    [FixtureFact]
    public void CheckpointParseCases_MatchTransparencyDevFormats()
    {
        using var doc = JsonDocument.Parse(Fixture("checkpoint-parse/checkpoint_parse_cases.json"));
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string desc = c.GetProperty("desc").GetString()!;
            string text = c.GetProperty("note_text").GetString()!;
            if (c.GetProperty("wantErr").GetBoolean())
            {
                Assert.True(Throws(() => TlogCheckpoint.Parse(text)), desc);
                continue;
            }

            TlogCheckpoint cp = TlogCheckpoint.Parse(text);
            Assert.Equal(c.GetProperty("origin").GetString(), cp.Origin);
            Assert.Equal(c.GetProperty("size").GetUInt64(), cp.Size);
            Assert.Equal(c.GetProperty("hash_b64").GetString(), Convert.ToBase64String(cp.RootHash.Span));
            Assert.Equal(c.GetProperty("rest").GetString(), cp.Extensions);
            Assert.Equal(text, cp.ToBody());
        }
    }

    [Fact]
    public void Checkpoint_StrictRules()
    {
        Assert.Throws<FormatException>(() => TlogCheckpoint.Parse("Log\n0123\nYmFuYW5hcw==\n")); // leading zero
        Assert.Throws<FormatException>(() => TlogCheckpoint.Parse("Log\n+12\nYmFuYW5hcw==\n"));
        Assert.Throws<FormatException>(() => TlogCheckpoint.Parse("Log\n12\nYmFu YW5hcw==\n"));
        Assert.Throws<FormatException>(() => TlogCheckpoint.ParseSha256("Log\n12\nYmFuYW5hcw==\n")); // not 32 bytes
        Assert.Equal(18446744073709551615UL, TlogCheckpoint.Parse("Log\n18446744073709551615\nYmFuYW5hcw==\n").Size);
        Assert.Throws<FormatException>(() => TlogCheckpoint.Parse("Log\n18446744073709551616\nYmFuYW5hcw==\n"));
    }

    [Fact]
    public void SignedCheckpoint_OpensOnlyWithOriginKey()
    {
        using DnaSigner key = DnaSigner.FromSeed(LedgerHarness.Seed(9));
        using var signer = new NoteSigner("example.org/log", key);
        string body = new TlogCheckpoint("example.org/log", 42, new byte[32], string.Empty).ToBody();
        string note = SignedNote.Sign(body, signer);
        Assert.Equal(42UL, TlogCheckpoint.Open(note, [signer.Verifier]).Size);

        using var other = new NoteSigner("other.org/log", key);
        string foreign = SignedNote.Sign(body, other);
        Assert.Throws<FormatException>(() => TlogCheckpoint.Open(foreign, [other.Verifier]));
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool CheckpointParse_ArbitraryText_OnlyThrowsFormatException(string? text)
    {
        try
        {
            TlogCheckpoint cp = TlogCheckpoint.Parse(text ?? string.Empty);
            return cp.ToBody() == text;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool NoteOpen_ArbitraryText_OnlyThrowsFormatException(string? text)
    {
        NoteVerifier v = new("k", new Pubkey(new byte[32]));
        try
        {
            SignedNote.Open(text ?? string.Empty, [v]);
            return false;
        }
        catch (FormatException)
        {
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool VkeyAndProofParsers_ArbitraryText_OnlyThrowFormatException(string? text)
    {
        text ??= string.Empty;
        bool ok = true;
        try
        {
            ok &= NoteVerifier.Parse(text).ToString() == text;
        }
        catch (FormatException)
        {
        }

        try
        {
            ok &= TlogProof.Parse(text).ToString() == text;
        }
        catch (FormatException)
        {
        }

        try
        {
            NoteSigner.ParsePrivateKey(text).Dispose();
        }
        catch (FormatException)
        {
        }

        return ok;
    }

    [Fact]
    public async Task TlogProof_RoundTrips_WithExtraData()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 5);
        TlogProof p = (await h.Ledger.GetReceiptAsync(3)) with { Extra = "anchor:5abc"u8.ToArray() };
        TlogProof back = TlogProof.Parse(p.ToString());
        Assert.Equal(p.ToString(), back.ToString());
        Assert.Equal("anchor:5abc"u8.ToArray(), back.Extra.ToArray());
        Assert.Null(back.Verify((await h.Store.GetBySequenceAsync(3))!.ToCanonicalBytes(), [h.Ledger.CheckpointVerifier], h.Ledger.Origin));
    }

    private static bool Throws(Action a)
    {
        try
        {
            a();
            return false;
        }
        catch (FormatException)
        {
            return true;
        }
    }
}
