using MevDefense.Wire;

namespace MevDefense.Core.Tests;

public class TransactionReaderTests
{
    private static Pubkey Pk(int b) => new(Enumerable.Repeat((byte)b, 32).ToArray());

    private static TransactionMessage Message(
        TransactionVersion version = TransactionVersion.Legacy,
        MessageHeader? header = null,
        int keys = 3,
        MessageInstruction[]? instructions = null,
        MessageAddressTableLookup[]? lookups = null,
        TransactionConfig config = default) => new()
        {
            Version = version,
            Header = header ?? new MessageHeader(1, 0, 1),
            StaticKeys = Enumerable.Range(1, keys).Select(Pk).ToArray(),
            Instructions = instructions ?? [new MessageInstruction(2, new byte[] { 0, 1 }, new byte[] { 9 })],
            Lookups = lookups ?? [],
            Config = config,
        };

    /// <summary>Serializes without the writer's validation, so invalid messages can be produced.</summary>
    private static byte[] Wire(TransactionMessage m, int? sigCount = null)
    {
        int n = sigCount ?? m.Header.NumRequiredSignatures;
        byte[] msg = TransactionWriter.SerializeMessage(m);
        byte[] sigs = new byte[n * 64];
        if (m.Version == TransactionVersion.V1)
        {
            return [.. msg, .. sigs];
        }

        var prefix = new byte[3];
        int p = ShortVec.Write(prefix, n);
        return [.. prefix.AsSpan(0, p), .. sigs, .. msg];
    }

    private static string Reject(byte[] wire)
    {
        Assert.False(TransactionReader.TryRead(wire, out _, out _, out string? error));
        Assert.Throws<FormatException>(() => TransactionReader.Read(wire));
        return error!;
    }

    [Fact]
    public void Read_MinimalValid_Accepted()
    {
        var layout = TransactionReader.Read(Wire(Message()));
        Assert.Equal(TransactionVersion.Legacy, layout.Version);
        Assert.Equal(3, layout.TotalAccountCount);
    }

    [Fact]
    public void Read_SignatureCountDiffersFromHeader_Rejected()
        => Assert.Contains("signature count", Reject(Wire(Message(), sigCount: 2)), StringComparison.Ordinal);

    [Fact]
    public void Read_ReadonlySignedNotBelowRequired_Rejected()
        => Assert.Contains("num_readonly_signed", Reject(Wire(Message(header: new MessageHeader(1, 1, 0)))), StringComparison.Ordinal);

    [Fact]
    public void Read_HeaderExceedsStaticKeys_Rejected()
        => Assert.Contains("exceed static keys", Reject(Wire(Message(header: new MessageHeader(2, 0, 2)))), StringComparison.Ordinal);

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Read_ProgramIdIndexZeroOrOutside_Rejected(int program)
        => Assert.Contains("program id index", Reject(Wire(Message(instructions: [new MessageInstruction((byte)program, Array.Empty<byte>(), Array.Empty<byte>())]))), StringComparison.Ordinal);

    [Fact]
    public void Read_AccountIndexOutOfRange_Rejected()
        => Assert.Contains("account index", Reject(Wire(Message(instructions: [new MessageInstruction(2, new byte[] { 3 }, Array.Empty<byte>())]))), StringComparison.Ordinal);

    [Fact]
    public void Read_V0AccountIndexIntoLookups_Accepted()
    {
        var m = Message(TransactionVersion.V0, instructions: [new MessageInstruction(2, new byte[] { 4 }, Array.Empty<byte>())],
            lookups: [new MessageAddressTableLookup(Pk(9), new byte[] { 7 }, new byte[] { 1 })]);
        var v = TransactionView.Parse(Wire(m));
        Assert.Equal(5, v.TotalAccountCount);
        Assert.True(v.IsWritable(3));
        Assert.False(v.IsWritable(4));
        Assert.False(v.IsWritable(5));
    }

