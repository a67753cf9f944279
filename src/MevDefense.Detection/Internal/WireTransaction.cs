using MevDefense.Wire;

namespace MevDefense.Detection.Internal;

/// <summary>
/// A minimal bounds-checked reader of legacy and v0 wire transactions (signatures, header, static keys, instructions,
/// lookups), private to detection until Core's <c>TransactionReader</c> is available. Never throws: <see cref="TryParse"/>
/// returns false for malformed input.
/// </summary>
internal readonly ref struct WireTransaction
{
    public readonly ReadOnlySpan<byte> Wire;
    public readonly int SignatureCount;
    public readonly int SignaturesOffset;
    public readonly int MessageOffset;
    public readonly bool Versioned;
    public readonly byte NumRequiredSignatures;
    public readonly byte NumReadonlySigned;
    public readonly byte NumReadonlyUnsigned;
    public readonly int StaticKeyCount;
    public readonly int StaticKeysOffset;
    public readonly int InstructionCount;
    public readonly int InstructionsOffset;
    public readonly int LookupCount;
    public readonly int LookupsOffset;
    public readonly int Length;

    private WireTransaction(ReadOnlySpan<byte> wire, int sigCount, int sigOffset, int msgOffset, bool versioned, byte h0, byte h1, byte h2,
        int keyCount, int keysOffset, int ixCount, int ixOffset, int lookupCount, int lookupsOffset, int length)
    {
        Wire = wire;
        SignatureCount = sigCount;
        SignaturesOffset = sigOffset;
        MessageOffset = msgOffset;
        Versioned = versioned;
        NumRequiredSignatures = h0;
        NumReadonlySigned = h1;
        NumReadonlyUnsigned = h2;
        StaticKeyCount = keyCount;
        StaticKeysOffset = keysOffset;
        InstructionCount = ixCount;
        InstructionsOffset = ixOffset;
        LookupCount = lookupCount;
        LookupsOffset = lookupsOffset;
        Length = length;
    }

    public ReadOnlySpan<byte> MessageBytes => Wire[MessageOffset..Length];

    public Signature GetSignature(int i) => new(Wire.Slice(SignaturesOffset + (i * Signature.Size), Signature.Size));

    public Pubkey GetStaticKey(int i) => new(Wire.Slice(StaticKeysOffset + (i * Pubkey.Size), Pubkey.Size));

    public bool IsSigner(int i) => i < NumRequiredSignatures;

    public bool IsStaticWritable(int i) => i < NumRequiredSignatures
        ? i < NumRequiredSignatures - NumReadonlySigned
        : i < StaticKeyCount - NumReadonlyUnsigned;

    public static bool TryParse(ReadOnlySpan<byte> wire, out WireTransaction tx)
    {
        tx = default;
        var p = 0;
        if (!ShortVec.TryRead(wire, out var sigCount, out var n) || sigCount == 0 || sigCount > 127)
        {
            return false;
        }

        p += n;
        var sigOffset = p;
        p += sigCount * Signature.Size;
        if (p >= wire.Length)
        {
            return false;
        }

        var msg = p;
        var versioned = (wire[p] & 0x80) != 0;
        if (versioned)
        {
            if ((wire[p] & 0x7F) != 0)
            {
                return false; // only v0
            }

            p++;
        }

        if (p + 3 > wire.Length)
        {
            return false;
        }

        byte h0 = wire[p], h1 = wire[p + 1], h2 = wire[p + 2];
        p += 3;
        if (!ShortVec.TryRead(wire[p..], out var keyCount, out n) || keyCount == 0 || keyCount > 256)
        {
            return false;
        }

        p += n;
        var keys = p;
        p += keyCount * Pubkey.Size;
        p += 32; // recent blockhash
        if (p > wire.Length || h0 != sigCount || h0 > keyCount || h1 >= h0 || h2 > keyCount - h0)
        {
            return false;
        }

        if (!ShortVec.TryRead(wire[p..], out var ixCount, out n))
        {
            return false;
        }

        p += n;
        var ixOffset = p;
        for (var i = 0; i < ixCount; i++)
        {
            if (p >= wire.Length)
            {
                return false;
            }

            p++; // program index
            if (!ShortVec.TryRead(wire[p..], out var accCount, out n))
            {
                return false;
            }

            p += n + accCount;
            if (p > wire.Length || !ShortVec.TryRead(wire[p..], out var dataLen, out n))
            {
                return false;
            }

            p += n + dataLen;
            if (p > wire.Length)
            {
                return false;
            }
        }

        int lookupCount = 0, lookupsOffset = p;
        if (versioned)
        {
            if (!ShortVec.TryRead(wire[p..], out var lc, out n))
            {
                return false;
            }

            lookupCount = lc;
            p += n;
            lookupsOffset = p;
            for (var i = 0; i < lookupCount; i++)
            {
                p += 32;
                for (var part = 0; part < 2; part++)
                {
                    if (p > wire.Length || !ShortVec.TryRead(wire[p..], out var cnt, out n))
                    {
                        return false;
                    }

                    p += n + cnt;
                }

                if (p > wire.Length)
                {
                    return false;
                }
            }
        }

        tx = new WireTransaction(wire, sigCount, sigOffset, msg, versioned, h0, h1, h2, keyCount, keys, ixCount, ixOffset, lookupCount, lookupsOffset, p);
        return true;
    }

    public InstructionEnumerator Instructions => new(Wire, InstructionsOffset, InstructionCount);

    public LookupEnumerator Lookups => new(Wire, LookupsOffset, LookupCount);

    internal ref struct InstructionEnumerator
    {
        private readonly ReadOnlySpan<byte> _wire;
        private int _pos;
        private int _left;

        public InstructionEnumerator(ReadOnlySpan<byte> wire, int offset, int count)
        {
            _wire = wire;
            _pos = offset;
            _left = count;
            Current = default;
        }

        public WireInstruction Current { get; private set; }

        public readonly InstructionEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_left-- <= 0)
            {
                return false;
            }

            var program = _wire[_pos++];
            ShortVec.TryRead(_wire[_pos..], out var accCount, out var n);
            _pos += n;
            var accounts = _wire.Slice(_pos, accCount);
            _pos += accCount;
            ShortVec.TryRead(_wire[_pos..], out var dataLen, out n);
            _pos += n;
            var data = _wire.Slice(_pos, dataLen);
            _pos += dataLen;
            Current = new WireInstruction(program, accounts, data);
            return true;
        }
    }

    internal ref struct LookupEnumerator
    {
        private readonly ReadOnlySpan<byte> _wire;
        private int _pos;
        private int _left;

        public LookupEnumerator(ReadOnlySpan<byte> wire, int offset, int count)
        {
            _wire = wire;
            _pos = offset;
            _left = count;
            Current = default;
        }

        public WireLookup Current { get; private set; }

        public readonly LookupEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_left-- <= 0)
            {
                return false;
            }

            var table = new Pubkey(_wire.Slice(_pos, 32));
            _pos += 32;
            ShortVec.TryRead(_wire[_pos..], out var w, out var n);
            _pos += n;
            var writable = _wire.Slice(_pos, w);
            _pos += w;
            ShortVec.TryRead(_wire[_pos..], out var r, out n);
            _pos += n;
            var ro = _wire.Slice(_pos, r);
            _pos += r;
            Current = new WireLookup(table, writable, ro);
            return true;
        }
    }
}

internal readonly ref struct WireInstruction(byte programIndex, ReadOnlySpan<byte> accounts, ReadOnlySpan<byte> data)
{
    public readonly byte ProgramIndex = programIndex;
    public readonly ReadOnlySpan<byte> Accounts = accounts;
    public readonly ReadOnlySpan<byte> Data = data;
}

internal readonly ref struct WireLookup(Pubkey table, ReadOnlySpan<byte> writable, ReadOnlySpan<byte> readOnly)
{
    public readonly Pubkey Table = table;
    public readonly ReadOnlySpan<byte> WritableIndexes = writable;
    public readonly ReadOnlySpan<byte> ReadonlyIndexes = readOnly;
}
