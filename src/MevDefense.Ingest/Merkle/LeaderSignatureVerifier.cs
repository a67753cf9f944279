using MevDefense.Ingest.Merkle.Internal.Ed25519;
using NSec.Cryptography;

namespace MevDefense.Ingest.Merkle;

/// <summary>
/// Verifies leader Ed25519 signatures over FEC-set Merkle roots, once per (slot, fec_set_index, signature, root, leader):
/// results (valid or not) are cached in a bounded table, and imported public keys are cached per leader.
/// Uncached checks go through <see cref="PrecomputedEd25519Verifier"/> (per-leader fixed-base tables, 284 KB each, for the 8 most
/// recently seen leaders, built at a leader's 16th check; where AVX-512 exists both table sums run side by side in 8-lane vectors
/// with a variable-time safegcd inversion, several times cheaper than a libsodium verify; the AppContext switch
/// <c>MevDefense.Ingest.DisableLaneVerifier</c> selects the older scalar path for A/B runs); whenever it cannot decide (an invalid signature, an unusual key or R) the
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
    private readonly Dictionary<VerificationKey, bool> _prepared = [];
    private readonly VerificationKey[] _candidateKeys = new VerificationKey[MaxCandidates];
    private readonly byte[] _candidateSignatures = new byte[MaxCandidates * 64];
    private readonly byte[] _candidateRoots = new byte[MaxCandidates * 32];
    private readonly bool[] _candidateDone = new bool[MaxCandidates];
    private readonly int[] _groupIndex = new int[MaxCandidates];
    private readonly byte[] _groupSignatures = new byte[MaxCandidates * 64];
    private readonly byte[] _groupRoots = new byte[MaxCandidates * 32];
    private readonly FastVerdict[] _groupVerdicts = new FastVerdict[MaxCandidates];
    private int _candidateCount;

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

    /// <summary>Verifications (included in <see cref="Verifications"/>) whose verdict came from <see cref="PrepareCandidates"/>.</summary>
    public long PreparedVerdictsUsed { get; private set; }

    /// <summary>Number of Ed25519 verifications actually performed (cache misses).</summary>
    public long Verifications { get; private set; }

    public bool Verify(in Pubkey leader, ulong slot, uint fecSetIndex, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message)
    {
        var key = new VerificationKey(slot, fecSetIndex, new Signature(signature), Hash32.From(message), leader);
        if (_results.TryGetValue(key, out bool cached))
        {
            return cached;
        }

        bool ok;
        if (_prepared.Count > 0 && message.Length == 32 && _prepared.Remove(key, out bool prepared))
        {
            Verifications++; // decided by PrepareCandidates, counted now: as if verified here
            PreparedVerdictsUsed++;
            ok = prepared;
        }
        else
        {
            ok = VerifyUncached(leader, signature, message);
        }

        if (_results.Count >= _capacity)
        {
            _results.Clear();
        }

        _results[key] = ok;
        return ok;
    }

    /// <summary>Forgets cached results (benchmarks of fresh data; the imported keys stay).</summary>
    public void ClearResults()
    {
        _results.Clear();
        _prepared.Clear();
        _candidateCount = 0;
    }

    /// <summary>
    /// Registers a check that <see cref="Verify"/> is about to be asked for (a FEC set's first shred in a batch being processed:
    /// its root is known, its set not yet held), so that <see cref="PrepareCandidates"/> can verify several of them together.
    /// Only 32-byte messages (Merkle roots); a check already cached is ignored.
    /// </summary>
    public void AddCandidate(in Pubkey leader, ulong slot, uint fecSetIndex, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> root)
    {
        if (_precomputed is null || signature.Length != 64 || root.Length != 32 || _candidateCount == MaxCandidates)
        {
            return;
        }

        var key = new VerificationKey(slot, fecSetIndex, new Signature(signature), Hash32.From(root), leader);
        if (_results.ContainsKey(key))
        {
            return;
        }

        int c = _candidateCount++;
        _candidateKeys[c] = key;
        signature.CopyTo(_candidateSignatures.AsSpan(c * 64, 64));
        root.CopyTo(_candidateRoots.AsSpan(c * 32, 32));
    }

    /// <summary>
    /// Verifies the registered candidates, grouped by leader, with one shared field inversion per group of two or more
    /// (<see cref="PrecomputedEd25519Verifier.VerifyBatch"/>), and keeps the verdicts the fast path decides for the next
    /// <see cref="Verify"/> calls with the same (slot, fec_set_index, signature, root, leader); a verdict it leaves undecided, a
    /// leader without a table yet and a lone candidate are verified one by one in <see cref="Verify"/> as before. Verdicts are
    /// exactly those <see cref="Verify"/> would give; <see cref="Verifications"/> counts a prepared verdict when it is used.
    /// Verdicts not used by the next call of this method are dropped (they would be recomputed if ever asked for).
    /// </summary>
    public void PrepareCandidates()
    {
        _prepared.Clear();
        int n = _candidateCount;
        _candidateCount = 0;
        if (_precomputed is null || n < 2)
        {
            return;
        }

        for (int i = 0; i < n; i++)
        {
            _candidateDone[i] = false;
        }

        for (int i = 0; i < n; i++)
        {
            if (_candidateDone[i])
            {
                continue;
            }

            // The group of candidates signed by this leader (a leader signs 4 consecutive slots: usually the whole batch).
            Pubkey leader = _candidateKeys[i].Leader;
            int g = 0;
            for (int j = i; j < n; j++)
            {
                if (!_candidateDone[j] && _candidateKeys[j].Leader == leader)
                {
                    _candidateDone[j] = true;
                    _groupIndex[g] = j;
                    _candidateSignatures.AsSpan(j * 64, 64).CopyTo(_groupSignatures.AsSpan(g * 64, 64));
                    _candidateRoots.AsSpan(j * 32, 32).CopyTo(_groupRoots.AsSpan(g * 32, 32));
                    g++;
                }
            }

            if (g < 2)
            {
                continue;
            }

            Span<FastVerdict> verdicts = _groupVerdicts.AsSpan(0, g);
            _precomputed.VerifyBatch(leader, _groupSignatures.AsSpan(0, g * 64), _groupRoots.AsSpan(0, g * 32), 32, verdicts);
            for (int k = 0; k < g; k++)
            {
                if (verdicts[k] != FastVerdict.Undecided)
                {
                    _prepared[_candidateKeys[_groupIndex[k]]] = verdicts[k] == FastVerdict.Valid;
                }
            }
        }
    }

    /// <summary>Most candidates kept per <see cref="PrepareCandidates"/> (a ring drain of 256 shreds holds at most 8 whole 64-shred sets;
    /// more candidates are simply verified one by one).</summary>
    public const int MaxCandidates = 32;

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
