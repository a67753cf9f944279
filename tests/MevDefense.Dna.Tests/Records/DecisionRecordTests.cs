using FsCheck;
using FsCheck.Xunit;

namespace MevDefense.Dna.Tests.Records;

public sealed class DecisionRecordTests
{
    [Fact]
    public async Task Append_ProducesSealedRecord_ThatRoundTripsCanonically()
    {
        await using var h = await LedgerHarness.CreateAsync();
        DecisionRecord r = await h.AppendSampleAsync(0);
        Assert.True(r.IsSealed);
        Assert.Equal(7, r.Id.Version);
        Assert.Equal(h.Signer.KeyId, r.KeyId);
        byte[] bytes = r.ToCanonicalBytes();
        DecisionRecord parsed = DecisionRecord.Parse(bytes);
        Assert.Equal(bytes, parsed.ToCanonicalBytes());
        Assert.Equal(r.Id, parsed.Id);
        Assert.Equal(r.Timestamp, parsed.Timestamp);
        Assert.Equal(r.Transactions, parsed.Transactions);
        Assert.Equal(r.Amounts, parsed.Amounts);
        Assert.True(DnaChain.VerifyRecord(parsed, h.Signer.PublicKey));
    }

    [Fact]
    public async Task SealedBytes_EqualAFreshSerialization()
    {
        await using var h = await LedgerHarness.CreateAsync();
        for (int i = 0; i < 20; i++)
        {
            DecisionRecord r = await h.AppendSampleAsync(i);
            DecisionRecord copy = DecisionRecord.Parse(r.ToCanonicalBytes());
            Assert.Equal(r.ToCanonicalBytes(), copy.WithSeal(copy.ChainHash, copy.Signature).ToCanonicalBytes());
        }
    }

    [Property(MaxTest = 300)]
    public bool DirectBodyWriter_IsByteIdenticalToGoogleProtobuf(int seed, ulong sequence, ulong slot, long ticks, bool unicode, byte amounts)
    {
        var random = new Random(seed);
        DecisionDraft d = LedgerHarness.SampleDraft(seed, random);
        long unixTicks = Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
        var record = new DecisionRecord
        {
            Id = new Guid(seed, (short)sequence, (short)slot, [1, 2, 3, 4, 5, 6, 7, (byte)seed]),
            Sequence = sequence,
            EventType = unicode ? "custom.Événement-日本" : d.EventType,
            Slot = slot,
            Transactions = d.Transactions,
            Attacker = d.Attacker,
            Victims = d.Victims,
            Pool = seed % 3 == 0 ? null : d.Pool,
            Amounts = [.. Enumerable.Range(0, amounts % 4).Select(i => new DecisionAmount(unicode ? "perte-" + i + "€" : "a" + i, i switch { 0 => 0m, 1 => -1.50m, 2 => 79228162514264337593543950335m, _ => 0.0000001m * random.Next() }))],
            Confidence = seed % 4 == 0 ? 0 : d.Confidence,
            Detector = unicode ? "règles/sandwich" : d.Detector,
            ModelVersion = d.ModelVersion,
            InputFingerprint = seed % 5 == 0 ? default : d.InputFingerprint,
            Timestamp = new DateTimeOffset(unixTicks + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero),
            Payload = d.Payload,
            ParentHash = new Hash([.. Enumerable.Range(0, 32).Select(i => (byte)(i ^ seed))]),
            KeyId = seed % 7 == 0 ? string.Empty : "0123456789abcdef",
        };
        byte[] expected = record.GetBodyBytes();
        byte[] actual = new byte[record.ComputeBodySize()];
        return record.WriteBody(actual) == actual.Length && actual.AsSpan().SequenceEqual(expected);
    }

