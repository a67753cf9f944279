using MevDefense.Detection.Decoding;
using MevDefense.Detection.Rules.Internal;
using MevDefense.Detection.State;

namespace MevDefense.Detection;

/// <summary>
/// An ordered run of decoded transactions (one slot, or consecutive slots of one leader) that detectors examine
/// together. The window owns reusable <see cref="DecodedTransaction"/> buffers, so filling it again after
/// <see cref="Clear"/> allocates nothing. Not thread-safe.
/// </summary>
public sealed class DetectionWindow
{
    private DecodedTransaction[] _transactions = new DecodedTransaction[64];
    private long[] _serials = new long[64];
    private readonly Dictionary<ulong, Pubkey> _leaders = [];
    private IAccountStateProvider? _accountState;
    private int _count;
    private int _version;
    private int _indexedVersion = -1;
    private long _appends;

    /// <summary>Gets the number of transactions.</summary>
    public int Count => _count;

    /// <summary>Gets or sets the optional account-state provider (pool reserves, token-account mints).</summary>
    /// <value>The default value is <see langword="null"/>: directions come from instructions only and victim loss uses the documented proxy.</value>
    public IAccountStateProvider? AccountState
    {
        get => _accountState;
        set
        {
            _accountState = value;
            _version++;
            StructureVersion++;
        }
    }

    /// <summary>Gets a transaction by position in block order.</summary>
    /// <param name="index">The position.</param>
    /// <returns>The transaction.</returns>
    public DecodedTransaction this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            return _transactions[index];
        }
    }

    /// <summary>Gets the slot of the first transaction, or 0 when empty.</summary>
    public ulong FirstSlot => _count == 0 ? 0 : _transactions[0].Slot;

    /// <summary>Gets the slot of the last transaction, or 0 when empty.</summary>
    public ulong LastSlot => _count == 0 ? 0 : _transactions[_count - 1].Slot;

    internal WindowIndex Index { get; } = new();

    /// <summary>
    /// Gets a counter that changes whenever something other than an append changes what detectors see in the transactions
    /// already present: <see cref="Clear"/>, a leader recorded or changed for a slot the window already reaches, the account
    /// state. Incremental detectors rebuild when it changes.
    /// </summary>
    internal int StructureVersion { get; private set; }

    /// <summary>Gets the append serial of the transaction at <paramref name="index"/>: unique per <see cref="AddNew"/>, so a
    /// position removed and refilled (<see cref="RemoveLast"/>, <see cref="Clear"/>) gets a new serial.</summary>
    internal long SerialAt(int index) => _serials[index];

    /// <summary>Removes every transaction (buffers are kept for reuse) and every leader.</summary>
    public void Clear()
    {
        _count = 0;
        _leaders.Clear();
        _version++;
        StructureVersion++;
    }

    /// <summary>Appends a cleared reusable transaction buffer to fill (for example with <see cref="TransactionDecoder.TryDecode(ReadOnlySpan{byte}, ulong, int, DecodedTransaction)"/>).</summary>
    /// <returns>The appended transaction.</returns>
    public DecodedTransaction AddNew()
    {
        if (_count == _transactions.Length)
        {
            Array.Resize(ref _transactions, _transactions.Length * 2);
            Array.Resize(ref _serials, _transactions.Length);
        }

        var t = _transactions[_count] ??= new DecodedTransaction();
        t.Clear();
        _serials[_count] = ++_appends;
        _count++;
        _version++;
        return t;
    }

    /// <summary>Appends a copy of <paramref name="transaction"/>.</summary>
    /// <param name="transaction">The transaction.</param>
    public void Add(DecodedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        AddNew().CopyFrom(transaction);
    }

    /// <summary>Removes the last transaction (for example after a failed decode into <see cref="AddNew"/>).</summary>
    public void RemoveLast()
    {
        if (_count > 0)
        {
            _count--;
            _version++;
        }
    }

    /// <summary>Records the leader of a slot (used to decide whether consecutive slots belong to one leader's run).</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="leader">Its leader.</param>
    public void SetLeader(ulong slot, Pubkey leader)
    {
        if (_leaders.TryGetValue(slot, out var existing) && existing == leader)
        {
            return;
        }

        _leaders[slot] = leader;
        _version++;
        if (_count > 0 && slot <= LastSlot)
        {
            StructureVersion++; // pairs already in the window may change leader-run membership
        }
    }

    /// <summary>
    /// Returns whether two slots are consecutive slots of one leader's run: known leaders must be equal; without leader
    /// data, slots are taken to share a leader when they fall in the same aligned group of four (Solana's leader schedule
    /// assigns four consecutive slots per leader, starting at multiples of four).
    /// </summary>
    /// <param name="earlier">The earlier slot.</param>
    /// <param name="later">The later slot.</param>
    /// <returns><see langword="true"/> for the same slot or consecutive slots of one leader.</returns>
    public bool SameLeaderRun(ulong earlier, ulong later)
    {
        if (later == earlier)
        {
            return true;
        }

        if (later != earlier + 1)
        {
            return false;
        }

        if (_leaders.Count != 0 && _leaders.TryGetValue(earlier, out var a) && _leaders.TryGetValue(later, out var b))
        {
            return a == b;
        }

        return earlier / 4 == later / 4;
    }

    /// <summary>Forces the next <see cref="Prepare"/> to rebuild the index (benchmarks measure the whole per-window cost).</summary>
    internal void Invalidate() => _version++;

    /// <summary>Builds (once per change) the shared per-pool index the rule detectors read.</summary>
    internal WindowIndex Prepare()
    {
        if (_indexedVersion != _version)
        {
            Index.Build(this);
            _indexedVersion = _version;
        }

        return Index;
    }
}
