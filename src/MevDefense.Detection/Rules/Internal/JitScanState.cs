namespace MevDefense.Detection.Rules.Internal;

/// <summary>
/// The JIT-liquidity rule's progress: liquidity adds still looking for their matching remove, each with the next window
/// position to examine. Lets the rule resume when transactions are appended. Buffers are reused after <see cref="Reset"/>.
/// </summary>
internal sealed class JitScanState
{
    public (int Tx, int Change, int Next)[] Open = new (int, int, int)[8];
    public int OpenCount;
    public int Queued; // window transactions already queued

    public void Reset()
    {
        OpenCount = 0;
        Queued = 0;
    }

    public void Add(int tx, int change)
    {
        if (OpenCount == Open.Length)
        {
            Array.Resize(ref Open, Open.Length * 2);
        }

        Open[OpenCount++] = (tx, change, tx + 1);
    }
}
