using System.Collections.Concurrent;
using MevDefense.Detection.Decoding;

namespace MevDefense.Detection.State;

/// <summary>An <see cref="IAccountStateProvider"/> filled by the host (from RPC snapshots, Geyser updates or a scenario).
/// Pool states are kept per slot; a lookup returns the latest snapshot at or before the requested slot.</summary>
public sealed class InMemoryAccountStateProvider : IAccountStateProvider
{
    private readonly ConcurrentDictionary<Pubkey, SortedList<ulong, PoolState>> _pools = new();
    private readonly ConcurrentDictionary<Pubkey, TokenAccountInfo> _tokenAccounts = new();

    /// <summary>Records a pool's state as of the start of <paramref name="slot"/>.</summary>
    /// <param name="pool">The pool.</param>
    /// <param name="slot">The slot.</param>
    /// <param name="state">The state.</param>
    public void SetPool(Pubkey pool, ulong slot, PoolState state)
    {
        var list = _pools.GetOrAdd(pool, static _ => []);
        lock (list)
        {
            list[slot] = state;
        }
    }

    /// <summary>Records a token account's owner and mint.</summary>
    /// <param name="info">The token account.</param>
    public void SetTokenAccount(TokenAccountInfo info) => _tokenAccounts[info.Account] = info;

    /// <inheritdoc/>
    public bool TryGetPool(in Pubkey pool, ulong slot, out PoolState state)
    {
        state = default;
        if (!_pools.TryGetValue(pool, out var list))
        {
            return false;
        }

        lock (list)
        {
            var keys = list.Keys;
            int lo = 0, hi = keys.Count - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (keys[mid] <= slot)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (found < 0)
            {
                return false;
            }

            state = list.Values[found];
            return true;
        }
    }

    /// <inheritdoc/>
    public bool TryGetTokenAccount(in Pubkey account, out TokenAccountInfo info) => _tokenAccounts.TryGetValue(account, out info);
}
