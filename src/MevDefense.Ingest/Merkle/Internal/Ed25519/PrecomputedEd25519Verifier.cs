using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// Ed25519 verification with per-key fixed-base tables: a leader signs thousands of FEC-set roots with one key A, so
/// [S]B - [k]A is computed from a table of multiples of -A (built once per key, kept for the <see cref="Capacity"/> most
/// recently used keys) and a shared table of multiples of B: about 2 * ceil(254/w) mixed additions and no doublings, then one
/// inversion to encode the result.
/// <para>
/// Two implementations of that arithmetic, with identical verdicts: the lane path (default where AVX-512 F/BW exist;
/// <see cref="LanePointPair"/>) keeps [S]B and [k](-A) side by side in the eight lanes of radix-2^25.5 vectors, so each pair of
/// mixed additions is two 8-lane multiplications, adds the two sums in the lanes, inverts with variable-time safegcd
/// (<see cref="SafeGcdInverse"/>; all inputs are public) and hashes a batch's challenges in SHA-512 lanes (<see cref="Sha512Lanes"/>);
/// the scalar path (radix 2^51, one addition at a time, Fermat inversion; the AppContext switch <see cref="DisableLanePathSwitch"/>
/// or <c>useLanes: false</c>) is the previous implementation, kept for A/B measurements and CPUs without AVX-512.
/// </para>
/// <para>
/// Exactness rule (the decision must equal libsodium's crypto_sign_verify_detached, which NSec calls):
/// libsodium rejects when S &gt;= L, when R or A is one of its small-order encodings, when A is non-canonical (y &gt;= p) or
/// does not decode, and otherwise accepts iff the canonical encoding of [S]B - [k]A equals the 32 bytes of R, with
/// k = SHA-512(R || A || M) mod L (no cofactor). Here: S &gt;= L gives <see cref="FastVerdict.Invalid"/>; a key that is
/// non-canonical, does not decode or has small order never gets a table (<see cref="FastVerdict.Undecided"/> for it);
/// <see cref="FastVerdict.Valid"/> is returned only when the encoding of [S]B - [k]A equals R byte for byte (so R is canonical)
/// and that point does not have small order (then R's y is not one of libsodium's listed small-order y values, which are
/// exactly the y coordinates of the 8 small-order points plus the non-canonical p and p + 1). Every other case, including every
/// mismatch, is <see cref="FastVerdict.Undecided"/>: the caller asks libsodium, so rejections are always libsodium's.
/// </para>
/// Zero allocations per verification once a key's table exists. Not thread-safe.
/// </summary>
internal sealed class PrecomputedEd25519Verifier
{
    /// <summary>
    /// Default window of the per-key tables on the scalar path: w = 7, 284,160 B per key (2.3 MB for 8 keys), 37 digits, built in ~1.4 ms (about 26
    /// libsodium verifies); w = 6 (165,120 B, 43 digits) builds in half that but costs ~6 more additions per verify, and w = 8
    /// (491,520 B) saves 5 more additions but doubles the build. A leader signs hundreds to thousands of sets per 4-slot turn.
    /// </summary>
    public const int DefaultKeyWindow = 7;

    /// <summary>Default window of the shared base-point table (491,520 B, 32 digits; one per process, so it and one key table fit L2).</summary>
    public const int DefaultBaseWindow = 8;

    private const int MaxStackMessage = 2048;

    /// <summary>
    /// Default window of the lane path's key and base-point tables: w = 7 (284,160 B each, 37 steps of two 8-lane multiplications
    /// per verify). w = 8 (491,520 B, 32 steps) is ~15% cheaper per verify with the tables in cache
    /// (<c>Ed25519VerifyBenchmarks.LanesW8</c>) but measured no better on the load harness's workload, where the entries come from
    /// memory, and a key's table then takes ~2.4 ms instead of ~1.4 ms to build (worse for a new pipeline per pass).
    /// </summary>
    public const int DefaultLaneWindow = 7;

    /// <summary>
    /// Name of the AppContext switch that makes new verifiers use the scalar radix-2^51 path (one addition at a time) instead of
    /// the AVX-512 lane path (<see cref="LanePointPair"/>); for A/B measurements. The lane path is used only where AVX-512 F/BW exist.
    /// </summary>
    public const string DisableLanePathSwitch = "MevDefense.Ingest.DisableLaneVerifier";

