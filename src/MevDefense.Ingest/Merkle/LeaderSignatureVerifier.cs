using MevDefense.Ingest.Merkle.Internal.Ed25519;
using NSec.Cryptography;

namespace MevDefense.Ingest.Merkle;

/// <summary>
/// Verifies leader Ed25519 signatures over FEC-set Merkle roots, once per (slot, fec_set_index, signature, root, leader):
/// results (valid or not) are cached in a bounded table, and imported public keys are cached per leader.
/// Uncached checks go through <see cref="PrecomputedEd25519Verifier"/> (per-leader fixed-base tables, 284 KB each, for the 8 most
/// recently seen leaders, built at a leader's 16th check; about 2.2x cheaper than a libsodium verify once the table exists); whenever it cannot decide (an invalid signature, an unusual key or R) the
/// verdict is libsodium's (NSec), so decisions are identical to <c>crypto_sign_verify_detached</c>. The AppContext switch
/// <c>MevDefense.Ingest.DisablePrecomputedVerifier</c> sends every check to NSec.
/// Not thread-safe: one instance per pipeline.
/// </summary>
internal sealed class LeaderSignatureVerifier
{
    private readonly Dictionary<Pubkey, PublicKey> _keys = [];
    private readonly Dictionary<VerificationKey, bool> _results = [];
    private readonly int _capacity;
    private readonly PrecomputedEd25519Verifier? _precomputed;

    /// <summary>Name of the AppContext switch that disables the precomputed-table verifier (every check then goes to NSec).</summary>
    public const string DisablePrecomputedVerifierSwitch = "MevDefense.Ingest.DisablePrecomputedVerifier";

    public LeaderSignatureVerifier(int capacity = 16384)
        : this(capacity, usePrecomputed: !(AppContext.TryGetSwitch(DisablePrecomputedVerifierSwitch, out bool disabled) && disabled))
    {
    }

    /// <summary>Tests and benchmarks: choose the verifier explicitly (and after how many checks of a leader its table is built).</summary>
    internal LeaderSignatureVerifier(int capacity, bool usePrecomputed, int buildTableAfter = PrecomputedEd25519Verifier.DefaultBuildAfter)
    {
        _capacity = capacity;
        _precomputed = usePrecomputed ? new PrecomputedEd25519Verifier(buildAfter: buildTableAfter) : null;
    }

    /// <summary>Whether uncached checks try the precomputed-table verifier first.</summary>
    public bool UsesPrecomputedVerifier => _precomputed is not null;

    /// <summary>Uncached checks decided by libsodium (NSec): all of them without the precomputed verifier, else the undecided ones.</summary>
    public long LibsodiumVerifications { get; private set; }

    /// <summary>Number of Ed25519 verifications actually performed (cache misses).</summary>
    public long Verifications { get; private set; }

    public bool Verify(in Pubkey leader, ulong slot, uint fecSetIndex, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message)
    {
        var key = new VerificationKey(slot, fecSetIndex, new Signature(signature), Hash32.From(message), leader);
        if (_results.TryGetValue(key, out bool cached))
        {
            return cached;
        }

        bool ok = VerifyUncached(leader, signature, message);
        if (_results.Count >= _capacity)
        {
            _results.Clear();
        }

        _results[key] = ok;
        return ok;
    }

    /// <summary>Forgets cached results (benchmarks of fresh data; the imported keys stay).</summary>
    public void ClearResults() => _results.Clear();

    public bool VerifyUncached(in Pubkey leader, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message)
    {
        Verifications++;
        if (_precomputed is not null)
        {
            switch (_precomputed.Verify(leader, signature, message))
            {
                case FastVerdict.Valid:
                    return true;
                case FastVerdict.Invalid:
                    return false;
            }
        }

        LibsodiumVerifications++;
        if (!_keys.TryGetValue(leader, out var publicKey))
        {
            if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, leader.AsSpan(), KeyBlobFormat.RawPublicKey, out publicKey) || publicKey is null)
            {
                return false;
            }

            if (_keys.Count >= 4096)
            {
                _keys.Clear();
            }

            _keys[leader] = publicKey;
        }

        return SignatureAlgorithm.Ed25519.Verify(publicKey, message, signature);
    }

    private readonly record struct VerificationKey(ulong Slot, uint FecSetIndex, Signature Signature, Hash32 Message, Pubkey Leader);

    /// <summary>First 32 bytes of the signed message (a Merkle root), as a value (legacy messages are keyed by their hash prefix only when cached).</summary>
    private readonly record struct Hash32(ulong A, ulong B, ulong C, ulong D)
    {
        public static Hash32 From(ReadOnlySpan<byte> m)
        {
            Span<byte> b = stackalloc byte[32];
            b.Clear();
            m[..Math.Min(32, m.Length)].CopyTo(b);
            return new Hash32(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b[24..]));
        }
    }
}
