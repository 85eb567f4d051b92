using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaImap.Protocol.Proxy;

/// <summary>How far <see cref="ProxyHeader.TryParse"/> got with the bytes it was given.</summary>
public enum ProxyParseStatus
{
    /// <summary>The bytes so far are a valid beginning of a header: read more and call again with all of them.</summary>
    NeedMoreData,

    /// <summary>A whole header: <see cref="ProxyParseResult.Consumed"/> bytes of it; what follows is the client's own stream.</summary>
    Complete,

    /// <summary>Not a PROXY header, or a broken or oversized one: the connection must be closed.</summary>
    Invalid,
}

/// <summary>
/// The outcome of parsing. On <see cref="ProxyParseStatus.Complete"/>, <see cref="Source"/> and
/// <see cref="Destination"/> are the client's address and the address it connected to, or both null
/// when the header carries none (v1 <c>UNKNOWN</c>, v2 <c>LOCAL</c> — the balancer's own health
/// check — or a family other than IPv4/IPv6): then the connection's own addresses stand.
/// </summary>
public readonly record struct ProxyParseResult(
    ProxyParseStatus Status,
    int Consumed,
    int Version,
    IPEndPoint? Source,
    IPEndPoint? Destination,
    string? Error)
{
    internal static ProxyParseResult More => new(ProxyParseStatus.NeedMoreData, 0, 0, null, null, null);

    internal static ProxyParseResult Bad(string error) => new(ProxyParseStatus.Invalid, 0, 0, null, null, error);
}

/// <summary>
/// The HAProxy PROXY protocol header that a load balancer writes before the client's first byte
/// (haproxy.org, doc/proxy-protocol.txt: version 1 is one text line, version 2 a binary block).
/// Pure: give it every byte received so far (from the start of the connection) and it says
/// "need more", "complete after N bytes" or "invalid", the same however the bytes were chunked.
/// It never reads past the header, so the rest is the client's own bytes (or its TLS handshake).
/// </summary>
public static class ProxyHeader
{
    /// <summary>Version 1's longest line, CRLF included (proxy-protocol.txt §2.1: 107 bytes).</summary>
    public const int MaxV1Length = 107;

    /// <summary>
    /// The longest version 2 header accepted, TLVs included. The spec allows 16 + 65,535 bytes;
    /// HAProxy's own headers (addresses plus the TLVs it can be told to add: ALPN, authority,
    /// unique id, SSL details) stay well under this, and a bound keeps a trusted-but-broken peer
    /// from making us buffer 64 KB per connection before the first command.
    /// </summary>
    public const int MaxV2Length = 4096;

    private const int V2FixedLength = 16;

    /// <summary>Version 2's 12-byte signature (§2.2): "\r\n\r\n\0\r\nQUIT\n".</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>Parses the header at the start of <paramref name="data"/> (all bytes received so far).</summary>
    public static ProxyParseResult TryParse(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return ProxyParseResult.More;
        }

        if (data[0] == V1Prefix[0])
        {
            return ParseV1(data);
        }

        if (data[0] == V2Signature[0])
        {
            return ParseV2(data);
        }