    private static readonly Lazy<FixedBaseTable>[] BaseTables = CreateBaseTables();
    private static readonly Lazy<LaneTable>[] LaneBaseTables = CreateLaneBaseTables();

    private readonly Pubkey[] _keys;
    private readonly FixedBaseTable?[] _tables;
    private readonly LaneTable?[] _laneTables;
    private readonly bool[] _torsionFree;
    private readonly LaneTable? _laneBaseTable;
    private readonly long[] _lastUse;
    private readonly int[] _uses;
    private readonly int _buildAfter;
    private readonly int _keyWindow;
    private readonly FixedBaseTable _baseTable;   // scalar path only (null on the lane path)
    private ExtendedPoint[] _batchPoints = [];
    private FieldElement[] _batchPrefix = [];
    private bool[] _batchComputed = [];
    private byte[] _batchInput = [];
    private byte[] _batchHashes = [];
    private int _count;
    private long _clock;

    /// <summary>
    /// Default number of verifications of a key before its table is built (the earlier ones are left to libsodium). A w = 7
    /// table costs about 26 libsodium verifies to build and saves about 0.55 of one per later verify, so building at once loses
    /// for a leader with only a few sets (near-empty slots) and waiting 16 verifies costs a busy leader ~2% of what the table
    /// saves over its thousand-odd sets.
    /// </summary>
    public const int DefaultBuildAfter = 16;

