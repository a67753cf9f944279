using System.Buffers.Binary;

namespace MevDefense.Wire;

/// <summary>Enumerates the compiled instructions of a <see cref="TransactionView"/> without allocating.</summary>
public ref struct InstructionEnumerator
{
    private readonly ReadOnlySpan<byte> _wire;
    private readonly bool _v1;
    private readonly int _count;
    private readonly int _headersOffset;
    private int _index;
    private int _pos;

    internal InstructionEnumerator(ReadOnlySpan<byte> wire, scoped in TransactionLayout layout)
    {
        _wire = wire;
        _v1 = layout.Version == TransactionVersion.V1;
        _count = layout.InstructionCount;
        _headersOffset = layout.InstructionsOffset;
        _pos = _v1 ? layout.InstructionsOffset + (4 * layout.InstructionCount) : layout.InstructionsOffset;
        _index = -1;
        Current = default;
    }

    /// <summary>Gets the number of instructions.</summary>
    public readonly int Count => _count;

    /// <summary>Gets the current instruction.</summary>
    public CompiledInstruction Current { get; private set; }

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    /// <returns>This enumerator.</returns>
    public readonly InstructionEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next instruction.</summary>
    /// <returns><see langword="false"/> after the last one.</returns>
    public bool MoveNext()
    {
        if (_index + 1 >= _count)
        {
            return false;
        }

        _index++;
        if (_v1)
        {
            var h = _wire.Slice(_headersOffset + (4 * _index), 4);
            int accCount = h[1];
            int dataLen = BinaryPrimitives.ReadUInt16LittleEndian(h[2..]);
            Current = new CompiledInstruction(h[0], _wire.Slice(_pos, accCount), _wire.Slice(_pos + accCount, dataLen));
            _pos += accCount + dataLen;
            return true;
        }

        byte program = _wire[_pos++];
        _ = ShortVec.TryRead(_wire[_pos..], out ushort accLen, out int n);
        _pos += n;
        var accounts = _wire.Slice(_pos, accLen);
        _pos += accLen;
        _ = ShortVec.TryRead(_wire[_pos..], out ushort dataLength, out n);
        _pos += n;
        var data = _wire.Slice(_pos, dataLength);
        _pos += dataLength;
        Current = new CompiledInstruction(program, accounts, data);
        return true;
    }
}
