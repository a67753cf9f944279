using MevDefense.Crypto;
using MevDefense.Wire;

namespace MevDefense.Core.Tests;

public class TransactionBuilderTests
{
    private static readonly Pubkey Memo = Pubkey.Parse("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

    private static Ed25519Keypair Key(byte b) => Ed25519Keypair.FromSeed(Enumerable.Repeat(b, 32).ToArray());

    private static Pubkey Pk(byte b) => new(Enumerable.Repeat(b, 32).ToArray());

    [Fact]
    public void BuildAndSign_MemoLegacy_ParsesAndVerifies()
    {
        using var payer = Key(1);
        var blockhash = new Hash(Enumerable.Repeat((byte)9, 32).ToArray());
        var tx = new TransactionBuilder(payer.PublicKey, blockhash)
            .AddInstruction(new Instruction(Memo, [AccountMeta.ReadOnly(payer.PublicKey, isSigner: true)], "hello"u8.ToArray()))
            .BuildAndSign([payer]);
        var v = tx.View;
        Assert.Equal(TransactionVersion.Legacy, v.Version);
        Assert.Equal(new MessageHeader(1, 0, 1), v.Header);
        Assert.Equal(payer.PublicKey, tx.FeePayer);
        Assert.True(v.GetStaticKey(1).SequenceEqual(Memo.AsSpan()));
        Assert.True(v.RecentBlockhash.SequenceEqual(blockhash.AsSpan()));
        Assert.True(tx.VerifySignatures());
        foreach (var ix in v.Instructions)
        {
            Assert.Equal(1, ix.ProgramIdIndex);
            Assert.Equal([0], ix.Accounts.ToArray());
            Assert.Equal("hello"u8.ToArray(), ix.Data.ToArray());
        }
    }

    [Fact]
    public void Compile_OrdersWritableSignersReadonlySignersWritableReadonly()
    {
        using var payer = Key(1);
        using var other = Key(2);
        var b = new TransactionBuilder(payer.PublicKey, default)
            .AddInstruction(new Instruction(Pk(50), [AccountMeta.ReadOnly(Pk(10)), AccountMeta.Writable(Pk(11)), AccountMeta.ReadOnly(other.PublicKey, true)], new byte[] { 1 }))
            .AddInstruction(new Instruction(Pk(51), [AccountMeta.Writable(other.PublicKey, true), AccountMeta.Writable(Pk(10))], ReadOnlyMemory<byte>.Empty));
        var m = b.Compile();
        Assert.Equal([payer.PublicKey, other.PublicKey, Pk(10), Pk(11), Pk(50), Pk(51)], m.StaticKeys);
        Assert.Equal(new MessageHeader(2, 0, 2), m.Header);
        Assert.Equal([2, 3, 1], m.Instructions[0].Accounts.ToArray());
        Assert.Equal(4, m.Instructions[0].ProgramIdIndex);
        var tx = b.BuildAndSign([other, payer]);
        Assert.True(tx.VerifySignatures());
        Assert.True(tx.View.IsWritable(1));
        Assert.False(tx.View.IsWritable(4));
    }

    [Fact]
    public void Compile_V0WithLookupTable_MovesNonSignersIntoLookups()
    {
        using var payer = Key(1);
        var table = new AddressLookupTableAccount(Pk(77), [Pk(20), Pk(21), Pk(22)]);
        var tx = new TransactionBuilder(payer.PublicKey, default)
            .AddLookupTable(table)
            .AddInstruction(new Instruction(Pk(50), [AccountMeta.ReadOnly(Pk(22)), AccountMeta.Writable(Pk(20)), AccountMeta.Writable(Pk(30))], new byte[] { 7 }))
            .BuildAndSign([payer]);
        var v = tx.View;
        Assert.Equal(TransactionVersion.V0, v.Version);
        Assert.Equal(3, v.StaticKeyCount); // payer, 30, program 50
        Assert.Equal(5, v.TotalAccountCount);
        foreach (var l in v.Lookups)
        {
            Assert.True(l.TableKey.SequenceEqual(Pk(77).AsSpan()));
            Assert.Equal([0], l.WritableIndexes.ToArray());
            Assert.Equal([2], l.ReadonlyIndexes.ToArray());
        }

        foreach (var ix in v.Instructions)
        {
            Assert.Equal([4, 3, 1], ix.Accounts.ToArray());
        }

        Assert.True(v.IsWritable(3));
        Assert.False(v.IsWritable(4));
        Assert.True(tx.VerifySignatures());
    }

    [Fact]
    public void BuildAndSign_V1WithConfig_RoundTrips()
    {
        using var payer = Key(3);
        var b = new TransactionBuilder(payer.PublicKey, new Hash(Enumerable.Repeat((byte)5, 32).ToArray()))
        {
            Version = TransactionVersion.V1,
            Config = new TransactionConfig(5000, 200_000, null, 65536),
        };
        b.AddInstruction(new Instruction(Memo, [AccountMeta.Writable(payer.PublicKey, true)], new byte[300]));
        var tx = b.BuildAndSign([payer]);
        var v = tx.View;
        Assert.Equal(TransactionVersion.V1, v.Version);
        Assert.Equal(new TransactionConfig(5000, 200_000, null, 65536), v.Config);
        Assert.Equal(0b10111u, v.Layout.ConfigMask);
        Assert.Equal(0x81, v.Wire[0]);
        Assert.Equal(tx.Wire.Length - 64, v.MessageBytes.Length);
        Assert.True(tx.VerifySignatures());
        Assert.Equal(tx.Wire.ToArray(), TransactionWriter.Serialize(tx.ToMessage(), [tx.Signature]));
    }

    [Fact]
    public void Sign_MissingSigner_Throws()
    {
        using var payer = Key(1);
        var b = new TransactionBuilder(payer.PublicKey, default);
        Assert.Throws<ArgumentException>(() => b.BuildAndSign([]));
    }
}
