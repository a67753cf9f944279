namespace MevDefense.Detection.Dex;

/// <summary>Program and account ids the decoders and detectors recognise (mainnet-beta).</summary>
public static class DexProgramIds
{
    /// <summary>Raydium AMM v4.</summary>
    public static readonly Pubkey RaydiumAmmV4 = Pubkey.Parse("675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8");

    /// <summary>Raydium CPMM.</summary>
    public static readonly Pubkey RaydiumCpmm = Pubkey.Parse("CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C");

    /// <summary>Raydium CLMM.</summary>
    public static readonly Pubkey RaydiumClmm = Pubkey.Parse("CAMMCzo5YL8w4VFF8KVHrK22GGUsp5VTaW7grrKgrWqK");

    /// <summary>Orca Whirlpool.</summary>
    public static readonly Pubkey OrcaWhirlpool = Pubkey.Parse("whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc");

    /// <summary>Meteora DLMM.</summary>
    public static readonly Pubkey MeteoraDlmm = Pubkey.Parse("LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo");

    /// <summary>Meteora dynamic AMM v1.</summary>
    public static readonly Pubkey MeteoraDammV1 = Pubkey.Parse("Eo7WjKq67rjJQSZxS6z3YkapzY3eMj6Xy8X5EQVn5UaB");

    /// <summary>Meteora DAMM v2 (cp-amm).</summary>
    public static readonly Pubkey MeteoraDammV2 = Pubkey.Parse("cpamdpZCGKUy5JxQXB4dcpGPiikHawvSWAd6mEn1sGG");

    /// <summary>Pump.fun bonding curve.</summary>
    public static readonly Pubkey PumpFun = Pubkey.Parse("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P");

    /// <summary>PumpSwap AMM.</summary>
    public static readonly Pubkey PumpSwap = Pubkey.Parse("pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA");

    /// <summary>Jupiter v6 aggregator.</summary>
    public static readonly Pubkey JupiterV6 = Pubkey.Parse("JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4");

    /// <summary>Phoenix v1.</summary>
    public static readonly Pubkey Phoenix = Pubkey.Parse("PhoeNiXZ8ByJGLkxNfZRnkUfjvmuYqLR89jjFHGqdXY");

    /// <summary>OpenBook v2.</summary>
    public static readonly Pubkey OpenBookV2 = Pubkey.Parse("opnb2LAfJYbRMAHHvqjCwQxanZn7ReEHp1k81EohpZb");

    /// <summary>Lifinity v2.</summary>
    public static readonly Pubkey LifinityV2 = Pubkey.Parse("2wT8Yq49kHgDzXuPxZSaeLaH1qbmGXtEyPy64bL7aD3c");

    /// <summary>FluxBeam.</summary>
    public static readonly Pubkey FluxBeam = Pubkey.Parse("FLUXubRmkEi2q6K3Y9kBPg9248ggaZVsoSFhtJHSrm1X");

    /// <summary>Moonshot.</summary>
    public static readonly Pubkey Moonshot = Pubkey.Parse("MoonCVVNZFSYkqNXP6bxHLPL6QQJiMagDL3qcqUQTrG");

    /// <summary>The Compute Budget program.</summary>
    public static readonly Pubkey ComputeBudget = Pubkey.Parse("ComputeBudget111111111111111111111111111111");

    /// <summary>The System program.</summary>
    public static readonly Pubkey SystemProgram = Pubkey.Parse("11111111111111111111111111111111");

    /// <summary>The Vote program.</summary>
    public static readonly Pubkey VoteProgram = Pubkey.Parse("Vote111111111111111111111111111111111111111");

    /// <summary>The SPL Token program.</summary>
    public static readonly Pubkey TokenProgram = Pubkey.Parse("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");

    /// <summary>The SPL Token-2022 program.</summary>
    public static readonly Pubkey Token2022Program = Pubkey.Parse("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");

    /// <summary>The associated token account program.</summary>
    public static readonly Pubkey AssociatedTokenProgram = Pubkey.Parse("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

    /// <summary>The Memo program.</summary>
    public static readonly Pubkey MemoProgram = Pubkey.Parse("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

    /// <summary>The wrapped SOL mint (native SOL legs of bonding-curve swaps use it as their mint).</summary>
    public static readonly Pubkey WrappedSolMint = Pubkey.Parse("So11111111111111111111111111111111111111112");

    /// <summary>The address lookup table program.</summary>
    public static readonly Pubkey AddressLookupTableProgram = Pubkey.Parse("AddressLookupTab1e1111111111111111111111111");
}
