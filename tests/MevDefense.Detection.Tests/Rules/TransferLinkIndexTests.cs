using MevDefense.Detection.Decoding;
using MevDefense.Detection.Rules.Internal;

namespace MevDefense.Detection.Tests.Rules;

/// <summary>
/// The window index's per-account transfer lists answer the sandwich rule's funding-transfer link exactly as the scan over
/// every transaction between front and back did.
/// </summary>
public sealed class TransferLinkIndexTests
{
    private static Pubkey Key(int n) => WindowBuilder.Key(n);

    /// <summary>The previous check: every transfer of transactions <paramref name="fi"/>..<paramref name="bi"/>.</summary>
    private static bool Scan(DetectionWindow window, Pubkey a, Pubkey c, Pubkey frontOut, Pubkey backIn, int fi, int bi)
    {
        for (var t = fi; t <= bi; t++)
        {
            foreach (ref readonly var x in window[t].Transfers)
            {
                if ((x.Authority == a && (x.To == c || x.To == backIn)) || (x.Authority == c && x.To == a)
                    || (!frontOut.IsZero && x.From == frontOut && x.To == backIn))
                {
                    return true;
                }
            }
        }

        return false;
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool HasTransferLink_RandomWindows_EqualsScan(int seed)
    {
        // Few accounts (zero included) so transfers often match; the index is built once and appended to in random cuts,
        // as the streaming detector does, and every range of the window is asked about with random accounts.
        var rng = new Random(seed);
        var b = new WindowBuilder();
        Pubkey Pick() => rng.Next(8) == 0 ? default : Key(rng.Next(1, 7));
        var n = rng.Next(1, 50);
        var index = new WindowIndex();
        var window = b.Window;
        var built = false;
        for (var i = 0; i < n; i++)
        {
            var t = b.Tx(Key(rng.Next(1, 7)));
            for (var k = rng.Next(0, 4); k > 0; k--)
            {
                t.AddTransfer(new TransferRecord { From = Pick(), To = Pick(), Authority = Pick(), Amount = 1 });
            }

            if (rng.Next(4) == 0 || i == n - 1)
            {
                if (built)
                {
                    index.Append(window);
                }
                else
                {
                    index.Build(window, tracking: true);
                    built = true;
                }
            }
        }

        for (var q = 0; q < 60; q++)
        {
            var fi = rng.Next(n);
            var bi = rng.Next(fi, n);
            Pubkey a = Pick(), c = Pick(), frontOut = Pick(), backIn = Pick();
            if (index.HasTransferLink(a, c, frontOut, backIn, fi, bi) != Scan(window, a, c, frontOut, backIn, fi, bi))
            {
                return false;
            }
        }

        // A batch-built index over the same window answers the same.
        var batch = new WindowIndex();
        batch.Build(window);
        var f = rng.Next(n);
        return batch.HasTransferLink(Key(1), Key(2), Key(3), Key(4), f, n - 1) == Scan(window, Key(1), Key(2), Key(3), Key(4), f, n - 1);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool PairFilters_RandomWindows_NeverRuleOutALink(int seed)
    {
        // The sandwich rule's pair filters (key filters of the swap accounts, signer Bloom filters, the fee payer's recorded
        // transfer list and last transfer, the front's first transfer) may only say "no" when the exact checks say no. Few
        // keys, zero accounts and multi-signer transactions make matches and filter collisions common; the index is appended
        // to in random cuts, so transfer lists appear after some of the transactions that ask about them.
        var rng = new Random(seed);
        var b = new WindowBuilder();
        Pubkey Pick() => rng.Next(6) == 0 ? default : Key(rng.Next(1, 7));
        var n = rng.Next(2, 40);
        var index = new WindowIndex();
        var window = b.Window;
        var built = false;
        for (var i = 0; i < n; i++)
        {
            var t = b.Tx(Key(rng.Next(1, 7)));
            if (rng.Next(3) == 0)
            {
                t.AddSigner(Key(rng.Next(1, 7)));
            }

            if (rng.Next(4) != 0)
            {
                t.AddSwap(WindowBuilder.Swap(Key(900), t.FeePayer, Key(800), Key(801), 1_000) with { SourceTokenAccount = Pick(), DestinationTokenAccount = Pick() });
            }

            for (var k = rng.Next(0, 3); k > 0; k--)
            {
                t.AddTransfer(new TransferRecord { From = Pick(), To = Pick(), Authority = Pick(), Amount = 1 });
            }

            if (rng.Next(4) == 0 || i == n - 1)
            {
                if (built)
                {
                    index.Append(window);
                }
                else
                {
                    index.Build(window, tracking: true);
                    built = true;
                }
            }
        }

        for (var fi = 0; fi < n; fi++)
        {
            var ftx = window[fi];
            if (!ftx.HasSwap)
            {
                continue;
            }

            ref readonly var ff = ref index.Facts(fi);
            var f = index.TxLegs(fi)[0];
            var fs = ftx.Swaps[0];
            var aList = index.AuthorityTransfers(ftx.FeePayer);
            var outList = index.FrontOutputTransfers(fs.DestinationTokenAccount);
            var first = Math.Min(index.FirstTransferFrom(aList, fi), index.FirstTransferFrom(outList, fi));
            for (var bi = fi + 1; bi < n; bi++)
            {
                var btx = window[bi];
                if (!btx.HasSwap)
                {
                    continue;
                }

                ref readonly var bf = ref index.Facts(bi);
                var bl = index.TxLegs(bi)[0];
                var bs = btx.Swaps[0];
                var link = index.HasTransferLink(ftx.FeePayer, btx.FeePayer, fs.DestinationTokenAccount, bs.SourceTokenAccount, fi, bi);
                var anyTransfer = false;
                for (var t = fi; t <= bi; t++)
                {
                    foreach (ref readonly var x in window[t].Transfers)
                    {
                        anyTransfer |= x.Authority == ftx.FeePayer || x.Authority == btx.FeePayer || (!fs.DestinationTokenAccount.IsZero && x.From == fs.DestinationTokenAccount);
                    }
                }

                if ((first <= bi || bf.PayerLastTransfer >= fi) != anyTransfer
                    || (link && !index.MayLinkByTransfer(aList, outList, ff, bf, bl.SourceKey, fi, bi))
                    || (btx.IsSigner(ftx.FeePayer) && !WindowIndex.MaySign(bf.SignerBloom, ff.PayerBits))
                    || (ftx.IsSigner(btx.FeePayer) && !WindowIndex.MaySign(ff.SignerBloom, bf.PayerBits))
                    || (!bs.SourceTokenAccount.IsZero && bs.SourceTokenAccount == fs.DestinationTokenAccount && bl.SourceKey != f.DestinationKey)
                    || (!bs.DestinationTokenAccount.IsZero && bs.DestinationTokenAccount == fs.SourceTokenAccount && bl.DestinationKey != f.SourceKey)
                    || (bl.SourceKey == 0) != bs.SourceTokenAccount.IsZero)
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Fact]
    public void KeyFilter_IsZeroOnlyForTheZeroKey()
    {
        Assert.Equal(0UL, WindowIndex.KeyFilter(default));
        var b = new byte[32];
        b[31] = 1; // first eight bytes zero, key not zero
        Assert.NotEqual(0UL, WindowIndex.KeyFilter(new Pubkey(b)));
        Assert.Equal(WindowIndex.KeyFilter(Key(3)), WindowIndex.KeyFilter(Key(3)));
        Assert.NotEqual(WindowIndex.KeyFilter(Key(3)), WindowIndex.KeyFilter(Key(4)));
    }

    [Fact]
    public void HasTransferLink_OnlyTransfersInsideTheRangeCount()
    {
        var b = new WindowBuilder();
        var a = Key(1);
        var c = Key(2);
        b.Tx(a).AddTransfer(new TransferRecord { From = a, To = c, Authority = a, Amount = 5 }); // 0: before the range
        b.Tx(Key(3));
        b.Tx(Key(4));
        b.Tx(c).AddTransfer(new TransferRecord { From = c, To = a, Authority = c, Amount = 5 }); // 3: after the range
        var index = new WindowIndex();
        index.Build(b.Window);
        Assert.False(index.HasTransferLink(a, c, default, default, 1, 2));
        Assert.True(index.HasTransferLink(a, c, default, default, 0, 2));
        Assert.True(index.HasTransferLink(a, c, default, default, 1, 3));
        Assert.False(index.HasTransferLink(Key(5), Key(6), default, default, 0, 3));
    }
}
