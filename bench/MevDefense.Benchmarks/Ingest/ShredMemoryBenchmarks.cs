using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// Memory held by 1,000 in-flight FEC sets: a fresh pipeline receives 31 shreds (16 data + 15 coding, one short of
/// recoverable) of each of 1,000 FEC sets (125 slots × 8 sets). Nothing is released before the end, so the
/// Allocated column is the memory those 1,000 sets hold (shred buffers, set and slot state, dictionaries).
/// </summary>
[MemoryDiagnoser]
public class ShredMemoryBenchmarks
{
    private byte[][] _input = [];

    [GlobalSetup]
    public void Setup()
    {
        var demo = ShredBenchmarkData.LoadDemo();
        var perSet = demo.Where(s => ShredParser.TryRead(s, out var h, out _) && (h.IsData ? h.Index - h.FecSetIndex < 16 : h.Position < 15)).ToList();
        var input = new List<byte[]>();
        for (ulong slot = 1; slot <= 125; slot++)
        {
            foreach (var s in perSet)
            {
                var copy = (byte[])s.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(0x41), slot);
                if (copy[0x40] is 0x96 or 0xB6)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(0x53), 1);
                }

                input.Add(copy);
            }
        }

        _input = [.. input];
    }

    [Benchmark]
    public int Hold1000FecSets()
    {
        var pipeline = new ShredPipeline(new ShredPipelineOptions
        {
            VerifySignatures = false,
            VerifyMerkleProofs = false, // slots were rewritten, so proofs no longer match; memory is what is measured
            SlotWindow = 1000,
            MaxInFlightFecSets = 2000,
        });
        foreach (var s in _input)
        {
            pipeline.Process(s, 0, 0);
        }

        return pipeline.InFlightFecSets;
    }
}
