using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.State;

namespace MevDefense.Detection.Evaluation;

/// <summary>
/// Replays the shapes of the real labelled sandwiches in <c>fixtures/dex/labels</c> (GetToasted's fixture labels and the 30
/// Jito-bundle-confirmed B91 cases) through the rules. The raw blocks are not in the fixtures, so each case is rebuilt as
/// decoded transactions from what the label records: real signatures, attacker and victim wallets, DEX program, mints,
/// token amounts, positions in the block (gaps filled with non-swap transactions) and the landed Jito tip (bundle
/// membership without an amount is replayed as a 1-lamport tip). Pools are identified by (program, mints) and
/// token-account mints are served by an account-state provider, as an RPC node would. This measures whether the rules
/// accept the labelled shapes; it is not an evaluation on raw mainnet blocks.
/// </summary>
public static class LabelReplay
{
    private const int MaxGap = 400;

    /// <summary>Replays the labels through a pipeline.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="fixtureLabelsJsonl">The text of <c>fixture_labels.jsonl</c>.</param>
    /// <param name="bundleCsv">The text of <c>b91_jito_bundle_sandwiches_30.csv</c>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="FormatException">A file is malformed.</exception>
    public static LabelReplayReport Evaluate(DetectionPipeline pipeline, string fixtureLabelsJsonl, string bundleCsv)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(fixtureLabelsJsonl);
        ArgumentNullException.ThrowIfNull(bundleCsv);
        int positives = 0, detected = 0, edges = 0, edgesDetected = 0, negatives = 0, negativeHits = 0;
        var missed = new List<string>();
        try
        {
            foreach (var line in fixtureLabelsJsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                var kind = r.GetProperty("kind").GetString() ?? string.Empty;
                var slot = r.GetProperty("slot").GetUInt64();
                if (kind.StartsWith("negative", StringComparison.Ordinal))
                {
                    negatives++;
                    var w = Arbitrage(slot, Signature.Parse(r.GetProperty("arbitrageTx").GetString()), Pubkey.Parse(r.GetProperty("signer").GetString()),
                        Pubkey.Parse(r.GetProperty("currencyMint").GetString()));
                    negativeHits += pipeline.Detect(w).Count(d => d.Kind == DetectionKind.Sandwich);
                    continue;
                }

                var dexName = r.TryGetProperty("dex", out var dn) ? dn.GetString() : null;
                var program = r.TryGetProperty("program", out var pe) && pe.GetString() is { } p ? Pubkey.Parse(p)
                    : dexName switch
                    {
                        "pumpswap" => DexProgramIds.PumpSwap,
                        "raydium_amm_v4" => DexProgramIds.RaydiumAmmV4,
                        _ => DexProgramIds.PumpFun,
                    };
                var attacked = Pubkey.Parse(r.GetProperty("attackedMint").GetString());
                var quote = r.TryGetProperty("quoteMint", out var q) && q.GetString() is { } qs ? Pubkey.Parse(qs) : DexProgramIds.WrappedSolMint;
                var front = r.GetProperty("frontRun");
                var victim = r.GetProperty("victim");
                var back = r.GetProperty("backRun");
                var tip = r.TryGetProperty("landedTipLamports", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetUInt64() : 0;
                var crossSlot = kind.StartsWith("edge-case", StringComparison.Ordinal);
                var c = new Case(
                    slot,
                    program,
                    attacked,
                    quote,
                    Pubkey.Parse(r.GetProperty("attacker").GetString()),
                    Signature.Parse(front.GetProperty("sig").GetString()),
                    front.GetProperty("txIndex").GetInt32(),
                    Signature.Parse(victim.GetProperty("sig").GetString()),
                    Pubkey.Parse(victim.GetProperty("signer").GetString()),
                    victim.GetProperty("txIndex").GetInt32(),
                    Signature.Parse(back.GetProperty("sig").GetString()),
                    back.GetProperty("txIndex").GetInt32(),
                    Amount(r, "frontTokenAmount"),
                    Amount(r, "victimTokenAmount"),
                    Amount(r, "backTokenAmount"),
                    tip,
                    crossSlot);
                var hit = Run(pipeline, c);
                if (crossSlot)
                {
                    edges++;
                    edgesDetected += hit ? 1 : 0;
                }
                else
                {
                    positives++;
                    detected += hit ? 1 : 0;
                    if (!hit)
                    {
                        missed.Add($"{kind} slot {slot} front {c.Front}");
                    }
                }
            }

            var rows = bundleCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var row in rows.Skip(1))
            {
                // victim_wallet,bundle_id,slot,attacker,pool_program,pool_mints,dex,victim_sig,front_sig,back_sig
                var f = row.Split(',');
                if (f.Length < 10)
                {
                    throw new FormatException("A bundle CSV row has fewer than 10 fields.");
                }

                var mints = f[5].Split('-');
                var c = new Case(ulong.Parse(f[2], CultureInfo.InvariantCulture), Pubkey.Parse(f[4]), Pubkey.Parse(mints[0]), Pubkey.Parse(mints[1]), Pubkey.Parse(f[3]),
                    Signature.Parse(f[8]), 0, Signature.Parse(f[7]), Pubkey.Parse(f[0]), 1, Signature.Parse(f[9]), 2, 0, 0, 0, 1, false);
                positives++;
                var hit = Run(pipeline, c);
                detected += hit ? 1 : 0;
                if (!hit)
                {
                    missed.Add($"b91 bundle slot {c.Slot} front {c.Front}");
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or OverflowException)
        {
            throw new FormatException("Malformed label file: " + ex.Message, ex);
        }

        return new LabelReplayReport
        {
            Positives = positives,
            PositivesDetected = detected,
            EdgeCases = edges,
            EdgeCasesDetected = edgesDetected,
            Negatives = negatives,
            NegativeSandwiches = negativeHits,
            Missed = missed,
        };
    }

    private static ulong Amount(JsonElement r, string name)
        => r.TryGetProperty(name, out var v) && v.GetString() is { } s && ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;

    private sealed record Case(ulong Slot, Pubkey Program, Pubkey Attacked, Pubkey Quote, Pubkey Attacker, Signature Front, int FrontIndex, Signature Victim,
        Pubkey VictimSigner, int VictimIndex, Signature Back, int BackIndex, ulong FrontTokens, ulong VictimTokens, ulong BackTokens, ulong Tip, bool CrossSlot);

    private static bool Run(DetectionPipeline pipeline, Case c)
    {
        var state = new InMemoryAccountStateProvider();
        var pool = Derive("pool", c.Program, c.Attacked, c.Quote);
        var (a, b) = c.Attacked.CompareTo(c.Quote) < 0 ? (c.Attacked, c.Quote) : (c.Quote, c.Attacked);
        state.SetPool(pool, 0, new PoolState { MintA = a, MintB = b });
        var window = new DetectionWindow { AccountState = state };
        var dex = c.Program == DexProgramIds.PumpSwap ? DexProgram.PumpSwap : c.Program == DexProgramIds.PumpFun ? DexProgram.PumpFun : DexProgram.RaydiumAmmV4;
        var explicitMints = dex != DexProgram.RaydiumAmmV4;
        var backSlot = c.CrossSlot ? c.Slot + 1 : c.Slot;

        void AddSwap(Signature sig, ulong slot, int index, Pubkey signer, bool buy, ulong tokens, ulong tip)
        {
            var tx = window.AddNew();
            tx.Signature = sig;
            tx.Slot = slot;
            tx.Index = index;
            tx.AddSigner(signer);
            tx.TipLamports = tip;
            var src = Account(state, signer, buy ? c.Quote : c.Attacked);
            var dst = Account(state, signer, buy ? c.Attacked : c.Quote);
            tx.AddSwap(new SwapIntent
            {
                Dex = dex,
                Program = c.Program,
                Pool = pool,
                User = signer,
                SourceTokenAccount = src,
                DestinationTokenAccount = dst,
                SourceMint = explicitMints ? (buy ? c.Quote : c.Attacked) : default,
                DestinationMint = explicitMints ? (buy ? c.Attacked : c.Quote) : default,
                Direction = explicitMints ? Dex.Internal.DecoderHelpers.FromMints(buy ? c.Quote : c.Attacked, buy ? c.Attacked : c.Quote) : SwapDirection.Unknown,
                AmountKind = buy ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn,
                Amount = tokens,
            });
            if (tip > 0)
            {
                tx.AddTransfer(new TransferRecord { From = signer, To = JitoTipAccounts.All[0], Authority = signer, Amount = tip, IsTip = true });
            }
        }

        void Filler(ulong slot, int index)
        {
            var tx = window.AddNew();
            Span<byte> s = stackalloc byte[64];
            BitConverter.TryWriteBytes(s, index);
            BitConverter.TryWriteBytes(s[8..], slot);
            s[63] = 0xF1;
            tx.Signature = new Signature(s);
            tx.Slot = slot;
            tx.Index = index;
            tx.AddSigner(Derive("filler", c.Attacker, c.Attacker, c.Attacker));
            tx.IsVote = true;
        }

        var order = new[] { (c.FrontIndex, 0), (c.VictimIndex, 1) }.OrderBy(x => x.Item1).ToArray();
        var last = -1;
        foreach (var (index, which) in order)
        {
            for (var i = last + 1; last >= 0 && i < index && i - last <= MaxGap; i++)
            {
                Filler(c.Slot, i);
            }

            if (which == 0)
            {
                AddSwap(c.Front, c.Slot, index, c.Attacker, buy: true, c.FrontTokens, 0);
            }
            else
            {
                AddSwap(c.Victim, c.Slot, index, c.VictimSigner, buy: true, c.VictimTokens, 0);
            }

            last = index;
        }

        if (!c.CrossSlot)
        {
            for (var i = last + 1; i < c.BackIndex && i - last <= MaxGap; i++)
            {
                Filler(c.Slot, i);
            }
        }

        AddSwap(c.Back, backSlot, c.BackIndex, c.Attacker, buy: false, c.BackTokens, c.Tip);
        return pipeline.Detect(window).Any(d => d.Kind == DetectionKind.Sandwich && d.Front == c.Front && d.Back == c.Back);
    }

    private static DetectionWindow Arbitrage(ulong slot, Signature sig, Pubkey signer, Pubkey currency)
    {
        var window = new DetectionWindow();
        var tx = window.AddNew();
        tx.Signature = sig;
        tx.Slot = slot;
        tx.AddSigner(signer);
        var middle = Derive("mint", signer, currency, currency);
        var p1 = Derive("pool", currency, middle, signer);
        var p2 = Derive("pool", middle, currency, signer);
        foreach (var (pool, from, to) in new[] { (p1, currency, middle), (p2, middle, currency) })
        {
            tx.AddSwap(new SwapIntent
            {
                Pool = pool,
                User = signer,
                SourceMint = from,
                DestinationMint = to,
                SourceTokenAccount = Derive("ata", signer, from, from),
                DestinationTokenAccount = Derive("ata", signer, to, to),
                Direction = Dex.Internal.DecoderHelpers.FromMints(from, to),
            });
        }

        return window;
    }

    private static Pubkey Account(InMemoryAccountStateProvider state, Pubkey owner, Pubkey mint)
    {
        var account = Derive("ata", owner, mint, mint);
        state.SetTokenAccount(new TokenAccountInfo { Account = account, Owner = owner, Mint = mint });
        return account;
    }

    private static Pubkey Derive(string tag, Pubkey a, Pubkey b, Pubkey c)
    {
        Span<byte> buffer = stackalloc byte[8 + 96];
        Encoding.ASCII.GetBytes(tag.PadRight(8).AsSpan(0, 8), buffer);
        a.CopyTo(buffer[8..]);
        b.CopyTo(buffer[40..]);
        c.CopyTo(buffer[72..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer, hash);
        return new Pubkey(hash);
    }
}