    /// <param name="capacity">Keys whose tables are kept.</param>
    /// <param name="keyWindow">Window of the per-key tables (default <see cref="DefaultLaneWindow"/> on the lane path,
    /// <see cref="DefaultKeyWindow"/> on the scalar path).</param>
    /// <param name="baseWindow">Window of the base-point table of the scalar path.</param>
    /// <param name="buildAfter">Uses of a key before its table is built.</param>
    /// <param name="useLanes">Lane path (true), scalar path (false), or per the AppContext switch (null); the lane path needs AVX-512.</param>
    /// <param name="laneBaseWindow">Window of the base-point table of the lane path (default <see cref="DefaultLaneWindow"/>).</param>
    public PrecomputedEd25519Verifier(int capacity = 8, int? keyWindow = null, int baseWindow = DefaultBaseWindow, int buildAfter = DefaultBuildAfter, bool? useLanes = null, int? laneBaseWindow = null)
    {
        bool lanes = (useLanes ?? !(AppContext.TryGetSwitch(DisableLanePathSwitch, out bool disabled) && disabled)) && FieldVector8.IsSupported;
        int window = keyWindow ?? (lanes ? DefaultLaneWindow : DefaultKeyWindow);
        int laneBase = laneBaseWindow ?? DefaultLaneWindow;
        ArgumentOutOfRangeException.ThrowIfLessThan(laneBase, 2, nameof(laneBaseWindow));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(laneBase, FixedBaseTable.MaxWindow, nameof(laneBaseWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2, nameof(keyWindow));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, FixedBaseTable.MaxWindow, nameof(keyWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(baseWindow, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(baseWindow, FixedBaseTable.MaxWindow);
        ArgumentOutOfRangeException.ThrowIfLessThan(buildAfter, 1);
        _keys = new Pubkey[capacity];
        _tables = new FixedBaseTable?[capacity];
        _laneTables = new LaneTable?[capacity];
        _torsionFree = new bool[capacity];
        _lastUse = new long[capacity];
        _uses = new int[capacity];
        _keyWindow = window;
        _buildAfter = buildAfter;
        if (lanes)
        {
            _laneBaseTable = LaneBaseTables[laneBase].Value;
            _baseTable = null!;
        }
        else
        {
            _baseTable = BaseTables[baseWindow].Value;
        }
    }

    /// <summary>True when this verifier computes [S]B - [k]A with the AVX-512 lane path (<see cref="LanePointPair"/>).</summary>
    public bool UsesLanes => _laneBaseTable is not null;

    /// <summary>Number of keys whose table is kept.</summary>
    public int Capacity => _keys.Length;

    /// <summary>Table builds attempted so far (including rebuilds after eviction and keys found unusable).</summary>
    public long TablesBuilt { get; private set; }

    /// <summary>The encoding of the base point B (RFC 8032: y = 4/5, x even).</summary>
    public static ExtendedPoint BasePoint { get; } = DecodeBasePoint();

    /// <summary>Verifies a 64-byte signature (R || S) of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    [SkipLocalsInit]
    public FastVerdict Verify(in Pubkey publicKey, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message)
    {
        if (signature.Length != 64)
        {
            return FastVerdict.Undecided;
        }

        ReadOnlySpan<byte> r = signature[..32];
        ReadOnlySpan<byte> s = signature[32..];
        if (!Scalar25519.IsCanonical(s))
        {
            return FastVerdict.Invalid;
        }

        int slot = GetTableSlot(publicKey);
        if (slot < 0)
        {
            return FastVerdict.Undecided;
        }

        ComputeCheckPoint(publicKey, slot, r, s, message, out ExtendedPoint acc);
        Span<byte> encoded = stackalloc byte[32];
        Invert(out FieldElement zInv, acc.Z);
        ExtendedPoint.Encode(acc, zInv, encoded);
        return Decide(encoded, r, _torsionFree[slot]);
    }

    /// <summary>acc = [S]B - [k]A with k = SHA-512(R ‖ A ‖ message) mod L (S already checked canonical); a valid signature makes it
    /// R.</summary>
    [SkipLocalsInit]
    private void ComputeCheckPoint(in Pubkey publicKey, int slot, ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, ReadOnlySpan<byte> message, out ExtendedPoint acc)
    {
        Span<byte> hash = stackalloc byte[64];
        Hash(r, publicKey.AsSpan(), message, hash);
        ComputeCheckPoint(slot, hash, s, out acc);
    }

    /// <summary>acc = [S]B - [k]A with k = <paramref name="hash"/> mod L.</summary>
    [SkipLocalsInit]
    private void ComputeCheckPoint(int slot, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> s, out ExtendedPoint acc)
    {
        Span<ulong> k = stackalloc ulong[4];
        Scalar25519.ReduceWide(hash, k);
        Span<ulong> sScalar = stackalloc ulong[4];
        Scalar25519.Load(s, sScalar);

        Span<short> digits = stackalloc short[256];     // two sets of at most ceil(254 / 2) digits
        if (_laneBaseTable is not null)
        {
            // Both sums side by side in the lanes of one vector (two 8-lane multiplications per pair of additions).
            LaneTable laneKey = _laneTables[slot]!;
            Span<short> sLane = digits[.._laneBaseTable.Digits];
            Scalar25519.Recode(sScalar, _laneBaseTable.Window, sLane);
            Span<short> kLane = digits.Slice(128, laneKey.Digits);
            Scalar25519.Recode(k, laneKey.Window, kLane);
            LanePointPair.SumOfMultiples(_laneBaseTable, sLane, laneKey, kLane, out acc);
            return;
        }

        FixedBaseTable keyTable = _tables[slot]!;
        acc = ExtendedPoint.Identity;
        Span<short> sDigits = digits[.._baseTable.Digits];
        Scalar25519.Recode(sScalar, _baseTable.Window, sDigits);
        _baseTable.AddMultiple(ref acc, sDigits);
        Span<short> kDigits = digits[..keyTable.Digits];
        Scalar25519.Recode(k, keyTable.Window, kDigits);
        keyTable.AddMultiple(ref acc, kDigits);   // the table holds multiples of -A
    }

    /// <summary>
    /// Verifies several signatures by one key at once, with exactly the verdict <see cref="Verify"/> gives each of them, but one field
    /// inversion for the whole batch instead of one per signature (Montgomery's trick: the encodings of the n points [S]B - [k]A need
    /// 1/Z of each; from the running products of the Z values, one inversion and 3(n - 1) multiplications give them all). A
    /// verification costs ~22 µs with ~5 µs of it in the inversion, so a batch of 4 saves ~15 µs. Only keys whose table is already
    /// built are batched (no use is counted towards a table build); otherwise every verdict is <see cref="FastVerdict.Undecided"/>
    /// and the caller verifies one by one as usual.
    /// </summary>
    /// <param name="publicKey">The signer.</param>
    /// <param name="signatures">n signatures of 64 bytes, back to back.</param>
    /// <param name="messages">n messages of <paramref name="messageLength"/> bytes, back to back.</param>
    /// <param name="messageLength">The length of every message.</param>
    /// <param name="verdicts">Receives the n verdicts.</param>
    public void VerifyBatch(in Pubkey publicKey, ReadOnlySpan<byte> signatures, ReadOnlySpan<byte> messages, int messageLength, Span<FastVerdict> verdicts)
    {
        int n = verdicts.Length;
        if (signatures.Length < n * 64 || messageLength < 0 || messages.Length < n * messageLength)
        {
            throw new ArgumentException("Fewer signatures or messages than verdicts.", nameof(verdicts));
        }

        verdicts.Fill(FastVerdict.Undecided);
        int slot = FindBuiltSlot(publicKey);
        if (slot < 0 || n == 0)
        {
            return;
        }

        if (_batchPoints.Length < n)
        {
            _batchPoints = new ExtendedPoint[n];
            _batchPrefix = new FieldElement[n];
            _batchComputed = new bool[n];
        }

        // On the lane path the challenge hashes SHA-512(R || A || M) of the batch are computed eight at a time in vector lanes.
        bool laneHashes = _laneBaseTable is not null && n >= 2 && Sha512Lanes.IsSupported && 64 + messageLength <= Sha512Lanes.MaxLength;
        if (laneHashes)
        {
            int inputLength = 64 + messageLength;
            if (_batchInput.Length < n * inputLength)
            {
                _batchInput = new byte[n * inputLength];
            }

            if (_batchHashes.Length < n * 64)
            {
                _batchHashes = new byte[n * 64];
            }

            for (int i = 0; i < n; i++)
            {
                Span<byte> input = _batchInput.AsSpan(i * inputLength, inputLength);
                signatures.Slice(i * 64, 32).CopyTo(input);
                publicKey.AsSpan().CopyTo(input[32..]);
                messages.Slice(i * messageLength, messageLength).CopyTo(input[64..]);
            }

            for (int i = 0; i < n; i += 8)
            {
                int c = Math.Min(8, n - i);
                Sha512Lanes.Hash(_batchInput.AsSpan(i * inputLength, c * inputLength), inputLength, c, _batchHashes.AsSpan(i * 64, c * 64));
            }
        }

        FieldElement product = FieldElement.One;
        int computed = 0;
        for (int i = 0; i < n; i++)
        {
            _batchComputed[i] = false;
            ReadOnlySpan<byte> signature = signatures.Slice(i * 64, 64);
            ReadOnlySpan<byte> r = signature[..32];
            ReadOnlySpan<byte> s = signature[32..];
            if (!Scalar25519.IsCanonical(s))
            {
                verdicts[i] = FastVerdict.Invalid;
                continue;
            }

            if (laneHashes)
            {
                ComputeCheckPoint(slot, _batchHashes.AsSpan(i * 64, 64), s, out _batchPoints[i]);
            }
            else
            {
                ComputeCheckPoint(publicKey, slot, r, s, messages.Slice(i * messageLength, messageLength), out _batchPoints[i]);
            }

            _batchPrefix[i] = product;                 // Z_0 ... Z_(i-1) over the computed points before i
            FieldElement.Mul(out product, product, _batchPoints[i].Z);
            _batchComputed[i] = true;
            computed++;
        }

        if (computed == 0)
        {
            return;
        }

        Span<byte> encoded = stackalloc byte[32];
        if (FieldElement.IsZero(product))
        {
            // Cannot happen for points of the curve (Z != 0); decide one by one rather than divide by zero.
            for (int i = 0; i < n; i++)
            {
                if (_batchComputed[i])
                {
                    ExtendedPoint.Encode(_batchPoints[i], encoded);
                    verdicts[i] = Decide(encoded, signatures.Slice(i * 64, 32), _torsionFree[slot]);
                }
            }

            return;
        }

        Invert(out FieldElement inverse, product);   // 1 / (Z_0 ... Z_last)
        for (int i = n - 1; i >= 0; i--)
        {
            if (!_batchComputed[i])
            {
                continue;
            }

            ref ExtendedPoint p = ref _batchPoints[i];
            FieldElement.Mul(out FieldElement zInv, inverse, _batchPrefix[i]); // 1 / Z_i
            FieldElement.Mul(out inverse, inverse, p.Z);                       // 1 / (Z_0 ... Z_(i-1))
            ExtendedPoint.Encode(p, zInv, encoded);
            verdicts[i] = Decide(encoded, signatures.Slice(i * 64, 32), _torsionFree[slot]);
        }
    }

    /// <summary>1/z: variable-time safegcd on the lane path (inputs are public), Fermat's z^(p-2) on the scalar path (kept as it
    /// was for A/B measurements).</summary>
    private void Invert(out FieldElement r, in FieldElement z)
    {
        if (_laneBaseTable is not null)
        {
            SafeGcdInverse.Invert(out r, z);
        }
        else
        {
            FieldElement.Invert(out r, z);
        }
    }

    /// <summary><see cref="FastVerdict.Valid"/> when the encoding of [S]B - [k]A is R byte for byte and not of small order, else undecided.</summary>
    /// <remarks>When A is torsion-free ([L]A = 0, as every honestly generated key), [S]B - [k]A lies in the prime-order subgroup,
    /// whose only point of small order is the neutral element, and a point whose y is one of the small-order y values is itself of
    /// small order; so the check reduces to "the encoding is not that of the neutral element" (y = 1, x = 0).</remarks>
    private static FastVerdict Decide(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> r, bool torsionFree)
    {
        if (!encoded.SequenceEqual(r))
        {
            return FastVerdict.Undecided;
        }

        bool smallOrder = torsionFree ? encoded.SequenceEqual(NeutralEncoding) : ExtendedPoint.IsSmallOrderY(FieldElement.Decode(r));
        return smallOrder ? FastVerdict.Undecided : FastVerdict.Valid;
    }

    /// <summary>The encoding of the neutral element (0, 1).</summary>
    private static ReadOnlySpan<byte> NeutralEncoding => [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>The slot of a key already in the cache whose table is built (marked as used now), or -1; counts no use towards
    /// building one.</summary>
    private int FindBuiltSlot(in Pubkey publicKey)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_keys[i] == publicKey)
            {
                if (IsBuilt(i))
                {
                    _lastUse[i] = ++_clock;
                    return i;
                }

                return -1;
            }
        }

        return -1;
    }

    private bool IsBuilt(int slot) => _tables[slot] is not null || _laneTables[slot] is not null;

    /// <summary>
    /// The cache slot of the table of -A for a key, building it at the key's <c>buildAfter</c>-th use (evicting the least recently
    /// used key when a new key arrives); -1 before that, and always for a key that is non-canonical, does not decode or has small order (the
    /// caller then relies on libsodium for this key).
    /// </summary>
    internal int GetTableSlot(in Pubkey publicKey)
    {
        long now = ++_clock;
        int slot = -1;
        for (int i = 0; i < _count; i++)
        {
            if (_keys[i] == publicKey)
            {
                slot = i;
                break;
            }
        }

        if (slot < 0)
        {
            slot = _count;
            if (_count < _keys.Length)
            {
                _count++;
            }
            else
            {
                slot = 0;
                for (int i = 1; i < _keys.Length; i++)
                {
                    if (_lastUse[i] < _lastUse[slot])
                    {
                        slot = i;
                    }
                }
            }

            _keys[slot] = publicKey;
            _tables[slot] = null;
            _laneTables[slot] = null;
            _torsionFree[slot] = false;
            _uses[slot] = 0;
        }

        _lastUse[slot] = now;
        int uses = _uses[slot];
        if (uses < _buildAfter)
        {
            // Counting stops at buildAfter: the build is attempted exactly once per stay in the cache.
            _uses[slot] = ++uses;
            if (uses == _buildAfter)
            {
                FixedBaseTable? table = TryBuildKeyTable(publicKey.AsSpan(), _keyWindow);
                if (_laneBaseTable is not null)
                {
                    LaneTable? lanes = table is null ? null : LaneTable.From(table);
                    _laneTables[slot] = lanes;
                    _torsionFree[slot] = lanes is not null && IsTorsionFree(lanes);
                }
                else
                {
                    _tables[slot] = table;
                }

                TablesBuilt++;
            }
        }

        return IsBuilt(slot) ? slot : -1;
    }

    /// <summary>True iff [L](-A) is the neutral element, computed from the key's own table (one pass of additions).</summary>
    internal bool IsTorsionFree(LaneTable keyTable)
    {
        Span<short> digits = stackalloc short[keyTable.Digits];
        Scalar25519.Recode(Scalar25519.Order, keyTable.Window, digits);
        LanePointPair.Accumulate(_laneBaseTable!, [], keyTable, digits, out FieldVector8 acc);
        Span<ulong> limbs = stackalloc ulong[80];
        LanePointPair.Store(acc, limbs);
        return ExtendedPoint.IsIdentity(LanePointPair.ToPoint(limbs, 4));
    }

    /// <summary>The table of -A, or null when A is non-canonical (y &gt;= p), does not decode, or has small order.</summary>
    internal static FixedBaseTable? TryBuildKeyTable(ReadOnlySpan<byte> publicKey, int window)
    {
        if (!IsCanonicalEncoding(publicKey) || !ExtendedPoint.TryDecode(publicKey, out ExtendedPoint a) || ExtendedPoint.HasSmallOrder(a))
        {
            return null;
        }

        ExtendedPoint.Negate(out ExtendedPoint minusA, a);
        return FixedBaseTable.Build(minusA, window);
    }

    /// <summary>True iff the encoded y (bits 0..254) is below p.</summary>
    internal static bool IsCanonicalEncoding(ReadOnlySpan<byte> encoded)
    {
        FieldElement y = FieldElement.Decode(encoded);
        FieldElement.Canonical(out FieldElement c, y);
        return c.L0 == y.L0 && c.L1 == y.L1 && c.L2 == y.L2 && c.L3 == y.L3 && c.L4 == y.L4;
    }

    [SkipLocalsInit]
    private static void Hash(ReadOnlySpan<byte> r, ReadOnlySpan<byte> a, ReadOnlySpan<byte> message, Span<byte> hash)
    {
        if (message.Length <= MaxStackMessage)
        {
            Span<byte> buffer = stackalloc byte[64 + MaxStackMessage];
            r.CopyTo(buffer);
            a.CopyTo(buffer[32..]);
            message.CopyTo(buffer[64..]);
            SHA512.HashData(buffer[..(64 + message.Length)], hash);
            return;
        }

        // Longer than any shred payload: not on the steady path, one allocation is fine.
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        sha512.AppendData(r);
        sha512.AppendData(a);
        sha512.AppendData(message);
        sha512.GetHashAndReset(hash);
    }

    private static ExtendedPoint DecodeBasePoint()
    {
        BigInteger y = 4 * BigInteger.ModPow(5, FieldElement.P - 2, FieldElement.P) % FieldElement.P;
        Span<byte> b = stackalloc byte[32];
        FieldElement.Encode(FieldElement.FromBigInteger(y), b);
        if (!ExtendedPoint.TryDecode(b, out ExtendedPoint p))
        {
            throw new InvalidOperationException("The Ed25519 base point does not decode.");
        }

        return p;
    }

    private static Lazy<LaneTable>[] CreateLaneBaseTables()
    {
        var tables = new Lazy<LaneTable>[FixedBaseTable.MaxWindow + 1];
        for (int w = 2; w <= FixedBaseTable.MaxWindow; w++)
        {
            int window = w;
            tables[w] = new Lazy<LaneTable>(() => LaneTable.From(FixedBaseTable.Build(BasePoint, window)));
        }

        return tables;
    }

    private static Lazy<FixedBaseTable>[] CreateBaseTables()
    {
        var tables = new Lazy<FixedBaseTable>[FixedBaseTable.MaxWindow + 1];
        for (int w = 2; w <= FixedBaseTable.MaxWindow; w++)
        {
            int window = w;
            tables[w] = new Lazy<FixedBaseTable>(() => FixedBaseTable.Build(BasePoint, window));
        }

        return tables;
    }
}
