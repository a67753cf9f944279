using System.Text.Json;
using MevDefense.Wire;

namespace MevDefense.Detection.Decoding;

/// <summary>
/// Reads JSON-RPC <c>getBlock</c> responses (transactionDetails <c>full</c>, encoding <c>base64</c> or <c>json</c>) into
/// wire transactions. Transactions in <c>json</c> encoding are re-serialized from their message fields, so both encodings
/// decode the same way.
/// </summary>
public static class GetBlockReader
{
    /// <summary>Reads one response (or its bare <c>result</c> object).</summary>
    /// <param name="root">The response.</param>
    /// <param name="slot">The slot: a top-level or result <c>slot</c> field when present, else <c>parentSlot + 1</c> (exact unless the leader skipped slots).</param>
    /// <returns>The transactions in block order.</returns>
    /// <exception cref="FormatException">The JSON is not a getBlock response.</exception>
    public static IReadOnlyList<BlockTransaction> Read(JsonElement root, out ulong slot)
    {
        var result = root.TryGetProperty("result", out var r) ? r : root;
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("transactions", out var txs) || txs.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("Not a getBlock response (no result.transactions).");
        }

        if (root.TryGetProperty("slot", out var s) && s.TryGetUInt64(out slot))
        {
        }
        else if (result.TryGetProperty("slot", out s) && s.TryGetUInt64(out slot))
        {
        }
        else if (result.TryGetProperty("parentSlot", out var ps) && ps.TryGetUInt64(out var parent))
        {
            slot = parent + 1;
        }
        else
        {
            throw new FormatException("The getBlock response has no slot or parentSlot.");
        }

        var list = new List<BlockTransaction>(txs.GetArrayLength());
        foreach (var entry in txs.EnumerateArray())
        {
            if (!entry.TryGetProperty("transaction", out var tx))
            {
                throw new FormatException("A block entry has no transaction.");
            }

            byte[] wire;
            if (tx.ValueKind == JsonValueKind.Array)
            {
                if (tx.GetArrayLength() < 1 || tx[0].GetString() is not { } b64)
                {
                    throw new FormatException("A base64 transaction entry is empty.");
                }

                wire = Convert.FromBase64String(b64);
            }
            else if (tx.ValueKind == JsonValueKind.Object)
            {
                wire = FromJson(tx);
            }
            else
            {
                throw new FormatException("Unsupported transaction encoding.");
            }

            Pubkey[]? w = null, ro = null;
            if (entry.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                && meta.TryGetProperty("loadedAddresses", out var loaded) && loaded.ValueKind == JsonValueKind.Object)
            {
                w = Keys(loaded, "writable");
                ro = Keys(loaded, "readonly");
            }

            list.Add(new BlockTransaction(wire, w, ro));
        }

        return list;
    }

    private static Pubkey[] Keys(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(k => Pubkey.Parse(k.GetString())).ToArray()
            : [];

    /// <summary>Re-serializes a <c>json</c>-encoded transaction (signatures + message) into wire bytes.</summary>
    private static byte[] FromJson(JsonElement tx)
    {
        var sigs = tx.GetProperty("signatures").EnumerateArray().Select(x => Signature.Parse(x.GetString())).ToArray();
        var msg = tx.GetProperty("message");
        var header = msg.GetProperty("header");
        var keys = msg.GetProperty("accountKeys").EnumerateArray().Select(k => Pubkey.Parse(k.ValueKind == JsonValueKind.Object ? k.GetProperty("pubkey").GetString() : k.GetString())).ToArray();
        var blockhash = Base58.Decode(msg.GetProperty("recentBlockhash").GetString());
        var versioned = msg.TryGetProperty("addressTableLookups", out var lookups) && lookups.ValueKind == JsonValueKind.Array;
        using var ms = new MemoryStream();
        var sv = new byte[ShortVec.MaxEncodedLength];
        void V(int v) => ms.Write(sv, 0, ShortVec.Write(sv, v));
        V(sigs.Length);
        foreach (var sig in sigs)
        {
            ms.Write(sig.AsSpan());
        }

        if (versioned)
        {
            ms.WriteByte(0x80);
        }

        ms.WriteByte(header.GetProperty("numRequiredSignatures").GetByte());
        ms.WriteByte(header.GetProperty("numReadonlySignedAccounts").GetByte());
        ms.WriteByte(header.GetProperty("numReadonlyUnsignedAccounts").GetByte());
        V(keys.Length);
        foreach (var k in keys)
        {
            ms.Write(k.AsSpan());
        }

        ms.Write(blockhash);
        var ixs = msg.GetProperty("instructions");
        V(ixs.GetArrayLength());
        foreach (var ix in ixs.EnumerateArray())
        {
            ms.WriteByte(ix.GetProperty("programIdIndex").GetByte());
            var accounts = ix.GetProperty("accounts");
            V(accounts.GetArrayLength());
            foreach (var a in accounts.EnumerateArray())
            {
                ms.WriteByte(a.GetByte());
            }

            var data = Base58.Decode(ix.GetProperty("data").GetString());
            V(data.Length);
            ms.Write(data);
        }

        if (versioned)
        {
            V(lookups.GetArrayLength());
            foreach (var l in lookups.EnumerateArray())
            {
                ms.Write(Pubkey.Parse(l.GetProperty("accountKey").GetString()).AsSpan());
                foreach (var part in new[] { "writableIndexes", "readonlyIndexes" })
                {
                    var idx = l.GetProperty(part);
                    V(idx.GetArrayLength());
                    foreach (var i in idx.EnumerateArray())
                    {
                        ms.WriteByte(i.GetByte());
                    }
                }
            }
        }

        return ms.ToArray();
    }
}
