using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace MevDefense.Ingest.Replay;

/// <summary>
/// Reads shred datagrams from a replay file (pcap, ar, length-prefixed, JSON). Streaming for pcap/ar/length-prefixed
/// (one reusable record buffer); JSON is read whole. Malformed files raise <see cref="FormatException"/>; pcap frames
/// that are not complete UDP datagrams (other protocols, IP fragments, truncated captures) are skipped and counted.
/// </summary>
public sealed class ShredReplayReader : IDisposable
{
    private const int MaxRecord = 256 * 1024;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _header = new byte[60];
    private byte[] _buffer = new byte[2048];
    private readonly List<byte[]>? _json;
    private int _jsonIndex;
    private bool _pcapBigEndian;
    private bool _pcapNanos;
    private uint _linkType;
    private bool _started;

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The file content.</param>
    /// <param name="format">The format.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open on dispose.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="FormatException">The file header is invalid (or the JSON content is).</exception>
    public ShredReplayReader(Stream stream, ShredFileFormat format, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = !leaveOpen;
        Format = format;
        if (format == ShredFileFormat.Json)
        {
            _json = ReadJson(stream);
        }
    }

    /// <summary>Gets the format.</summary>
    public ShredFileFormat Format { get; }

    /// <summary>Gets the number of pcap frames skipped because they are not complete UDP datagrams.</summary>
    public long SkippedFrames { get; private set; }

