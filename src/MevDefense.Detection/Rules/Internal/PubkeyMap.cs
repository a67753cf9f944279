using System.Buffers.Binary;
using System.Numerics;

namespace MevDefense.Detection.Rules.Internal;

/// <summary>
/// A hash map keyed by <see cref="Pubkey"/> for the window index's per-account lookups (several per swap and per transfer):
/// open addressing with linear probing over inline keys, at most half full, a multiplicative hash of the key's first eight
/// bytes with a per-instance random multiplier (keys an outsider grinds to collide in one process do not collide in
/// another), and O(1) <see cref="Clear"/> through generation stamps. Reuses its arrays. Not thread-safe.
/// </summary>
/// <typeparam name="TValue">The value type.</typeparam>
internal sealed class PubkeyMap<TValue>
{
    private readonly ulong _multiplier = (ulong)Random.Shared.NextInt64() | 1;
    private Pubkey[] _keys;
    private TValue[] _values;
    private int[] _stamps; // slot is occupied when its stamp equals _generation
    private int _generation = 1;
    private int _shift; // 64 - log2(capacity)
    private int _count;

    public PubkeyMap(int capacity = 64)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _keys = new Pubkey[size];
        _values = new TValue[size];
        _stamps = new int[size];
        _shift = 64 - BitOperations.Log2((uint)size);
    }

    /// <summary>Gets the number of keys.</summary>
    public int Count => _count;

    /// <summary>Removes every key (the arrays are kept).</summary>
    public void Clear()
    {
        _count = 0;
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_stamps);
            _generation = 1;
        }
    }

    public bool ContainsKey(in Pubkey key) => Find(key) >= 0;

    public bool TryGetValue(in Pubkey key, out TValue value)
    {
        var slot = Find(key);
        if (slot < 0)
        {
            value = default!;
            return false;
        }

        value = _values[slot];
        return true;
    }

    /// <summary>Sets the value of <paramref name="key"/>, adding it when absent.</summary>
    public void Set(in Pubkey key, TValue value) => GetValueRefOrAddDefault(key, out _) = value;

    /// <summary>Returns a reference to the value of <paramref name="key"/>, adding it with the default value when absent; the
    /// reference is valid until the next addition.</summary>
    public ref TValue GetValueRefOrAddDefault(in Pubkey key, out bool exists)
    {
        var mask = _stamps.Length - 1;
        var i = Home(key);
        while (true)
        {
            if (_stamps[i] != _generation)
            {
                break;
            }

            if (_keys[i] == key)
            {
                exists = true;
                return ref _values[i];
            }

            i = (i + 1) & mask;
        }

        exists = false;
        if ((_count + 1) * 2 > _stamps.Length)
        {
            Resize();
            return ref GetValueRefOrAddDefault(key, out exists);
        }

        _stamps[i] = _generation;
        _keys[i] = key;
        _values[i] = default!;
        _count++;
        return ref _values[i];
    }

    private int Home(in Pubkey key) => (int)((BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan()) * _multiplier) >> _shift);

    private int Find(in Pubkey key)
    {
        var mask = _stamps.Length - 1;
        var i = Home(key);
        while (_stamps[i] == _generation)
        {
            if (_keys[i] == key)
            {
                return i;
            }

            i = (i + 1) & mask;
        }

        return -1;
    }

    private void Resize()
    {
        var keys = _keys;
        var values = _values;
        var stamps = _stamps;
        var generation = _generation;
        var size = stamps.Length * 2;
        _keys = new Pubkey[size];
        _values = new TValue[size];
        _stamps = new int[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        _generation = 1;
        _count = 0;
        for (var s = 0; s < stamps.Length; s++)
        {
            if (stamps[s] == generation)
            {
                GetValueRefOrAddDefault(keys[s], out _) = values[s];
            }
        }
    }
}
