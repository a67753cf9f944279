using MevDefense.Detection.Decoding;

namespace MevDefense.Detection.State;

/// <summary>
/// Optional account state for detection: pool reserves (exact constant-product victim-loss replay) and token-account
/// mints (directions of swaps whose instruction does not say which token goes in). Answers from memory, never blocks;
/// implementations are thread-safe.
/// </summary>
public interface IAccountStateProvider
{
    /// <summary>Returns a pool's state as of the start of <paramref name="slot"/>.</summary>
    /// <param name="pool">The pool account.</param>
    /// <param name="slot">The slot.</param>
    /// <param name="state">The state when known.</param>
    /// <returns><see langword="true"/> when known.</returns>
    bool TryGetPool(in Pubkey pool, ulong slot, out PoolState state);

    /// <summary>Returns a token account's owner and mint.</summary>
    /// <param name="account">The token account.</param>
    /// <param name="info">The owner and mint when known.</param>
    /// <returns><see langword="true"/> when known.</returns>
    bool TryGetTokenAccount(in Pubkey account, out TokenAccountInfo info);
}
