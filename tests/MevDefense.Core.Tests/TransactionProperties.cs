using FsCheck.Xunit;
using MevDefense.Crypto;
using MevDefense.Wire;

namespace MevDefense.Core.Tests;

public class TransactionProperties
{
    [Property(MaxTest = 200)]
    public void WriteRead_RandomTransaction_RoundTrips(int seed)
    {
        byte[] wire = Generators.SignedTransaction(seed);
        var v = TransactionView.Parse(wire);
        Assert.True(v.VerifySignatures());
        var sigs = new Signature[v.SignatureCount];
        for (int i = 0; i < sigs.Length; i++)
        {
            sigs[i] = new Signature(v.GetSignature(i));
        }

        Assert.Equal(wire, TransactionWriter.Serialize(TransactionMessage.FromView(v), sigs));
    }

    [Property(MaxTest = 500)]
    public void TryRead_RandomBytes_NeverThrows(byte[] data, byte first)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var candidate in new[] { data, [first, .. data], [0x81, .. data], [0x01, .. new byte[64], 0x80, .. data] })
        {
            if (TransactionReader.TryRead(candidate, out var layout, out int consumed, out string? error))
            {
                Assert.InRange(consumed, 1, candidate.Length);
                Generators.Touch(new TransactionView(candidate, layout));
            }
            else
            {
                Assert.NotNull(error);
                Assert.Throws<FormatException>(() => TransactionReader.Read(candidate));
            }
        }
    }

    [Property(MaxTest = 300)]
    public void TryRead_SingleByteCorruption_RejectsCleanlyOrFailsVerification(int seed, int position, byte xor)
    {
        byte[] wire = Generators.SignedTransaction(seed);
        if (xor == 0)
        {
            xor = 1;
        }

        int at = (int)((uint)position % (uint)wire.Length);
        wire[at] ^= xor;
        if (TransactionReader.TryRead(wire, out var layout, out _, out _))
        {
            var view = new TransactionView(wire, layout);
            Generators.Touch(view);
            Assert.False(view.VerifySignatures());
        }
        else
        {
            Assert.Throws<FormatException>(() => TransactionReader.Read(wire));
        }
    }

    [Property(MaxTest = 100)]
    public void TryRead_StrictPrefix_Rejected(int seed, int cut)
    {
        byte[] wire = Generators.SignedTransaction(seed);
        int len = (int)((uint)cut % (uint)wire.Length);
        Assert.False(TransactionReader.TryRead(wire.AsSpan(0, len), out _, out _, out _));
    }

    [Property(MaxTest = 100)]
    public void Read_TrailingBytes_RejectedButTryReadConsumesExactly(int seed, byte extra)
    {
        byte[] wire = Generators.SignedTransaction(seed);
        byte[] longer = [.. wire, extra];
        Assert.Throws<FormatException>(() => TransactionReader.Read(longer));
        Assert.True(TransactionReader.TryRead(longer, out _, out int consumed, out _));
        Assert.Equal(wire.Length, consumed);
    }
}

/// <summary>Random (seeded) transactions and entries built with <see cref="TransactionBuilder"/>.</summary>
internal static class Generators
{
    public static byte[] SignedTransaction(int seed)
    {
        var rng = new Random(seed);
        var version = (TransactionVersion)rng.Next(3);
        var signers = new List<Ed25519Keypair>();
        try
        {
            for (int i = 0, n = rng.Next(1, 4); i < n; i++)
            {
                signers.Add(Ed25519Keypair.FromSeed(Bytes(rng, 32)));
            }

            var plain = Enumerable.Range(0, rng.Next(0, 10)).Select(_ => new Pubkey(Bytes(rng, 32))).ToArray();
            var programs = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => new Pubkey(Bytes(rng, 32))).ToArray();
            var b = new TransactionBuilder(signers[0].PublicKey, new Hash(Bytes(rng, 32))) { Version = version };
            var tableKeys = new List<Pubkey>();
            if (version == TransactionVersion.V0)
            {
                for (int t = 0, n = rng.Next(0, 3); t < n; t++)
                {
                    var addrs = Enumerable.Range(0, rng.Next(1, 12)).Select(_ => new Pubkey(Bytes(rng, 32))).ToArray();
                    tableKeys.AddRange(addrs);
                    b.AddLookupTable(new AddressLookupTableAccount(new Pubkey(Bytes(rng, 32)), addrs));
                }
            }
            else if (version == TransactionVersion.V1)
            {
                b.Config = new TransactionConfig(
                    rng.Next(2) == 0 ? null : (ulong)rng.NextInt64(),
                    rng.Next(2) == 0 ? null : (uint)rng.Next(),
                    rng.Next(2) == 0 ? null : (uint)rng.Next(),
                    rng.Next(2) == 0 ? null : (uint)rng.Next());
            }

            foreach (var s in signers)
            {
                b.AddInstruction(new Instruction(programs[rng.Next(programs.Length)], [new AccountMeta(s.PublicKey, true, rng.Next(2) == 0)], Bytes(rng, rng.Next(0, 20))));
            }

            for (int i = 0, n = rng.Next(0, 5); i < n; i++)
            {
                var metas = new List<AccountMeta>();
                for (int a = 0, m = rng.Next(0, 6); a < m; a++)
                {
                    var pool = rng.Next(2) == 0 && tableKeys.Count > 0 ? tableKeys.ToArray() : plain;
                    if (pool.Length > 0)
                    {
                        metas.Add(new AccountMeta(pool[rng.Next(pool.Length)], false, rng.Next(2) == 0));
                    }
                }

                b.AddInstruction(new Instruction(programs[rng.Next(programs.Length)], metas, Bytes(rng, rng.Next(0, 60))));
            }

            return b.BuildAndSign(signers).Wire.ToArray();
        }
        finally
        {
            foreach (var s in signers)
            {
                s.Dispose();
            }
        }
    }

    public static byte[] Bytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>Reads every field of a view (must never throw for a layout the reader accepted).</summary>
    public static void Touch(TransactionView v)
    {
        for (int i = 0; i < v.SignatureCount; i++)
        {
            _ = v.GetSignature(i);
        }

        for (int i = 0; i < v.StaticKeyCount; i++)
        {
            _ = v.GetStaticKey(i);
        }

        _ = v.RecentBlockhash;
        _ = v.MessageBytes;
        _ = v.Config;
        foreach (var ix in v.Instructions)
        {
            Assert.True(ix.ProgramIdIndex < v.StaticKeyCount);
            foreach (byte a in ix.Accounts)
            {
                Assert.True(a < v.TotalAccountCount);
            }
        }

        foreach (var l in v.Lookups)
        {
            Assert.Equal(32, l.TableKey.Length);
        }

        for (int i = 0; i < v.TotalAccountCount; i++)
        {
            _ = v.IsWritable(i);
        }

        _ = v.VerifySignatures();
    }

}
