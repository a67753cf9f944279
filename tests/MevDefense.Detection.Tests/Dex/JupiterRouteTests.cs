using System.Globalization;
using System.Text.Json;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Dex.Internal;
using MevDefense.TestUtils;

namespace MevDefense.Detection.Tests.Dex;

public sealed class JupiterRouteTests
{
    [FixtureFact]
    public void Decode_SampleRoute_MatchesExpectedFields()
    {
        using var doc = JsonDocument.Parse(SharedFixtures.ReadText("dex/jupiter_v6_sample_route.json"));
        var root = doc.RootElement;
        var data = Base58.Decode(root.GetProperty("instruction_data").GetString()!);
        var accounts = root.GetProperty("accounts").EnumerateArray().Select(a => Pubkey.Parse(a.GetProperty("pubkey").GetString())).ToArray();
        var expected = root.GetProperty("expected_fields");
        Assert.Equal(expected.GetProperty("raw_data").GetString(), Convert.ToHexStringLower(data));

        Span<JupiterV6Decoder.Step> steps = stackalloc JupiterV6Decoder.Step[JupiterV6Decoder.MaxSteps];
        Assert.Equal(SwapDecodeStatus.Decoded, JupiterV6Decoder.TryReadRoute(accounts, data, steps, out var route));
        Assert.Equal(expected.GetProperty("input_amount").GetString(), route.Amount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected.GetProperty("quoted_output_amount").GetString(), route.QuotedAmount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected.GetProperty("slippage").GetString(), route.SlippageBps.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected.GetProperty("output_token_address").GetString(), route.DestinationMint.ToString());
        Assert.Equal("route", route.Instruction);
        Assert.Equal(1, route.StepCount);
        Assert.Equal(new JupiterV6Decoder.Step(47, 100, 0, 1, SwapDirection.AToB), steps[0]);

        var registry = SwapDecoderRegistry.CreateDefault();
        var swaps = new SwapIntent[4];
        Assert.Equal(SwapDecodeStatus.Decoded, registry.Decode(Pubkey.Parse(expected.GetProperty("program_id").GetString()), accounts, data, swaps, out var n));
        Assert.Equal(1, n);
        var hop = swaps[0];
        Assert.Equal(DexProgram.OrcaWhirlpool, hop.Dex);
        Assert.Equal(DexProgramIds.OrcaWhirlpool, hop.Program);
        Assert.Equal(DexProgramIds.JupiterV6, hop.Router);
        Assert.Equal(Pubkey.Parse("CCifuNxNLBZV9ch94GQ4QgdrmbBdG13xDfReomzqvhMC"), hop.Pool);
        Assert.Equal(Pubkey.Parse("B7hSadyLX8YhNT8RDcK8RbnR3KAfX4HbWvV89XmeqitA"), hop.User);
        Assert.Equal(Pubkey.Parse("3c5JEJ3un3HZAtWvZ77nhNGxDGqmWM7uZ1cx4bGDsKE8"), hop.SourceTokenAccount);
        Assert.Equal(Pubkey.Parse("FAXnNWMXbadmfMTfWtEu3WDymtRwsxYLGdbKoJbfLKsK"), hop.DestinationTokenAccount);
        Assert.Equal(SwapDirection.AToB, hop.Direction);
        Assert.Equal(2_000_000UL, hop.Amount);
        Assert.Equal(1_550_653UL * 9_950 / 10_000, hop.Limit);
    }
}