        return ProxyParseResult.Bad("no PROXY header (the connection did not start with one)");
    }

    private static ProxyParseResult ParseV1(ReadOnlySpan<byte> data)
    {
        var prefixLength = Math.Min(data.Length, V1Prefix.Length);
        if (!data[..prefixLength].SequenceEqual(V1Prefix[..prefixLength]))
        {
            return ProxyParseResult.Bad("no PROXY header (the connection did not start with one)");
        }

        var window = data[..Math.Min(data.Length, MaxV1Length)];
        var lf = window.IndexOf((byte)'\n');
        if (lf < 0)
        {
            return data.Length >= MaxV1Length
                ? ProxyParseResult.Bad($"PROXY v1 line longer than {MaxV1Length} bytes")
                : ProxyParseResult.More;
        }

        if (lf == 0 || window[lf - 1] != '\r')
        {
            return ProxyParseResult.Bad("PROXY v1 line not ended by CRLF");
        }

        var line = window[..(lf - 1)];
        foreach (var b in line)
        {
            if (b < 0x20 || b > 0x7E)
            {
                return ProxyParseResult.Bad("PROXY v1 line has a byte that is not printable ASCII");
            }
        }

        var fields = Encoding.ASCII.GetString(line).Split(' ');
        var consumed = lf + 1;
        if (fields.Length >= 2 && fields[1] == "UNKNOWN")
        {
            // §2.1: the receiver ignores the rest of an UNKNOWN line and keeps the real addresses.
            return new ProxyParseResult(ProxyParseStatus.Complete, consumed, 1, null, null, null);
        }

        if (fields.Length != 6)
        {
            return ProxyParseResult.Bad("PROXY v1 line needs exactly: PROXY TCP4|TCP6 source destination source-port destination-port");
        }

        var family = fields[1] switch
        {
            "TCP4" => AddressFamily.InterNetwork,
            "TCP6" => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown)
        {
            return ProxyParseResult.Bad("PROXY v1 protocol must be TCP4, TCP6 or UNKNOWN");
        }

        if (!TryAddress(fields[2], family, out var source) || !TryAddress(fields[3], family, out var destination))
        {
            return ProxyParseResult.Bad($"PROXY v1 addresses are not {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} addresses");
        }

        if (!TryPort(fields[4], out var sourcePort) || !TryPort(fields[5], out var destinationPort))
        {
            return ProxyParseResult.Bad("PROXY v1 ports must be decimal numbers from 0 to 65535");
        }

        return new ProxyParseResult(ProxyParseStatus.Complete, consumed, 1,
            new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), null);
    }

    /// <summary>Strict forms only: dotted quad for TCP4 (no "127.1", no hex), plain IPv6 (no scope) for TCP6.</summary>
    private static bool TryAddress(string text, AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        if (family == AddressFamily.InterNetwork)
        {
            var parts = text.Split('.');
            if (parts.Length != 4)
            {
                return false;
            }

            Span<byte> bytes = stackalloc byte[4];
            for (var i = 0; i < 4; i++)
            {
                var part = parts[i];
                if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0') || int.Parse(part) > 255)
                {
                    return false;
                }

                bytes[i] = (byte)int.Parse(part);
            }

            address = new IPAddress(bytes);
            return true;
        }

        if (!text.Contains(':') || text.Contains('%') || !text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.'))
        {
            return false;
        }

        return IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool TryPort(string text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        port = int.Parse(text);
        return port <= 65535;
    }

    private static ProxyParseResult ParseV2(ReadOnlySpan<byte> data)
    {
        var signature = V2Signature;
        var prefixLength = Math.Min(data.Length, signature.Length);
        if (!data[..prefixLength].SequenceEqual(signature[..prefixLength]))
        {
            return ProxyParseResult.Bad("no PROXY header (the connection did not start with one)");
        }

        if (data.Length < V2FixedLength)
        {
            return ProxyParseResult.More;
        }

        var versionCommand = data[12];
        if (versionCommand >> 4 != 2)
        {
            return ProxyParseResult.Bad($"PROXY v2 header has version {versionCommand >> 4}, not 2");
        }

        var command = versionCommand & 0x0F;
        if (command > 1)
        {
            return ProxyParseResult.Bad($"PROXY v2 command {command} is neither LOCAL (0) nor PROXY (1)");
        }

        var familyProtocol = data[13];
        int length = BinaryPrimitives.ReadUInt16BigEndian(data[14..16]);
        var total = V2FixedLength + length;
        if (total > MaxV2Length)
        {
            return ProxyParseResult.Bad($"PROXY v2 header of {total} bytes is over the {MaxV2Length} accepted");
        }

        var family = familyProtocol >> 4;
        var transport = familyProtocol & 0x0F;
        if (family > 3 || transport > 2)
        {
            return ProxyParseResult.Bad($"PROXY v2 address family/protocol byte 0x{familyProtocol:X2} is not defined");
        }

        // The address block must fit in the announced length even before all of it arrived: a
        // header that announces too little is wrong now, not later.
        var addressLength = family switch { 1 => 12, 2 => 36, 3 => 216, _ => 0 };
        if (command == 1 && length < addressLength)
        {
            return ProxyParseResult.Bad($"PROXY v2 header announces {length} bytes, too few for its addresses ({addressLength})");
        }

        if (data.Length < total)
        {
            return ProxyParseResult.More;
        }

        // LOCAL (§2.2: the balancer's own connection, a health check) and UNSPEC or AF_UNIX:
        // the real connection's addresses stand. The TLVs after the addresses are skipped.
        if (command == 0 || family is 0 or 3)
        {
            return new ProxyParseResult(ProxyParseStatus.Complete, total, 2, null, null, null);
        }

        var block = data.Slice(V2FixedLength, length);
        IPEndPoint source, destination;
        if (family == 1)
        {
            source = new IPEndPoint(new IPAddress(block[..4]), BinaryPrimitives.ReadUInt16BigEndian(block[8..10]));
            destination = new IPEndPoint(new IPAddress(block[4..8]), BinaryPrimitives.ReadUInt16BigEndian(block[10..12]));
        }
        else
        {
            source = new IPEndPoint(new IPAddress(block[..16]), BinaryPrimitives.ReadUInt16BigEndian(block[32..34]));
            destination = new IPEndPoint(new IPAddress(block[16..32]), BinaryPrimitives.ReadUInt16BigEndian(block[34..36]));
        }

        return new ProxyParseResult(ProxyParseStatus.Complete, total, 2, source, destination, null);
    }
}
