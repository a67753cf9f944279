using MevDefense.TestUtils;
using MevDefense.Wire;

namespace MevDefense.Core.Tests;

public class EntryBatchReaderWireTests
{
    [FixtureFact]
    public void TryReadTransaction_DemoBatch_WireIsExactlyOneTransaction()
    {
        var data = SharedFixtures.ReadBytes("shreds/demo-shreds.bin");
        Assert.True(EntryBatchReader.TryCreate(data, out var reader, out _));
        int count = 0;
        while (reader.TryReadEntry(out _))
        {
            while (reader.TryReadTransaction(out var tx))
            {
                Assert.Equal(tx.Layout.Length, tx.Wire.Length);
                Assert.Equal(tx.Layout.Length, TransactionReader.Read(tx.Wire).Length); // exact: no trailing bytes
                count++;
            }
        }

        Assert.Equal(1280, count);
    }
}
