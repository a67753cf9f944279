using FsCheck.Xunit;
using MevDefense.Dna.Internal;

namespace MevDefense.Dna.Tests.Records;

public sealed class UuidV7Tests
{
    [Property(MaxTest = 300)]
    public bool Create_HasTheBclLayout(long msSeed, int seed)
    {
        long ms = (long)((ulong)msSeed % 253_402_300_800_000UL); // DateTimeOffset's range (year 9999) is inside 48 bits
        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        var random = new Random(seed);
        byte[] rnd = new byte[UuidV7.RandomBytes];
        random.NextBytes(rnd);
        Guid id = UuidV7.Create(timestamp, rnd);
        Guid bcl = Guid.CreateVersion7(timestamp);
        byte[] ours = id.ToByteArray(bigEndian: true);
        byte[] theirs = bcl.ToByteArray(bigEndian: true);

        // Same timestamp prefix, version and variant as Guid.CreateVersion7; the other 74 bits are exactly the supplied random bits.
        return id.Version == 7 && (id.Variant & 0xC) == 0x8 && (bcl.Variant & 0xC) == 0x8
            && ours.AsSpan(0, 6).SequenceEqual(theirs.AsSpan(0, 6))
            && (ours[6] & 0x0F) == (rnd[0] & 0x0F) && ours[7] == rnd[1]
            && (ours[8] & 0x3F) == (rnd[2] & 0x3F) && ours.AsSpan(9).SequenceEqual(rnd.AsSpan(3))
            && ours[6] >> 4 == theirs[6] >> 4 && ours[8] >> 6 == theirs[8] >> 6;
    }

    [Fact]
    public void Create_TimeOrdersAcrossMilliseconds()
    {
        byte[] high = [.. Enumerable.Repeat((byte)0xFF, UuidV7.RandomBytes)];
        byte[] low = new byte[UuidV7.RandomBytes];
        var t = new DateTimeOffset(2026, 11, 24, 22, 0, 0, TimeSpan.Zero);
        Guid earlier = UuidV7.Create(t, high);
        Guid later = UuidV7.Create(t.AddMilliseconds(1), low);
        Assert.True(earlier.CompareTo(later) < 0);
        Assert.Equal(t.ToUnixTimeMilliseconds(), ReadMilliseconds(earlier));
    }

    [Fact]
    public void Create_RejectsTimesBeforeTheEpochAsTheBclDoes()
    {
        var before = DateTimeOffset.FromUnixTimeMilliseconds(-1);
        byte[] rnd = new byte[UuidV7.RandomBytes];
        Assert.Throws<ArgumentOutOfRangeException>(() => UuidV7.Create(before, rnd));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guid.CreateVersion7(before));
    }

    [Fact]
    public async Task Ledger_AssignsDistinctVersion7IdsWithTheRecordTimestamp()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var random = new Random(5);
        var ids = new HashSet<Guid>();
        for (int i = 0; i < 20; i++)
        {
            DecisionRecord r = await h.Ledger.AppendAsync(LedgerHarness.SampleDraft(i, random));
            Assert.Equal(7, r.Id.Version);
            Assert.Equal(r.Timestamp.ToUnixTimeMilliseconds(), ReadMilliseconds(r.Id));
            Assert.True(ids.Add(r.Id));
        }
    }

    private static long ReadMilliseconds(Guid id)
    {
        byte[] b = id.ToByteArray(bigEndian: true);
        long ms = 0;
        for (int i = 0; i < 6; i++)
        {
            ms = (ms << 8) | b[i];
        }

        return ms;
    }
}
