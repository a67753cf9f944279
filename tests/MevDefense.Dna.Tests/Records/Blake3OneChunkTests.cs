using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MevDefense.Dna.Internal;
using MevDefense.TestUtils;

namespace MevDefense.Dna.Tests.Records;

/// <summary>The chain hash's own one-chunk BLAKE3 (<see cref="Blake3OneChunk"/>) against the official vectors and the Blake3 package.</summary>
public sealed class Blake3OneChunkTests
{
    [FixtureFact]
    public void OfficialHashVectors_UpToOneChunk_Match()
    {
        using var doc = JsonDocument.Parse(SharedFixtures.ReadText("ledger/blake3/test_vectors.json"));
        int count = 0;
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            int length = c.GetProperty("input_len").GetInt32();
            if (length > Blake3OneChunk.MaxInput)
            {
                continue;
            }

            byte[] input = [.. Enumerable.Range(0, length).Select(i => (byte)(i % 251))];
            byte[] output = new byte[32];
            Blake3OneChunk.Hash(input, output);
            Assert.Equal(c.GetProperty("hash").GetString()![..64], Convert.ToHexStringLower(output));
            count++;
        }

        Assert.True(count >= 10); // 0, 1, 63, 64, 65, 127, 128, 129, 1023, 1024
    }

    [Fact]
    public void EveryLength_MatchesThePackage()
    {
        var random = new Random(3);
        byte[] input = new byte[Blake3OneChunk.MaxInput];
        random.NextBytes(input);
        byte[] ours = new byte[32];
        byte[] portable = new byte[32];
        byte[] theirs = new byte[32];
        for (int length = 0; length <= Blake3OneChunk.MaxInput; length++)
        {
            Blake3OneChunk.Hash(input.AsSpan(0, length), ours);
            Blake3OneChunk.Hash(input.AsSpan(0, length), portable, useAvx512: false);
            Blake3.Hasher.Hash(input.AsSpan(0, length), theirs);
            Assert.True(ours.AsSpan().SequenceEqual(theirs), $"length {length}");
            Assert.True(portable.AsSpan().SequenceEqual(theirs), $"portable path, length {length}");
        }
    }

    [Property(MaxTest = 300)]
    public Property RandomInputs_MatchThePackage() =>
        Prop.ForAll(Gen.Choose(0, Blake3OneChunk.MaxInput).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n)).ToArbitrary(), input =>
        {
            byte[] ours = new byte[32];
            byte[] portable = new byte[32];
            byte[] theirs = new byte[32];
            Blake3OneChunk.Hash(input, ours);
            Blake3OneChunk.Hash(input, portable, useAvx512: false);
            Blake3.Hasher.Hash(input, theirs);
            return ours.AsSpan().SequenceEqual(theirs) && portable.AsSpan().SequenceEqual(theirs);
        });

    [Fact]
    public void LongerThanOneChunk_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Blake3OneChunk.Hash(new byte[Blake3OneChunk.MaxInput + 1], new byte[32]));

    [Property(MaxTest = 200)]
    public Property ChainHash_AroundTheOneChunkBoundary_MatchesThePackage() =>
        Prop.ForAll(Gen.Choose(900, 1100).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n)).ToArbitrary(), body =>
        {
            var parent = new Hash([.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))]);
            byte[] expected = new byte[32];
            using (var hasher = Blake3.Hasher.New())
            {
                hasher.Update(DnaChain.DomainTag);
                hasher.Update(parent.AsSpan());
                hasher.Update(body);
                hasher.Finalize(expected);
            }

            return DnaChain.ComputeChainHash(parent, body).AsSpan().SequenceEqual(expected);
        });
}
