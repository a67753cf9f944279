using BenchmarkDotNet.Attributes;
using MevDefense.Wire;

namespace MevDefense.Benchmarks.Core;

/// <summary>
/// Transactions decoded per second on the committed web3.js vectors (tests/vectors/transactions.b64, 640 legacy + v0).
/// Compare with bench/node/deserialize.js (web3.js VersionedTransaction.deserialize on the same vectors).
/// </summary>
[MemoryDiagnoser]
public class TransactionDecodeBenchmarks
{
    private const int VectorCount = 640;
    private byte[][] _wires = [];

    [GlobalSetup]
    public void Setup()
    {
        _wires = File.ReadAllLines(FindVectors()).Where(l => l.Length > 0).Select(Convert.FromBase64String).ToArray();
        if (_wires.Length != VectorCount)
        {
            throw new InvalidOperationException($"Expected {VectorCount} vectors, found {_wires.Length}.");
        }
    }

    /// <summary>Validate every transaction and build its view (what every consumer does first).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = VectorCount)]
    public int Read()
    {
        int sum = 0;
        foreach (byte[] w in _wires)
        {
            var layout = TransactionReader.Read(w);
            sum += layout.InstructionCount;
        }

        return sum;
    }

    /// <summary>Read plus a walk over every field (signatures, keys, blockhash, instructions, lookups): the work web3.js deserialize does.</summary>
    [Benchmark(OperationsPerInvoke = VectorCount)]
    public int ReadAndWalkAllFields()
    {
        int sum = 0;
        foreach (byte[] w in _wires)
        {
            var v = TransactionView.Parse(w);
            sum += v.GetSignature(v.SignatureCount - 1)[0] + v.GetStaticKey(v.StaticKeyCount - 1)[0] + v.RecentBlockhash[0];
            foreach (var ix in v.Instructions)
            {
                sum += ix.ProgramIdIndex + ix.Accounts.Length + ix.Data.Length;
            }

            foreach (var l in v.Lookups)
            {
                sum += l.TableKey[0] + l.WritableIndexes.Length + l.ReadonlyIndexes.Length;
            }
        }

        return sum;
    }

    private static string FindVectors()
    {
        if (Environment.GetEnvironmentVariable("MEVDEFENSE_VECTORS") is { Length: > 0 } env)
        {
            return env;
        }

        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "vectors", "transactions.b64");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("tests/vectors/transactions.b64 not found; set MEVDEFENSE_VECTORS.");
    }
}
