using System.Runtime.CompilerServices;

namespace MevDefense;

/// <summary>32 bytes stored inline.</summary>
[InlineArray(32)]
internal struct Bytes32
{
    private byte _element0;
}

/// <summary>64 bytes stored inline.</summary>
[InlineArray(64)]
internal struct Bytes64
{
    private byte _element0;
}
