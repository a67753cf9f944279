using static MevDefense.Detection.Dex.Internal.DecoderHelpers;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>Route-level facts of a Jupiter v6 route instruction.</summary>
internal readonly record struct JupiterRoute(
    string Instruction,
    bool ExactOut,
    ulong Amount,
    ulong QuotedAmount,
    ushort SlippageBps,
    byte PlatformFeeBps,
    int StepCount,
    Pubkey User,
    Pubkey SourceTokenAccount,
    Pubkey DestinationTokenAccount,
    Pubkey SourceMint,
    Pubkey DestinationMint,
    int FirstHopAccount);

/// <summary>
/// Jupiter v6: route, route_with_token_ledger, shared_accounts_route(_with_token_ledger), exact_out_route and
/// shared_accounts_exact_out_route. Walks the route plan (Borsh <c>Vec&lt;RoutePlanStep&gt;</c> over the 114-variant swap enum)
/// and emits one <see cref="SwapIntent"/> per step; each step's pool is located in the remaining accounts after the
/// hop's DEX program id (Jupiter passes every hop as its program id followed by that DEX's own swap accounts).
/// </summary>
internal sealed class JupiterV6Decoder : ISwapDecoder
{
    /// <summary>The maximum route plan length accepted.</summary>
    public const int MaxSteps = 16;

    private const byte Variable = 255;

