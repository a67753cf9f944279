namespace MevDefense.Wire;

/// <summary>An Alpenglow block marker: a block component whose entry count is 0 (footer, header, parent update, certificate).</summary>
/// <param name="Version">The marker version (1 today).</param>
/// <param name="Variant">0 BlockFooter, 1 BlockHeader, 2 UpdateParent, 3 GenesisCertificate.</param>
/// <param name="Payload">The variant payload (not interpreted here).</param>
public sealed record BlockMarker(ushort Version, byte Variant, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The size of the marker header after the zero entry count: version u16, variant u8, length u16.</summary>
    public const int HeaderSize = 5;
}
