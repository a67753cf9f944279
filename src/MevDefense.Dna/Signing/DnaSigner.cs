using System.Security.Cryptography;
using System.Text;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Internal.Ed25519;
using NSec.Cryptography;

namespace MevDefense.Dna;

/// <summary>
/// The ledger's Ed25519 signing key (NSec/libsodium). Load it from a file holding a raw 32-byte seed or a PKCS#8 private key
/// (DER or PEM), or let <see cref="LoadOrCreate"/> generate one on first run and write it as PKCS#8 PEM with mode 0600.
/// </summary>
/// <remarks>The key material is never logged or returned by <see cref="ToString"/>. <see cref="KeyId"/> is the first 8 bytes of
/// SHA-256 of the raw public key, as 16 lowercase hex digits.</remarks>
public sealed class DnaSigner : IDisposable
{
    /// <summary>Below this many messages (or left over after full batches of eight) <see cref="SignHashes"/> signs one at a time
    /// with NSec: a batch costs about as much as eight lanes whatever the number used, and measured per call it breaks even with
    /// NSec at three messages and wins clearly from four (bench/RESULTS.md, "Ed25519 batch signer").</summary>
    /// <remarks>The fifth session's faster batch signer also beats NSec at three messages (0.59 of its time), but a threshold of
    /// three made a ledger's first small batch create the batch signer (its self test) on the appending thread, inside the load
    /// harness's latency run: p99 at 50k shreds/s went from 1.5 ms to 6.6–12.3 ms. Creating it off that path comes first.</remarks>
    internal const int MinBatch = 4;

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly Key _key;
    private readonly byte[] _publicKey;
    private readonly Lock _batchLock = new();
    private Ed25519BatchSigner? _batch;
    private volatile bool _batchDecided;

    private DnaSigner(Key key)
    {
        _key = key;
        _publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        PublicKey = new Pubkey(_publicKey);
        KeyId = DnaKeyIds.Compute(_publicKey);
    }

    /// <summary>Gets the raw 32-byte Ed25519 public key.</summary>
    public Pubkey PublicKey { get; }

    /// <summary>Gets the key id recorded in every record (first 8 bytes of SHA-256 of the public key, lowercase hex).</summary>
    public string KeyId { get; }

    /// <summary>Generates a new random key (exportable, so it can be written to a file).</summary>
    /// <returns>The signer.</returns>
    public static DnaSigner Generate() =>
        new(Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Creates a signer from a raw 32-byte Ed25519 seed (RFC 8032 private key).</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="FormatException"><paramref name="seed"/> is not 32 bytes.</exception>
    public static DnaSigner FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new FormatException("An Ed25519 seed is 32 bytes.");
        }

