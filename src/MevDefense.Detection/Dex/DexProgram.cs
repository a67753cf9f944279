namespace MevDefense.Detection.Dex;

/// <summary>The on-chain program family a decoded swap or liquidity instruction belongs to.</summary>
public enum DexProgram : byte
{
    /// <summary>Not a known DEX program.</summary>
    Unknown = 0,

    /// <summary>Raydium AMM v4 (<c>675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8</c>).</summary>
    RaydiumAmmV4 = 1,

    /// <summary>Raydium CPMM (<c>CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C</c>).</summary>
    RaydiumCpmm = 2,

    /// <summary>Raydium concentrated liquidity (<c>CAMMCzo5YL8w4VFF8KVHrK22GGUsp5VTaW7grrKgrWqK</c>).</summary>
    RaydiumClmm = 3,

    /// <summary>Orca Whirlpool (<c>whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc</c>).</summary>
    OrcaWhirlpool = 4,

    /// <summary>Meteora DLMM (<c>LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo</c>).</summary>
    MeteoraDlmm = 5,

    /// <summary>Meteora dynamic AMM v1 (<c>Eo7WjKq67rjJQSZxS6z3YkapzY3eMj6Xy8X5EQVn5UaB</c>).</summary>
    MeteoraDammV1 = 6,

    /// <summary>Meteora DAMM v2 / cp-amm (<c>cpamdpZCGKUy5JxQXB4dcpGPiikHawvSWAd6mEn1sGG</c>).</summary>
    MeteoraDammV2 = 7,

    /// <summary>Pump.fun bonding curve (<c>6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P</c>).</summary>
    PumpFun = 8,

    /// <summary>PumpSwap AMM (<c>pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA</c>).</summary>
    PumpSwap = 9,

    /// <summary>Jupiter v6 aggregator (<c>JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4</c>).</summary>
    JupiterV6 = 10,

    /// <summary>Phoenix v1 order book (<c>PhoeNiXZ8ByJGLkxNfZRnkUfjvmuYqLR89jjFHGqdXY</c>).</summary>
    Phoenix = 11,

    /// <summary>OpenBook v2 order book (<c>opnb2LAfJYbRMAHHvqjCwQxanZn7ReEHp1k81EohpZb</c>).</summary>
    OpenBookV2 = 12,

    /// <summary>Lifinity v2 (<c>2wT8Yq49kHgDzXuPxZSaeLaH1qbmGXtEyPy64bL7aD3c</c>).</summary>
    LifinityV2 = 13,

    /// <summary>FluxBeam (SPL token-swap layout, <c>FLUXubRmkEi2q6K3Y9kBPg9248ggaZVsoSFhtJHSrm1X</c>).</summary>
    FluxBeam = 14,

    /// <summary>Moonshot bonding curve (<c>MoonCVVNZFSYkqNXP6bxHLPL6QQJiMagDL3qcqUQTrG</c>).</summary>
    Moonshot = 15,
}