    [Fact]
    public void Read_LookupWithoutIndexes_Rejected()
        => Assert.Contains("lookup without indexes", Reject(Wire(Message(TransactionVersion.V0, lookups: [new MessageAddressTableLookup(Pk(9), Array.Empty<byte>(), Array.Empty<byte>())]))), StringComparison.Ordinal);

    [Fact]
    public void Read_MoreThan256Accounts_Rejected()
    {
        var lookups = Enumerable.Range(0, 3).Select(i => new MessageAddressTableLookup(Pk(100 + i), new byte[90], Array.Empty<byte>())).ToArray();
        Assert.Contains("too many accounts", Reject(Wire(Message(TransactionVersion.V0, lookups: lookups))), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LegacyOver1232Bytes_Rejected()
        => Assert.Contains("1232", Reject(Wire(Message(instructions: [new MessageInstruction(2, Array.Empty<byte>(), new byte[1200])]))), StringComparison.Ordinal);

    [Fact]
    public void Read_UnknownMessageVersion_Rejected()
    {
        byte[] wire = Wire(Message(TransactionVersion.V0));
        wire[1 + 64] = 0x82;
        Assert.Contains("version", Reject(wire), StringComparison.Ordinal);
        Assert.Contains("version", Reject([0x85, .. wire[1..]]), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingGarbage_RejectedByReadOnly()
    {
        byte[] wire = [.. Wire(Message()), 0];
        Assert.Throws<FormatException>(() => TransactionReader.Read(wire));
        Assert.True(TransactionReader.TryRead(wire, out _, out int consumed, out _));
        Assert.Equal(wire.Length - 1, consumed);
    }

    [Fact]
    public void Read_V1Valid_AllConfigFields()
    {
        var m = Message(TransactionVersion.V1, config: new TransactionConfig(1, 2, 3, 4));
        var v = TransactionView.Parse(Wire(m));
        Assert.Equal(TransactionVersion.V1, v.Version);
        Assert.Equal(0x1Fu, v.Layout.ConfigMask);
        Assert.Equal(new TransactionConfig(1, 2, 3, 4), v.Config);
        Assert.Equal(v.Wire.Length - 64, v.Layout.SignaturesOffset);
    }

    [Theory]
    [InlineData(0b01u)]
    [InlineData(0b10u)]
    [InlineData(0b100000u)]
    [InlineData(0x80000000u)]
    public void Read_V1BadConfigMask_Rejected(uint mask)
    {
        byte[] wire = Wire(Message(TransactionVersion.V1));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(wire.AsSpan(4), mask);
        Assert.Contains("mask", Reject(wire), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_V1TooManySignatures_Rejected()
        => Assert.Contains("signature count", Reject(Wire(Message(TransactionVersion.V1, header: new MessageHeader(13, 0, 0), keys: 20))), StringComparison.Ordinal);

    [Fact]
    public void Read_V1TooManyInstructionsOrAddresses_Rejected()
    {
        Assert.Contains("instructions", Reject(Wire(Message(TransactionVersion.V1, instructions: Enumerable.Range(0, 65).Select(_ => new MessageInstruction(2, Array.Empty<byte>(), Array.Empty<byte>())).ToArray()))), StringComparison.Ordinal);
        Assert.Contains("addresses", Reject(Wire(Message(TransactionVersion.V1, keys: 65))), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_V1SizeLimit4096()
    {
        Assert.True(TransactionReader.TryRead(Wire(Message(TransactionVersion.V1, instructions: [new MessageInstruction(2, Array.Empty<byte>(), new byte[3000])])), out _, out _, out _));
        Assert.Contains("4096", Reject(Wire(Message(TransactionVersion.V1, instructions: [new MessageInstruction(2, Array.Empty<byte>(), new byte[4000])]))), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_V1AccountIndexBeyondAddresses_Rejected()
        => Assert.Contains("account index", Reject(Wire(Message(TransactionVersion.V1, instructions: [new MessageInstruction(2, new byte[] { 3 }, Array.Empty<byte>())]))), StringComparison.Ordinal);

    [Fact]
    public void Read_Empty_Rejected() => Assert.Equal("empty input", Reject([]));
}
