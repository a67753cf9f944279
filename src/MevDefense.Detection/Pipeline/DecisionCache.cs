namespace MevDefense.Detection;

/// <summary>A thread-safe LRU cache of recent window decisions keyed by a 128-bit fingerprint of the window's transactions.</summary>
internal sealed class DecisionCache(int capacity)
{
    private readonly Dictionary<UInt128, LinkedListNode<(UInt128 Key, IReadOnlyList<DetectionEvent> Value)>> _map = [];
    private readonly LinkedList<(UInt128 Key, IReadOnlyList<DetectionEvent> Value)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    public bool TryGet(UInt128 key, out IReadOnlyList<DetectionEvent> value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = [];
        return false;
    }

    public void Add(UInt128 key, IReadOnlyList<DetectionEvent> value)
    {
        if (capacity <= 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
                _map.Remove(key);
            }

            _map[key] = _order.AddFirst((key, value));
            while (_map.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }
}