    // Payload bytes per Swap enum variant (0..113), from fixtures/dex/jupiter_v6_swap_enum.tsv; 255 = variable length.
    private static ReadOnlySpan<byte> PayloadSizes =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 16, 0, 0, 0, 4, 0, 0, 0, 0, 0, 1,
        0, 4, 3, 10, 5, 5, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 255, 0, 0, 0, 0,
        0, 8, 8, 0, 0, 1, 2, 9, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 255, 1, 0, 1, 1, 0, 0, 1, 255, 0, 0,
    ];

    public DexProgram Dex => DexProgram.JupiterV6;

    public Pubkey ProgramId => DexProgramIds.JupiterV6;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        written = 0;
        Span<Step> steps = stackalloc Step[MaxSteps];
        var status = TryReadRoute(accounts, data, steps, out var route);
        if (status != SwapDecodeStatus.Decoded)
        {
            return status;
        }

        if (destination.Length < route.StepCount)
        {
            return SwapDecodeStatus.DestinationTooSmall;
        }

        int maxOut = 0;
        for (var i = 0; i < route.StepCount; i++)
        {
            maxOut = Math.Max(maxOut, steps[i].OutputIndex);
        }

        var cursor = route.FirstHopAccount;
        var minOut = route.ExactOut ? 0 : (ulong)(((UInt128)route.QuotedAmount * (uint)(10_000 - Math.Min(route.SlippageBps, (ushort)10_000))) / 10_000);
        var maxIn = route.ExactOut ? (ulong)UInt128.Min(ulong.MaxValue, ((UInt128)route.QuotedAmount * (uint)(10_000 + route.SlippageBps)) / 10_000) : 0;
        for (var i = 0; i < route.StepCount; i++)
        {
            ref readonly var s = ref steps[i];
            var hop = Hop.For(s.Variant);
            Pubkey pool = default, program = hop.Program, mintA = default, mintB = default;
            if (!program.IsZero)
            {
                for (var k = cursor; k < accounts.Length; k++)
                {
                    if (accounts[k] == program)
                    {
                        pool = At(accounts, k + 1 + hop.PoolOffset);
                        if (hop.MintOffset >= 0)
                        {
                            mintA = At(accounts, k + 1 + hop.MintOffset);
                            mintB = At(accounts, k + 2 + hop.MintOffset);
                        }

                        cursor = k + 1;
                        break;
                    }
                }
            }

            var first = s.InputIndex == 0;
            var last = s.OutputIndex == maxOut;
            var direction = s.Direction;
            if (direction == SwapDirection.Unknown && hop.Dex == DexProgram.PumpSwap)
            {
                // PumpSwap hops: 72/92/99 buy (quote -> base), 73/93/100 sell (base -> quote); mints are base (3) then quote (4).
                var buy = s.Variant is 72 or 92 or 99;
                direction = buy ? FromMints(mintB, mintA) : FromMints(mintA, mintB);
            }

            ulong amount = 0, limit = 0;
            if (route.ExactOut)
            {
                amount = last ? route.Amount : 0;
                limit = first ? maxIn : 0;
            }
            else
            {
                amount = first ? (ulong)(((UInt128)route.Amount * s.Percent) / 100) : 0;
                limit = last ? minOut : 0;
            }

            destination[i] = new SwapIntent
            {
                Dex = hop.Dex,
                Program = program,
                Router = ProgramId,
                Pool = pool,
                User = route.User,
                SourceTokenAccount = first ? route.SourceTokenAccount : default,
                DestinationTokenAccount = last ? route.DestinationTokenAccount : default,
                SourceMint = first ? route.SourceMint : default,
                DestinationMint = last ? route.DestinationMint : default,
                Direction = direction,
                AmountKind = route.ExactOut ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn,
                Amount = amount,
                Limit = limit,
                HopIndex = (byte)i,
                Instruction = route.Instruction,
            };
        }

        written = route.StepCount;
        return SwapDecodeStatus.Decoded;
    }

    /// <summary>Reads the route-level fields and the plan.</summary>
    internal static SwapDecodeStatus TryReadRoute(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<Step> steps, out JupiterRoute route)
    {
        route = default;
        if (!Anchor.TryRead(data, out var disc))
        {
            return SwapDecodeStatus.Malformed;
        }

        // (shared id byte, in_amount present, exact out, user, source ta, destination ta, source mint, destination mint, first hop)
        bool shared, hasAmount = true, exactOut = false;
        int user, src, dst, srcMint, dstMint, firstHop;
        string name;
        if (disc == Anchor.Route)
        {
            (name, shared, user, src, dst, srcMint, dstMint, firstHop) = ("route", false, 1, 2, 3, -1, 5, 9);
        }
        else if (disc == Anchor.RouteWithTokenLedger)
        {
            (name, shared, hasAmount, user, src, dst, srcMint, dstMint, firstHop) = ("route_with_token_ledger", false, false, 1, 2, 3, -1, 5, 10);
        }
        else if (disc == Anchor.SharedAccountsRoute)
        {
            (name, shared, user, src, dst, srcMint, dstMint, firstHop) = ("shared_accounts_route", true, 2, 3, 6, 7, 8, 13);
        }
        else if (disc == Anchor.SharedAccountsRouteWithTokenLedger)
        {
            (name, shared, hasAmount, user, src, dst, srcMint, dstMint, firstHop) = ("shared_accounts_route_with_token_ledger", true, false, 2, 3, 6, 7, 8, 14);
        }
        else if (disc == Anchor.ExactOutRoute)
        {
            (name, shared, exactOut, user, src, dst, srcMint, dstMint, firstHop) = ("exact_out_route", false, true, 1, 2, 3, 5, 6, 11);
        }
        else if (disc == Anchor.SharedAccountsExactOutRoute)
        {
            (name, shared, exactOut, user, src, dst, srcMint, dstMint, firstHop) = ("shared_accounts_exact_out_route", true, true, 2, 3, 6, 7, 8, 13);
        }
        else
        {
            return SwapDecodeStatus.NotSwap;
        }

        var r = new BorshReader(data[8..]);
        if ((shared && !r.TryU8(out _)) || !r.TryU32(out var count) || count == 0 || count > (uint)Math.Min(MaxSteps, steps.Length))
        {
            return SwapDecodeStatus.Malformed;
        }

        for (var i = 0; i < (int)count; i++)
        {
            if (!TryReadStep(ref r, out steps[i]))
            {
                return SwapDecodeStatus.Malformed;
            }
        }

        ulong amount = 0, quoted;
        if (exactOut)
        {
            if (!r.TryU64(out amount) || !r.TryU64(out quoted))
            {
                return SwapDecodeStatus.Malformed;
            }
        }
        else if ((hasAmount && !r.TryU64(out amount)) || !r.TryU64(out quoted))
        {
            return SwapDecodeStatus.Malformed;
        }

        if (!r.TryU16(out var slippage) || !r.TryU8(out var fee) || accounts.Length < firstHop)
        {
            return SwapDecodeStatus.Malformed;
        }

        route = new JupiterRoute(
            name,
            exactOut,
            amount,
            quoted,
            slippage,
            fee,
            (int)count,
            accounts[user],
            accounts[src],
            accounts[dst],
            srcMint >= 0 ? accounts[srcMint] : default,
            accounts[dstMint],
            firstHop);
        return SwapDecodeStatus.Decoded;
    }

    private static bool TryReadStep(ref BorshReader r, out Step step)
    {
        step = default;
        if (!r.TryU8(out var variant) || variant >= PayloadSizes.Length)
        {
            return false;
        }

        var direction = SwapDirection.Unknown;
        var size = PayloadSizes[variant];
        if (size == Variable)
        {
            switch (variant)
            {
                case 47 or 103: // {a_to_b: bool, remaining_accounts_info: Option<RemainingAccountsInfo>}
                    if (!r.TryBool(out var aToB) || !r.TryOptionTag(out var some) || (some && !r.SkipRemainingAccountsInfo()))
                    {
                        return false;
                    }

                    direction = FromFlag(aToB);
                    break;
                case 75: // {remaining_accounts_info: RemainingAccountsInfo}
                    if (!r.SkipRemainingAccountsInfo())
                    {
                        return false;
                    }

                    break;
                default: // 111 DynamicV1: candidate list layout not published; the rest of the plan cannot be located.
                    return false;
            }
        }
        else
        {
            if (size == 1 && Hop.HasDirectionFlag(variant))
            {
                if (!r.TryU8(out var flag) || flag > 1)
                {
                    return false;
                }

                direction = Hop.DirectionOf(variant, flag);
            }
            else if (!r.Skip(size))
            {
                return false;
            }
        }

        if (!r.TryU8(out var percent) || !r.TryU8(out var input) || !r.TryU8(out var output) || percent > 100)
        {
            return false;
        }

        step = new Step(variant, percent, input, output, direction);
        return true;
    }

    internal readonly record struct Step(byte Variant, byte Percent, byte InputIndex, byte OutputIndex, SwapDirection Direction);

    /// <summary>How to find a hop's pool: its DEX, its program id and the pool's index in that DEX's own account list.</summary>
    private readonly record struct Hop(DexProgram Dex, Pubkey Program, int PoolOffset, int MintOffset)
    {
        public static Hop For(byte variant) => variant switch
        {
            7 => new(DexProgram.RaydiumAmmV4, DexProgramIds.RaydiumAmmV4, 1, -1),
            17 => new(DexProgram.OrcaWhirlpool, DexProgramIds.OrcaWhirlpool, 2, -1),
            47 => new(DexProgram.OrcaWhirlpool, DexProgramIds.OrcaWhirlpool, 4, -1),
            19 => new(DexProgram.MeteoraDammV1, DexProgramIds.MeteoraDammV1, 0, -1),
            38 or 75 => new(DexProgram.MeteoraDlmm, DexProgramIds.MeteoraDlmm, 0, -1),
            46 => new(DexProgram.RaydiumCpmm, DexProgramIds.RaydiumCpmm, 3, -1),
            26 or 40 => new(DexProgram.RaydiumClmm, DexProgramIds.RaydiumClmm, 2, -1),
            25 => new(DexProgram.LifinityV2, DexProgramIds.LifinityV2, 1, -1),
            28 => new(DexProgram.Phoenix, DexProgramIds.Phoenix, 1, -1),
            39 => new(DexProgram.OpenBookV2, DexProgramIds.OpenBookV2, 2, -1),
            72 or 73 or 92 or 93 or 99 or 100 => new(DexProgram.PumpSwap, DexProgramIds.PumpSwap, 0, 3),
            77 or 108 => new(DexProgram.MeteoraDammV2, DexProgramIds.MeteoraDammV2, 1, -1),
            _ => new(DexProgram.Unknown, default, 0, -1),
        };

        /// <summary>Whether a 1-byte payload is a direction flag (a_to_b / x_to_y bool, or Side) for a DEX we bucket.</summary>
        public static bool HasDirectionFlag(byte variant) => variant is 17 or 28 or 39;

        public static SwapDirection DirectionOf(byte variant, byte flag) => variant switch
        {
            17 => FromFlag(flag == 1),                                       // Whirlpool a_to_b
            _ => flag == 0 ? SwapDirection.BToA : SwapDirection.AToB,        // Side: Bid buys base (B -> A), Ask sells base
        };
    }
}
