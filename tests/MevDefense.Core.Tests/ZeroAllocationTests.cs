using MevDefense.Wire;

namespace MevDefense.Core.Tests;

public class ZeroAllocationTests
{
    private static int ParseAll(byte[][] wires)
    {
        int sum = 0;
        foreach (byte[] w in wires)
        {
            if (!TransactionReader.TryReadExact(w, out var layout, out _))
            {
                continue;
            }

            var v = new TransactionView(w, layout);
            sum += v.GetSignature(0)[0] + v.GetStaticKey(0)[0] + v.RecentBlockhash[0];
            foreach (var ix in v.Instructions)
            {
                sum += ix.ProgramIdIndex + ix.Accounts.Length + ix.Data.Length;
            }

            foreach (var l in v.Lookups)
            {
                sum += l.WritableIndexes.Length + l.ReadonlyIndexes.Length;
            }
        }

        return sum;
    }

    [Fact]
    public void ParseAndEnumerate_Vectors_AllocatesNothing()
    {
        byte[][] wires = Web3VectorTests.Wires.Select(Convert.FromBase64String).ToArray();
        for (int i = 0; i < 3; i++)
        {
            ParseAll(wires); // warm up (JIT, static init)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int sum = ParseAll(wires);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sum > 0);
        Assert.Equal(0, allocated);
    }
}
