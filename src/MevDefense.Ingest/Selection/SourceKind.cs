namespace MevDefense.Ingest.Selection;

/// <summary>What a <see cref="SourceSelector"/> arm stands for.</summary>
public enum SourceKind
{
    /// <summary>A shred or entry feed (UDP, ShredStream): rewarded when it delivers a shred first.</summary>
    Feed = 0,

    /// <summary>A JSON-RPC route used to backfill slots: rewarded when a backfill succeeds.</summary>
    RpcRoute = 1,
}
