namespace MevDefense.Wire;

/// <summary>The wire format of a transaction.</summary>
public enum TransactionVersion
{
    /// <summary>The original (unversioned) format.</summary>
    Legacy = 0,

    /// <summary>Version 0: adds address-table lookups.</summary>
    V0 = 1,

    /// <summary>Version 1 (SIMD-0385): message first, signatures last, inline compute-budget configuration, up to 4096 bytes.</summary>
    V1 = 2,
}