    /// <summary>Opens a file, detecting the format from its extension when <paramref name="format"/> is null.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="format">The format, or null to detect it (<c>.pcap</c>, <c>.ar</c>, <c>.json</c>/<c>.json.gz</c>, else length-prefixed).</param>
    /// <returns>The reader.</returns>
    public static ShredReplayReader Open(string path, ShredFileFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = File.OpenRead(path);
        try
        {
            return new ShredReplayReader(stream, format ?? DetectFormat(path));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Detects the format from a file name's extension.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The format (length-prefixed when the extension is not recognised).</returns>
    public static ShredFileFormat DetectFormat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string p = path.ToLowerInvariant();
        if (p.EndsWith(".pcap", StringComparison.Ordinal) || p.EndsWith(".cap", StringComparison.Ordinal))
        {
            return ShredFileFormat.Pcap;
        }

        if (p.EndsWith(".ar", StringComparison.Ordinal) || p.EndsWith(".a", StringComparison.Ordinal))
        {
            return ShredFileFormat.Ar;
        }

        if (p.EndsWith(".json", StringComparison.Ordinal) || p.EndsWith(".json.gz", StringComparison.Ordinal))
        {
            return ShredFileFormat.Json;
        }

        return ShredFileFormat.LengthPrefixed;
    }

    /// <summary>Reads the next datagram.</summary>
    /// <param name="record">The datagram (its memory is reused by the next call).</param>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="FormatException">The file is malformed.</exception>
    public bool TryRead(out ShredReplayRecord record)
    {
        if (!_started)
        {
            _started = true;
            if (Format == ShredFileFormat.Pcap)
            {
                ReadPcapHeader();
            }
            else if (Format == ShredFileFormat.Ar)
            {
                Span<byte> magic = stackalloc byte[8];
                if (_stream.ReadAtLeast(magic, 8, throwOnEndOfStream: false) != 8 || !magic.SequenceEqual("!<arch>\n"u8))
                {
                    throw new FormatException("Not an ar archive (missing !<arch> magic).");
                }
            }
        }

        return Format switch
        {
            ShredFileFormat.Pcap => TryReadPcap(out record),
            ShredFileFormat.Ar => TryReadAr(out record),
            ShredFileFormat.LengthPrefixed => TryReadLengthPrefixed(out record),
            _ => TryReadJson(out record),
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private bool ReadExactlyOrEnd(Span<byte> destination, string what)
    {
        int n = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (n == 0)
        {
            return false;
        }

        if (n != destination.Length)
        {
            throw new FormatException($"Truncated {what}.");
        }

        return true;
    }

    private Span<byte> ReadBody(long length, string what)
    {
        if (length < 0 || length > MaxRecord)
        {
            throw new FormatException($"Invalid {what} length {length}.");
        }

        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max((int)length, _buffer.Length * 2)];
        }

        var body = _buffer.AsSpan(0, (int)length);
        if (length > 0 && _stream.ReadAtLeast(body, body.Length, throwOnEndOfStream: false) != body.Length)
        {
            throw new FormatException($"Truncated {what}.");
        }

        return body;
    }

    private void ReadPcapHeader()
    {
        Span<byte> h = _header.AsSpan(0, 24);
        if (!ReadExactlyOrEnd(h, "pcap header"))
        {
            throw new FormatException("Empty pcap file.");
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(h);
        (_pcapBigEndian, _pcapNanos) = magic switch
        {
            0xA1B2C3D4 => (false, false),
            0xA1B23C4D => (false, true),
            0xD4C3B2A1 => (true, false),
            0x4D3CB2A1 => (true, true),
            _ => throw new FormatException("Not a classic pcap file (pcapng is not supported)."),
        };
        _linkType = ReadU32(h[20..]) & 0x0FFFFFFF;
        if (_linkType is not (1 or 113 or 276 or 101 or 228 or 229 or 12 or 14))
        {
            throw new FormatException($"Unsupported pcap link type {_linkType}.");
        }
    }

    private uint ReadU32(ReadOnlySpan<byte> s) => _pcapBigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    private bool TryReadPcap(out ShredReplayRecord record)
    {
        while (true)
        {
            record = default;
            Span<byte> h = _header.AsSpan(0, 16);
            if (!ReadExactlyOrEnd(h, "pcap record header"))
            {
                return false;
            }

            long seconds = ReadU32(h);
            long frac = ReadU32(h[4..]);
            uint incl = ReadU32(h[8..]);
            uint orig = ReadU32(h[12..]);
            var frame = ReadBody(incl, "pcap record");
            long micros = (seconds * 1_000_000) + (_pcapNanos ? frac / 1000 : frac);
            if (incl != orig || !TryGetUdpPayload(frame, out int offset, out int length))
            {
                SkippedFrames++;
                continue;
            }

            record = new ShredReplayRecord(_buffer.AsMemory(offset, length), micros);
            return true;
        }
    }

    private bool TryGetUdpPayload(ReadOnlySpan<byte> frame, out int offset, out int length)
    {
        offset = length = 0;
        int ip;
        int etherType;
        switch (_linkType)
        {
            case 1: // Ethernet
                if (frame.Length < 14)
                {
                    return false;
                }

                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
                ip = 14;
                while (etherType is 0x8100 or 0x88A8 && frame.Length >= ip + 4)
                {
                    etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[(ip + 2)..]);
                    ip += 4;
                }

                break;
            case 113: // Linux cooked v1
                if (frame.Length < 16)
                {
                    return false;
                }

                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
                ip = 16;
                break;
            case 276: // Linux cooked v2
                if (frame.Length < 20)
                {
                    return false;
                }

                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame);
                ip = 20;
                break;
            default: // raw IP
                if (frame.Length < 1)
                {
                    return false;
                }

                etherType = (frame[0] >> 4) == 6 ? 0x86DD : 0x0800;
                ip = 0;
                break;
        }

        int udp;
        if (etherType == 0x0800)
        {
            if (frame.Length < ip + 20 || (frame[ip] >> 4) != 4 || frame[ip + 9] != 17)
            {
                return false;
            }

            int ihl = (frame[ip] & 0x0F) * 4;
            ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(frame[(ip + 6)..]);
            if (ihl < 20 || (fragment & 0x3FFF) != 0)
            {
                return false; // fragments are not reassembled
            }

            udp = ip + ihl;
        }
        else if (etherType == 0x86DD)
        {
            if (frame.Length < ip + 40 || frame[ip + 6] != 17)
            {
                return false;
            }

            udp = ip + 40;
        }
        else
        {
            return false;
        }

        if (frame.Length < udp + 8)
        {
            return false;
        }

        int udpLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(udp + 4)..]);
        if (udpLength < 8 || udp + udpLength > frame.Length)
        {
            return false;
        }

        offset = udp + 8;
        length = udpLength - 8;
        return true;
    }

    private bool TryReadAr(out ShredReplayRecord record)
    {
        while (true)
        {
            record = default;
            Span<byte> h = _header.AsSpan(0, 60);
            if (!ReadExactlyOrEnd(h, "ar member header"))
            {
                return false;
            }

            if (h[58] != (byte)'`' || h[59] != (byte)'\n')
            {
                throw new FormatException("Invalid ar member header.");
            }

            var sizeText = Encoding.ASCII.GetString(h.Slice(48, 10)).Trim();
            if (!long.TryParse(sizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long size))
            {
                throw new FormatException("Invalid ar member size.");
            }

            var name = h[..16];
            var body = ReadBody(size, "ar member");
            if ((size & 1) == 1)
            {
                _ = _stream.ReadByte();
            }

            if (name.StartsWith("/ "u8) || name.StartsWith("// "u8) || name.StartsWith("__.SYMDEF"u8))
            {
                continue; // symbol / long-name tables
            }

            record = new ShredReplayRecord(_buffer.AsMemory(0, body.Length), -1);
            return true;
        }
    }

    private bool TryReadLengthPrefixed(out ShredReplayRecord record)
    {
        record = default;
        Span<byte> h = _header.AsSpan(0, 8);
        if (!ReadExactlyOrEnd(h, "length prefix"))
        {
            return false;
        }

        ulong len = BinaryPrimitives.ReadUInt64LittleEndian(h);
        var body = ReadBody(len > MaxRecord ? -1 : (long)len, "length-prefixed record");
        record = new ShredReplayRecord(_buffer.AsMemory(0, body.Length), -1);
        return true;
    }

    private bool TryReadJson(out ShredReplayRecord record)
    {
        if (_jsonIndex < _json!.Count)
        {
            record = new ShredReplayRecord(_json[_jsonIndex++], -1);
            return true;
        }

        record = default;
        return false;
    }

    private static List<byte[]> ReadJson(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        byte[] data = ms.ToArray();
        if (data.Length >= 2 && data[0] == 0x1F && data[1] == 0x8B)
        {
            using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gz.CopyTo(plain);
            data = plain.ToArray();
        }

        var result = new List<byte[]>();
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException("JSON shred file must be an array of byte arrays.");
            }

            var current = new List<byte>(1232);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    result.Add(reader.GetBytesFromBase64());
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new FormatException("JSON shred file must be an array of byte arrays.");
                }

                current.Clear();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetByte(out byte b))
                    {
                        throw new FormatException("JSON shred bytes must be integers 0..255.");
                    }

                    current.Add(b);
                }

                result.Add([.. current]);
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException("Invalid JSON shred file.", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException("Invalid JSON shred file.", ex);
        }

        return result;
    }
}
