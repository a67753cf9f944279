using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;

namespace MevDefense.Detection.Tests.Rules;

/// <summary>Builds decoded windows by hand for rule tests.</summary>
internal sealed class WindowBuilder
{
    private static int _next = 1;
    private readonly DetectionWindow _window = new();
    private int _index;
    private ulong _slot = 400_000_000;

    public static Pubkey Key(int n)
    {
        var b = new byte[32];
        b[0] = (byte)n;
        b[1] = (byte)(n >> 8);
        b[31] = 7;
        return new Pubkey(b);
    }

    public static readonly Pubkey PoolA = Key(900);
    public static readonly Pubkey PoolB = Key(901);
    public static readonly Pubkey MintX = Key(800);
    public static readonly Pubkey MintY = Key(801);
    public static readonly Pubkey MintZ = Key(802);

    public DetectionWindow Window => _window;

    public WindowBuilder NextSlot()
    {
        _slot++;
        _index = 0;
        return this;
    }

    public DecodedTransaction Tx(Pubkey signer, ulong tip = 0, ulong cuPrice = 0)
    {
        var t = _window.AddNew();
        var sig = new byte[64];
        var id = Interlocked.Increment(ref _next);
        BitConverter.TryWriteBytes(sig, id);
        sig[63] = 1;
        t.Signature = new Signature(sig);
        t.Slot = _slot;
        t.Index = _index++;
        t.AddSigner(signer);
        t.TipLamports = tip;
        t.ComputeUnitPrice = cuPrice;
        if (tip > 0)
        {
            t.AddTransfer(new TransferRecord { From = signer, To = JitoTipAccounts.All[0], Authority = signer, Amount = tip, IsTip = true });
        }

        return t;
    }

    /// <summary>A swap where the user's accounts are derived from (user, mint) so round trips reuse accounts.</summary>
    public static SwapIntent Swap(Pubkey pool, Pubkey user, Pubkey mintIn, Pubkey mintOut, ulong amount, ulong limit = 0, bool knownMints = true)
        => new()
        {
            Dex = DexProgram.RaydiumCpmm,
            Program = DexProgramIds.RaydiumCpmm,
            Pool = pool,
            User = user,
            SourceTokenAccount = Account(user, mintIn),
            DestinationTokenAccount = Account(user, mintOut),
            SourceMint = knownMints ? mintIn : default,
            DestinationMint = knownMints ? mintOut : default,
            Direction = knownMints ? (mintIn.CompareTo(mintOut) < 0 ? SwapDirection.AToB : SwapDirection.BToA) : SwapDirection.Unknown,
            AmountKind = SwapAmountKind.ExactIn,
            Amount = amount,
            Limit = limit,
        };

    public static Pubkey Account(Pubkey owner, Pubkey mint)
    {
        var b = owner.ToArray();
        var m = mint.AsSpan();
        for (var i = 0; i < 32; i++)
        {
            b[i] ^= (byte)(m[i] * 31);
        }

        b[30] ^= 0x5A;
        return new Pubkey(b);
    }

    public DecodedTransaction SwapTx(Pubkey signer, Pubkey pool, Pubkey mintIn, Pubkey mintOut, ulong amount = 1_000_000, ulong tip = 0, ulong cuPrice = 0, ulong limit = 0)
    {
        var t = Tx(signer, tip, cuPrice);
        t.AddSwap(Swap(pool, signer, mintIn, mintOut, amount, limit));
        return t;
    }
}