        return Import(seed, KeyBlobFormat.RawPrivateKey);
    }

    /// <summary>Creates a signer from key file contents: a raw 32-byte seed, PKCS#8 DER, or PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
    /// <param name="keyFile">The file contents.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="FormatException">The contents are not an Ed25519 private key in a supported form.</exception>
    public static DnaSigner FromKeyFile(ReadOnlySpan<byte> keyFile)
    {
        if (keyFile.Length == 32)
        {
            return FromSeed(keyFile);
        }

        ReadOnlySpan<byte> trimmed = keyFile.TrimStart(" \t\r\n"u8);
        return trimmed.StartsWith("-----BEGIN"u8)
            ? Import(keyFile, KeyBlobFormat.PkixPrivateKeyText)
            : Import(keyFile, KeyBlobFormat.PkixPrivateKey);
    }

    /// <summary>Loads a signer from a key file (see <see cref="FromKeyFile"/>).</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file does not hold a supported Ed25519 private key.</exception>
    public static DnaSigner Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return FromKeyFile(bytes);
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    /// <summary>
    /// Loads the key file, or when it does not exist generates a key and writes it as PKCS#8 PEM, created exclusively with
    /// mode 0600 (owner read/write) on Unix and flushed to disk.
    /// </summary>
    /// <param name="path">The file path; its directory is created when missing.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="FormatException">The existing file does not hold a supported Ed25519 private key.</exception>
    public static DnaSigner LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return Load(path);
        }

        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        DnaSigner signer = Generate();
        byte[] pem = signer._key.Export(KeyBlobFormat.PkixPrivateKeyText);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            {
                stream.Write(pem);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            signer.Dispose();
            return Load(path);
        }
        finally
        {
            Array.Clear(pem);
        }

        return signer;
    }

    /// <summary>Verifies an Ed25519 signature.</summary>
    /// <param name="publicKey">The raw public key.</param>
    /// <param name="data">The signed data.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns><see langword="true"/> when the signature is valid.</returns>
    public static bool Verify(Pubkey publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64 || !NSec.Cryptography.PublicKey.TryImport(Ed25519, publicKey.AsSpan(), KeyBlobFormat.RawPublicKey, out NSec.Cryptography.PublicKey? key))
        {
            return false;
        }

        return Ed25519.Verify(key!, data, signature);
    }

    /// <summary>Signs data.</summary>
    /// <param name="data">The data.</param>
    /// <param name="signature">Receives the 64-byte signature.</param>
    /// <exception cref="ObjectDisposedException">The signer was disposed.</exception>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature) => Ed25519.Sign(_key, data, signature);

    /// <summary>Signs data.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The signature.</returns>
    public Signature Sign(ReadOnlySpan<byte> data)
    {
        Span<byte> sig = stackalloc byte[64];
        Sign(data, sig);
        return new Signature(sig);
    }

    /// <summary>
    /// Signs <c>n</c> 32-byte messages (record chain hashes) laid out back to back, writing <c>n</c> 64-byte signatures. Gives
    /// the same bytes as <c>n</c> calls of <see cref="Sign(ReadOnlySpan{byte}, Span{byte})"/> (Ed25519 is deterministic); the
    /// ledger's writer calls it once per group-commit batch so that a batched signer can amortise its work.
    /// </summary>
    /// <param name="messages">The messages, a multiple of 32 bytes.</param>
    /// <param name="signatures">Receives the signatures, 64 bytes per message.</param>
    internal void SignHashes(ReadOnlySpan<byte> messages, Span<byte> signatures)
    {
        if (messages.Length % 32 != 0 || signatures.Length < messages.Length * 2)
        {
            throw new ArgumentException("SignHashes takes 32-byte messages and 64 bytes of signature space per message.");
        }

        int n = messages.Length / 32;
        int batched = 0;
        Ed25519BatchSigner? batch = n >= MinBatch ? BatchSigner : null;
        if (batch is not null)
        {
            // Full batches of eight, and a remainder big enough to beat one-at-a-time signing.
            batched = n % Ed25519BatchSigner.Lanes >= MinBatch ? n : n - (n % Ed25519BatchSigner.Lanes);
            batch.SignFixedLength(messages[..(batched * 32)], 32, signatures[..(batched * 64)]);
        }

        for (int i = batched; i < n; i++)
        {
            Sign(messages.Slice(i * 32, 32), signatures.Slice(i * 64, 64));
        }
    }

    /// <summary>Gets whether <see cref="SignHashes"/> uses the AVX-512 batch signer (otherwise NSec for every message).</summary>
    internal bool UsesBatchSigner => BatchSigner is not null;

    /// <summary>
    /// Gets the batch signer, created on first use (its table and self test cost ~0.5 s of CPU once per process, which
    /// one-shot commands that sign a single record should not pay), or null when unavailable or after <see cref="Dispose"/>.
    /// </summary>
    private Ed25519BatchSigner? BatchSigner
    {
        get
        {
            if (!_batchDecided)
            {
                lock (_batchLock)
                {
                    if (!_batchDecided)
                    {
                        _batch = CreateBatchSigner(_key, _publicKey);
                        _batchDecided = true;
                    }
                }
            }

            return _batch;
        }
    }

    /// <summary>Exports the private key as PKCS#8 PEM (only for keys that were generated or imported by this type).</summary>
    /// <returns>The PEM text bytes; clear them after use.</returns>
    public byte[] ExportPkcs8Pem() => _key.Export(KeyBlobFormat.PkixPrivateKeyText);

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_batchLock)
        {
            _batchDecided = true; // never create one after this
            _batch?.Dispose();
        }

        _key.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => "DnaSigner(keyId=" + KeyId + ")";

    internal ReadOnlySpan<byte> PublicKeyBytes => _publicKey;

    /// <summary>
    /// The batch signer for this key when the CPU, the <c>MevDefense.Dna.DisableBatchSigner</c> switch and the known-answer test
    /// allow it, and when the public key it derives from the seed equals NSec's; otherwise null (NSec signs everything).
    /// </summary>
    private static Ed25519BatchSigner? CreateBatchSigner(Key key, ReadOnlySpan<byte> publicKey)
    {
        if (!Ed25519BatchSigner.IsEnabled || (key.ExportPolicy & KeyExportPolicies.AllowPlaintextExport) == 0)
        {
            return null;
        }

        byte[] seed = key.Export(KeyBlobFormat.RawPrivateKey);
        try
        {
            return Ed25519BatchSigner.TryCreate(seed, publicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static DnaSigner Import(ReadOnlySpan<byte> blob, KeyBlobFormat format)
    {
        var parameters = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        if (!Key.TryImport(Ed25519, blob, format, out Key? key, in parameters))
        {
            throw new FormatException("The key is not an Ed25519 private key in a supported form (raw 32-byte seed, PKCS#8 DER or PEM).");
        }

        return new DnaSigner(key!);
    }
}
