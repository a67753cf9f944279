using FsCheck;
using FsCheck.Xunit;

namespace MevDefense.Dna.Tests.Verification;

/// <summary>Flipping any byte of any stored record, deleting one, or reordering two is detected, naming the first bad sequence.</summary>
public sealed class TamperTests
{
    private const int Records = 12;

    [Property(MaxTest = 60)]
    public bool FlipAnyByteOfAnyRecord_IsDetectedAtThatSequence(NonNegativeInt recordPick, NonNegativeInt bytePick, byte xor)
    {
        return Run(async h =>
        {
            ulong seq = (ulong)(recordPick.Get % Records);
            byte[] bytes = h.Store.TamperRead(seq)!.ToArray();
            bytes[bytePick.Get % bytes.Length] ^= xor == 0 ? (byte)0x01 : xor;
            h.Store.TamperReplace(seq, bytes);
            DnaVerificationResult result = await h.Verifier().VerifyAsync(h.Store);
            return !result.IsValid && result.FirstBadSequence == seq;
        });
    }

    [Property(MaxTest = 30)]
    public bool DeleteAnyRecord_IsDetectedAtThatSequence(NonNegativeInt pick)
    {
        return Run(async h =>
        {
            ulong seq = (ulong)(pick.Get % Records);
            h.Store.TamperDelete(seq);
            DnaVerificationResult result = await h.Verifier().VerifyAsync(h.Store);
            return !result.IsValid && result.FirstBadSequence == seq;
        });
    }

    [Property(MaxTest = 30)]
    public bool SwapAnyTwoRecords_IsDetectedAtTheFirst(NonNegativeInt a, NonNegativeInt b)
    {
        ulong x = (ulong)(a.Get % Records);
        ulong y = (ulong)(b.Get % Records);
        if (x == y)
        {
            y = (y + 1) % Records;
        }

        return Run(async h =>
        {
            h.Store.TamperSwap(x, y);
            DnaVerificationResult result = await h.Verifier().VerifyAsync(h.Store);
            return !result.IsValid && result.FirstBadSequence == Math.Min(x, y);
        });
    }

    [Fact]
    public async Task UntouchedStore_Verifies_AndUnknownKeyIsRejected()
    {
        await using var h = await LedgerHarness.CreateAsync(Records);
        await h.Ledger.CheckpointAsync();
        Assert.True((await h.Verifier().VerifyAsync(h.Store)).IsValid);
        using DnaSigner stranger = DnaSigner.FromSeed(LedgerHarness.Seed(99));
        DnaVerificationResult r = await new DnaVerifier([stranger.PublicKey], h.Ledger.Origin).VerifyAsync(h.Store);
        Assert.False(r.IsValid);
        Assert.Equal(0UL, r.FirstBadSequence);
    }

    [Fact]
    public async Task ForgedCheckpoint_IsDetected()
    {
        await using var h = await LedgerHarness.CreateAsync(Records);
        DnaCheckpoint good = await h.Ledger.CheckpointAsync();
        await using var other = await LedgerHarness.CreateAsync(Records + 1, seed: 1);
        DnaCheckpoint foreign = await other.Ledger.CheckpointAsync(); // same key, different records
        await h.Store.AddCheckpointAsync(foreign);
        DnaVerificationResult r = await h.Verifier().VerifyAsync(h.Store);
        Assert.False(r.IsValid);
        Assert.Contains($"size {foreign.Size}", r.Failure, StringComparison.Ordinal);
        Assert.Equal(1, r.CheckpointsVerified);
        Assert.True(good.Size < foreign.Size);
    }

    [Fact]
    public async Task AnchorReceipts_AreCheckedAgainstCheckpointsAndTheAnchorVerifier()
    {
        await using var h = await LedgerHarness.CreateAsync(Records);
        DnaCheckpoint cp = await h.Ledger.CheckpointAsync();
        var receipt = new DnaAnchorReceipt(cp.Size, cp.RootHash, new Signature(new byte[64]), 7, "memo", null);
        await h.Store.AddAnchorReceiptAsync(receipt);
        Assert.Equal(1, (await h.Verifier().VerifyAsync(h.Store)).AnchorsVerified);

        var rejecting = new DnaVerifier([h.Signer.PublicKey], h.Ledger.Origin, new FixedAnchorVerifier("memo not found"));
        DnaVerificationResult r = await rejecting.VerifyAsync(h.Store);
        Assert.False(r.IsValid);
        Assert.Contains("memo not found", r.Failure, StringComparison.Ordinal);

        await h.Store.AddAnchorReceiptAsync(receipt with { CheckpointSize = 3 });
        Assert.False((await h.Verifier().VerifyAsync(h.Store)).IsValid);
    }

    private static bool Run(Func<LedgerHarness, Task<bool>> body)
    {
        return RunAsync().GetAwaiter().GetResult();

        async Task<bool> RunAsync()
        {
            await using var h = await LedgerHarness.CreateAsync(Records);
            return await body(h);
        }
    }

    private sealed class FixedAnchorVerifier(string? reason) : IDnaAnchorVerifier
    {
        public ValueTask<string?> VerifyAsync(DnaAnchorReceipt receipt, DnaCheckpoint checkpoint, CancellationToken cancellationToken = default) => ValueTask.FromResult(reason);
    }
}
