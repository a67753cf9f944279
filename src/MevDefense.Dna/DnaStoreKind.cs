namespace MevDefense.Dna;

/// <summary>The store behind the ledger.</summary>
public enum DnaStoreKind
{
    /// <summary>Embedded RocksDB (synced WAL, group commit): the default.</summary>
    RocksDb,

    /// <summary>In-process memory only (tests, samples): nothing survives a restart.</summary>
    InMemory,

    /// <summary>PostgreSQL (several hosts, one database, one chain per host).</summary>
    PostgreSql,
}
