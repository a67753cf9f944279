using MevDefense.Wire;

namespace MevDefense.Detection.Scenarios.Internal;

/// <summary>One account of a generated instruction.</summary>
internal readonly record struct Meta(Pubkey Key, bool Signer, bool Writable)
{
    public static Meta W(Pubkey key) => new(key, false, true);

    public static Meta R(Pubkey key) => new(key, false, false);

    public static Meta S(Pubkey key) => new(key, true, true);
}

/// <summary>One generated instruction.</summary>
internal sealed record ScenarioInstruction(Pubkey Program, Meta[] Accounts, byte[] Data);

/// <summary>
/// Compiles instructions into a signed legacy or v0 wire transaction (key ordering: writable signers with the fee payer
/// first, read-only signers, writable non-signers, read-only non-signers; v0 moves non-signer, non-program keys found in the
/// given lookup table into the message's lookup). Private to the generator until Core's <c>TransactionBuilder</c> is used.
/// </summary>
internal static class WireBuilder
{
    public static byte[] Build(IReadOnlyList<ScenarioWallet> signers, IReadOnlyList<ScenarioInstruction> instructions, ReadOnlySpan<byte> blockhash,
        (Pubkey Table, Pubkey[] Addresses)? lookupTable = null)
    {
        var keys = new List<(Pubkey Key, bool Signer, bool Writable, bool Program)>();
        void Merge(Pubkey k, bool signer, bool writable, bool program)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (keys[i].Key == k)
                {
                    keys[i] = (k, keys[i].Signer || signer, keys[i].Writable || writable, keys[i].Program || program);
                    return;
                }
            }

            keys.Add((k, signer, writable, program));
        }

        foreach (var s in signers)
        {
            Merge(s.PublicKey, true, true, false);
        }

        foreach (var ix in instructions)
        {
            foreach (var a in ix.Accounts)
            {
                Merge(a.Key, a.Signer, a.Writable, false);
            }

            Merge(ix.Program, false, false, true);
        }

        var payer = keys[0];
        var ordered = keys.Skip(1)
            .OrderBy(k => k.Signer ? (k.Writable ? 0 : 1) : (k.Writable ? 2 : 3))
            .ToList();
        ordered.Insert(0, payer);

        var lookupWritable = new List<(Pubkey Key, byte Index)>();
        var lookupReadonly = new List<(Pubkey Key, byte Index)>();
        if (lookupTable is { } lt)
        {
            for (var i = ordered.Count - 1; i >= 0; i--)
            {
                var k = ordered[i];
                var idx = Array.IndexOf(lt.Addresses, k.Key);
                if (!k.Signer && !k.Program && idx >= 0 && idx < 256)
                {
                    (k.Writable ? lookupWritable : lookupReadonly).Insert(0, (k.Key, (byte)idx));
                    ordered.RemoveAt(i);
                }
            }
        }

        var all = ordered.Select(k => k.Key).Concat(lookupWritable.Select(l => l.Key)).Concat(lookupReadonly.Select(l => l.Key)).ToList();
        int numSigners = ordered.Count(k => k.Signer);
        int roSigned = ordered.Count(k => k.Signer && !k.Writable);
        int roUnsigned = ordered.Count(k => !k.Signer && !k.Writable);

        using var ms = new MemoryStream();
        var sv = new byte[ShortVec.MaxEncodedLength];
        void WriteShortVec(int v) => ms.Write(sv, 0, ShortVec.Write(sv, v));
        var versioned = lookupTable is not null;
        if (versioned)
        {
            ms.WriteByte(0x80);
        }

        ms.WriteByte((byte)numSigners);
        ms.WriteByte((byte)roSigned);
        ms.WriteByte((byte)roUnsigned);
        WriteShortVec(ordered.Count);
        foreach (var k in ordered)
        {
            ms.Write(k.Key.AsSpan());
        }

        ms.Write(blockhash);
        WriteShortVec(instructions.Count);
        foreach (var ix in instructions)
        {
            ms.WriteByte((byte)all.IndexOf(ix.Program));
            WriteShortVec(ix.Accounts.Length);
            foreach (var a in ix.Accounts)
            {
                ms.WriteByte((byte)all.IndexOf(a.Key));
            }

            WriteShortVec(ix.Data.Length);
            ms.Write(ix.Data);
        }

        if (versioned)
        {
            var any = lookupWritable.Count + lookupReadonly.Count > 0;
            WriteShortVec(any ? 1 : 0);
            if (any)
            {
                ms.Write(lookupTable!.Value.Table.AsSpan());
                WriteShortVec(lookupWritable.Count);
                foreach (var l in lookupWritable)
                {
                    ms.WriteByte(l.Index);
                }

                WriteShortVec(lookupReadonly.Count);
                foreach (var l in lookupReadonly)
                {
                    ms.WriteByte(l.Index);
                }
            }
        }

        var message = ms.ToArray();
        var wire = new byte[ShortVec.GetEncodedLength(numSigners) + (numSigners * Signature.Size) + message.Length];
        var p = ShortVec.Write(wire, numSigners);
        for (var i = 0; i < numSigners; i++)
        {
            var signer = signers.First(s => s.PublicKey == ordered[i].Key);
            signer.Sign(message, wire.AsSpan(p + (i * Signature.Size), Signature.Size));
        }

        message.CopyTo(wire, p + (numSigners * Signature.Size));
        return wire;
    }
}