    [Fact]
    public async Task Ids_AreTimeOrdered_FromTimeProvider()
    {
        await using var h = await LedgerHarness.CreateAsync(records: 20);
        var ids = new List<Guid>();
        await foreach (DecisionRecord r in h.Store.ReadRangeAsync(0, 100))
        {
            ids.Add(r.Id);
            Assert.Equal(h.Time.GetUtcNow().UtcDateTime.Date, r.Timestamp.UtcDateTime.Date);
        }

        // UUIDv7: the first 48 bits are the Unix milliseconds, so ids sort by time (3 ms apart here).
        Assert.Equal(ids.Select(g => g.ToString()[..13]), ids.Select(g => g.ToString()[..13]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_TrailingUnknownField_IsRejected()
    {
        var r = new DecisionRecord { Id = Guid.CreateVersion7(), Sequence = 1, EventType = "x", ParentHash = default };
        byte[] bytes = r.ToCanonicalBytes();
        byte[] extended = [.. bytes, 0xA8, 0x01, 0x05]; // field 21 varint 5
        Assert.Throws<FormatException>(() => DecisionRecord.Parse(extended));
    }

    [Fact]
    public void Parse_NonMinimalVarint_IsRejected()
    {
        var r = new DecisionRecord { Id = Guid.CreateVersion7(), Sequence = 1, EventType = "x" };
        byte[] bytes = r.ToCanonicalBytes();
        int i = Array.IndexOf(bytes, (byte)0x10); // field 2 (sequence) varint tag
        Assert.True(i > 0);
        byte[] padded = [.. bytes[..(i + 1)], 0x81, 0x00, .. bytes[(i + 2)..]];
        Assert.Throws<FormatException>(() => DecisionRecord.Parse(padded));
    }

    [Fact]
    public void NegativeZeroConfidence_IsNormalized()
    {
        var a = new DecisionRecord { Id = Guid.Empty, Sequence = 0, EventType = "x", Confidence = -0.0 };
        var b = new DecisionRecord { Id = Guid.Empty, Sequence = 0, EventType = "x", Confidence = 0.0 };
        Assert.Equal(a.ToCanonicalBytes(), b.ToCanonicalBytes());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    public void OutOfRangeConfidence_IsRejected(double confidence)
    {
        var r = new DecisionRecord { Id = Guid.Empty, Sequence = 0, EventType = "x", Confidence = confidence };
        Assert.Throws<ArgumentException>(() => r.ToCanonicalBytes());
    }

    [Property(MaxTest = 200)]
    public bool CanonicalBytes_RoundTrip(int seed, NonNegativeInt sequence)
    {
        var random = new Random(seed);
        DecisionDraft d = LedgerHarness.SampleDraft(seed, random);
        var r = new DecisionRecord
        {
            Id = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 4_000_000_000_000))),
            Sequence = (ulong)sequence.Get,
            EventType = d.EventType,
            Slot = d.Slot,
            Transactions = d.Transactions,
            Attacker = d.Attacker,
            Victims = d.Victims,
            Pool = d.Pool,
            Amounts = [.. d.Amounts, new DecisionAmount("x", new decimal(random.Next(), random.Next(), random.Next(), random.Next(2) == 0, (byte)random.Next(29)))],
            Confidence = random.NextDouble(),
            Detector = d.Detector,
            ModelVersion = d.ModelVersion,
            InputFingerprint = d.InputFingerprint,
            Timestamp = new DateTimeOffset(random.NextInt64(DateTimeOffset.UnixEpoch.Ticks, DateTimeOffset.MaxValue.Ticks), TimeSpan.Zero),
            Payload = d.Payload,
            ParentHash = new Hash([.. Enumerable.Range(0, 32).Select(i => (byte)random.Next(256))]),
            KeyId = "0123456789abcdef",
        };
        byte[] bytes = r.ToCanonicalBytes();
        DecisionRecord back = DecisionRecord.Parse(bytes);
        return bytes.AsSpan().SequenceEqual(back.ToCanonicalBytes())
            && back.Amounts.SequenceEqual(r.Amounts)
            && back.Amounts.Select(a => a.Value.Scale).SequenceEqual(r.Amounts.Select(a => a.Value.Scale))
            && back.Timestamp == r.Timestamp && back.Id == r.Id && back.Confidence.Equals(r.Confidence);
    }

    [Property(MaxTest = 300)]
    public bool Parse_ArbitraryBytes_OnlyEverThrowsFormatException(byte[] bytes)
    {
        try
        {
            DecisionRecord r = DecisionRecord.Parse(bytes ?? []);
            return r.ToCanonicalBytes().AsSpan().SequenceEqual(bytes);
        }
        catch (FormatException)
        {
            return true;
        }
    }

    [Property(MaxTest = 300)]
    public bool Parse_MutatedRecord_OnlyEverThrowsFormatException_OrChangesTheRecord(int seed, NonNegativeInt position, byte xor)
    {
        var r = new DecisionRecord
        {
            Id = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000)),
            Sequence = 5,
            EventType = "SandwichDetected",
            Slot = (ulong)seed,
            Transactions = LedgerHarness.SampleDraft(seed).Transactions,
            ParentHash = new Hash(LedgerHarness.Seed(seed)),
        };
        byte[] bytes = r.ToCanonicalBytes();
        byte[] mutated = (byte[])bytes.Clone();
        mutated[position.Get % mutated.Length] ^= xor == 0 ? (byte)1 : xor;
        try
        {
            return !DecisionRecord.Parse(mutated).ToCanonicalBytes().AsSpan().SequenceEqual(bytes);
        }
        catch (FormatException)
        {
            return true;
        }
    }
}
