using MevDefense.Detection.Rules.Internal;

namespace MevDefense.Detection.Tests.Rules;

/// <summary>The window index's open-addressing map behaves as a <see cref="Dictionary{TKey, TValue}"/> keyed by Pubkey.</summary>
public sealed class PubkeyMapTests
{
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool RandomOperations_MatchDictionary(int seed)
    {
        // Few distinct keys (some sharing their first eight bytes, the hashed part) so lookups hit, miss and collide; clears
        // and growth past the initial capacity in between.
        var rng = new Random(seed);
        var keys = new Pubkey[rng.Next(1, 300)];
        for (var k = 0; k < keys.Length; k++)
        {
            var b = new byte[32];
            rng.NextBytes(b);
            if (k > 0 && rng.Next(4) == 0)
            {
                keys[k - 1].AsSpan()[..8].CopyTo(b); // same hashed prefix as the previous key
            }

            keys[k] = new Pubkey(b);
        }

        var map = new PubkeyMap<int>(rng.Next(1, 40));
        var reference = new Dictionary<Pubkey, int>();
        for (var op = 0; op < 2_000; op++)
        {
            var key = keys[rng.Next(keys.Length)];
            switch (rng.Next(20))
            {
                case 0:
                    map.Clear();
                    reference.Clear();
                    break;
                case < 8:
                    map.Set(key, op);
                    reference[key] = op;
                    break;
                case < 11:
                    ref var value = ref map.GetValueRefOrAddDefault(key, out var exists);
                    if (exists != reference.ContainsKey(key) || (exists && value != reference[key]))
                    {
                        return false;
                    }

                    value = -op;
                    reference[key] = -op;
                    break;
                default:
                    var found = map.TryGetValue(key, out var got);
                    if (found != reference.TryGetValue(key, out var expected) || (found && got != expected) || map.ContainsKey(key) != found)
                    {
                        return false;
                    }

                    break;
            }

            if (map.Count != reference.Count)
            {
                return false;
            }
        }

        return reference.All(kv => map.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    [Fact]
    public void Clear_ForgetsEveryKey_AndGrowthKeepsThem()
    {
        var map = new PubkeyMap<Pubkey>(1);
        var keys = Enumerable.Range(1, 100).Select(WindowBuilder.Key).ToArray();
        foreach (var k in keys)
        {
            map.Set(k, k);
        }

        Assert.Equal(100, map.Count);
        Assert.All(keys, k => Assert.True(map.TryGetValue(k, out var v) && v == k));
        map.Clear();
        Assert.Equal(0, map.Count);
        Assert.All(keys, k => Assert.False(map.ContainsKey(k)));
        Assert.False(map.TryGetValue(Pubkey.Zero, out _));
        map.Set(Pubkey.Zero, keys[0]);
        Assert.True(map.TryGetValue(Pubkey.Zero, out var zero) && zero == keys[0]);
    }
}
