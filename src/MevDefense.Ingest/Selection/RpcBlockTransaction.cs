namespace MevDefense.Ingest.Selection;

/// <summary>One transaction of a block fetched with <c>getBlock</c> (base64 encoding).</summary>
/// <param name="Wire">The transaction's wire bytes (signatures + message).</param>
/// <param name="Failed">Whether <c>meta.err</c> was set (the transaction failed on chain).</param>
/// <param name="Fee">The fee in lamports, when the node returned meta.</param>
/// <param name="Version">The version (<c>legacy</c> or a number), when returned.</param>
public sealed record RpcBlockTransaction(ReadOnlyMemory<byte> Wire, bool Failed, ulong? Fee, string? Version);
