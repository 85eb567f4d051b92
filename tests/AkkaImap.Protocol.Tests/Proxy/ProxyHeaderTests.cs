using System.Net;
using System.Text;
using AkkaImap.Protocol.Proxy;
using Xunit;

namespace AkkaImap.Protocol.Tests.Proxy;

/// <summary>
/// The PROXY protocol header (haproxy.org doc/proxy-protocol.txt), v1 and v2. Examples are the
/// spec's own (§2.1 "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443"); every one is also fed
/// byte by byte: each shorter prefix must say "need more" (or fail the same way), never succeed early.
/// </summary>
public sealed class ProxyHeaderTests
{
    private static readonly byte[] Rest = "a1 CAPABILITY\r\n"u8.ToArray();

    private static ProxyParseResult Parse(byte[] header, bool withRest = true)
    {
        var data = withRest ? [.. header, .. Rest] : header;
        var whole = ProxyHeader.TryParse(data);
        for (var n = 0; n < data.Length; n++)
        {
            var partial = ProxyHeader.TryParse(data.AsSpan(0, n));
            if (whole.Status == ProxyParseStatus.Complete && n < whole.Consumed)
            {
                Assert.Equal(ProxyParseStatus.NeedMoreData, partial.Status);
            }
            else if (whole.Status == ProxyParseStatus.Invalid && partial.Status != ProxyParseStatus.NeedMoreData)
            {
                Assert.Equal(ProxyParseStatus.Invalid, partial.Status);
            }
            else if (partial.Status == ProxyParseStatus.Complete)
            {
                Assert.Equal(whole, partial);
            }
        }

        return whole;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] V2(byte command, byte family, byte[] block, int? announced = null)
    {
        var length = announced ?? block.Length;
        return [.. ProxyHeader.V2Signature, (byte)(0x20 | command), family, (byte)(length >> 8), (byte)length, .. block];
    }

    private static byte[] V4Block(string source, string destination, int sourcePort, int destinationPort) =>
        [.. IPAddress.Parse(source).GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes(),
         (byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort];

    private static byte[] V6Block(string source, string destination, int sourcePort, int destinationPort) =>
        [.. IPAddress.Parse(source).GetAddressBytes(), .. IPAddress.Parse(destination).GetAddressBytes(),
         (byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort];

    [Fact]
    public void V1_tcp4_gives_the_client_and_the_address_it_reached_and_stops_at_CRLF()
    {
        var header = Ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
        var result = Parse(header);

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(1, result.Version);
        Assert.Equal(header.Length, result.Consumed);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.0.1"), 56324), result.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.0.11"), 443), result.Destination);
    }

    [Fact]
    public void V1_tcp6_gives_IPv6_addresses()
    {
        var result = Parse(Ascii("PROXY TCP6 2001:db8::1 ::1 65535 143\r\n"));

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 65535), result.Source);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 143), result.Destination);
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")]
    public void V1_unknown_is_complete_and_keeps_the_real_addresses(string line)
    {
        var result = Parse(Ascii(line));

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(line.Length, result.Consumed);
        Assert.Null(result.Source);
        Assert.Null(result.Destination);
    }

    [Fact]
    public void V1_worst_case_lines_are_accepted()
    {
        // §2.1: the longest TCP6 line is 104 bytes; the longest of all, 107, is an UNKNOWN one.
        var tcp6 = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        var unknown = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        Assert.Equal(ProxyHeader.MaxV1Length, unknown.Length);

        var result = Parse(Ascii(tcp6));
        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(65535, result.Source!.Port);
        Assert.Equal(ProxyParseStatus.Complete, Parse(Ascii(unknown)).Status);
    }

    [Fact]
    public void V1_line_without_CRLF_in_107_bytes_is_oversized()
    {
        var result = Parse(Ascii("PROXY UNKNOWN " + new string('x', 200) + "\r\n"), withRest: false);

        Assert.Equal(ProxyParseStatus.Invalid, result.Status);
        Assert.Contains("longer than 107", result.Error);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n")]        // a field missing
    [InlineData("PROXY TCP4 192.168.0.1  192.168.0.11 56324 443\r\n")]   // two spaces
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n")]      // bare LF
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 65536\r\n")]  // port too big
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 056324 443\r\n")]   // leading zero
    [InlineData("PROXY TCP4 127.1 192.168.0.11 56324 443\r\n")]          // short IPv4 form
    [InlineData("PROXY TCP4 0x7f.0.0.1 192.168.0.11 56324 443\r\n")]     // hex IPv4 form
    [InlineData("PROXY TCP4 ::1 ::1 56324 443\r\n")]                     // family mismatch
    [InlineData("PROXY TCP6 192.168.0.1 192.168.0.11 56324 443\r\n")]    // family mismatch
    [InlineData("PROXY TCP6 fe80::1%eth0 ::1 56324 443\r\n")]            // scope id
    [InlineData("PROXY UDP4 192.168.0.1 192.168.0.11 56324 443\r\n")]    // not a v1 protocol
    [InlineData("PROXY\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\t\r\n")]  // control byte
    public void V1_malformed_lines_are_invalid(string line)
    {
        Assert.Equal(ProxyParseStatus.Invalid, Parse(Ascii(line)).Status);
    }

    [Theory]
    [InlineData("a1 CAPABILITY\r\n")]
    [InlineData("proxy TCP4 192.168.0.1 192.168.0.11 56324 443\r\n")]
    [InlineData("PROXYTCP4\r\n")]
    [InlineData("\r\n\r\nQUIT\r\n")]
    [InlineData("\u0016\u0003\u0001")] // a TLS ClientHello sent straight to the server
    public void A_connection_that_does_not_start_with_a_header_is_invalid(string start)
    {
        var result = ProxyHeader.TryParse(Ascii(start));

        Assert.Equal(ProxyParseStatus.Invalid, result.Status);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void Nothing_yet_needs_more()
    {
        Assert.Equal(ProxyParseStatus.NeedMoreData, ProxyHeader.TryParse([]).Status);
        Assert.Equal(ProxyParseStatus.NeedMoreData, ProxyHeader.TryParse("PROX"u8).Status);
    }

    [Fact]
    public void V2_tcp4_gives_the_client_and_stops_after_the_announced_length()
    {
        var header = V2(1, 0x11, V4Block("203.0.113.7", "192.0.2.1", 50123, 993));
        var result = Parse(header);

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(2, result.Version);
        Assert.Equal(28, result.Consumed);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50123), result.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 993), result.Destination);
    }

    [Fact]
    public void V2_tcp6_gives_IPv6_addresses()
    {
        var result = Parse(V2(1, 0x21, V6Block("2001:db8::7", "2001:db8::1", 1, 143)));

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(52, result.Consumed);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 1), result.Source);
    }

    [Fact]
    public void V2_TLVs_after_the_addresses_are_skipped()
    {
        // PP2_TYPE_ALPN "imap" and PP2_TYPE_UNIQUE_ID, as HAProxy adds them when told to.
        byte[] tlvs = [0x01, 0x00, 0x04, .. "imap"u8, 0x05, 0x00, 0x03, 1, 2, 3];
        var header = V2(1, 0x11, [.. V4Block("198.51.100.9", "192.0.2.1", 4000, 143), .. tlvs]);
        var result = Parse(header);

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(header.Length, result.Consumed);
        Assert.Equal(IPAddress.Parse("198.51.100.9"), result.Source!.Address);
    }

    [Fact]
    public void V2_local_is_the_balancers_own_check_and_keeps_the_real_addresses()
    {
        var result = Parse(V2(0, 0x00, []));

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(16, result.Consumed);
        Assert.Null(result.Source);
    }

    [Fact]
    public void V2_local_with_addresses_still_keeps_the_real_addresses()
    {
        var result = Parse(V2(0, 0x11, V4Block("203.0.113.7", "192.0.2.1", 50123, 993)));

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Null(result.Source);
    }

    [Fact]
    public void V2_unspec_and_unix_families_keep_the_real_addresses()
    {
        Assert.Null(Parse(V2(1, 0x00, [])).Source);
        Assert.Null(Parse(V2(1, 0x31, new byte[216])).Source);
    }

    [Fact]
    public void V2_truncated_header_needs_more_and_never_completes_early()
    {
        var header = V2(1, 0x11, V4Block("203.0.113.7", "192.0.2.1", 50123, 993));

        for (var n = 0; n < header.Length; n++)
        {
            Assert.Equal(ProxyParseStatus.NeedMoreData, ProxyHeader.TryParse(header.AsSpan(0, n)).Status);
        }
    }

    [Fact]
    public void V2_oversized_header_is_refused_from_its_first_16_bytes()
    {
        var header = V2(1, 0x11, [], announced: ProxyHeader.MaxV2Length);

        var result = ProxyHeader.TryParse(header);

        Assert.Equal(ProxyParseStatus.Invalid, result.Status);
        Assert.Contains("over the 4096", result.Error);
    }

    [Fact]
    public void V2_largest_accepted_header_completes()
    {
        var block = new byte[ProxyHeader.MaxV2Length - 16];
        V4Block("203.0.113.7", "192.0.2.1", 1, 2).CopyTo(block, 0);

        var result = ProxyHeader.TryParse(V2(1, 0x11, block));

        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(ProxyHeader.MaxV2Length, result.Consumed);
    }

    [Theory]
    [InlineData(0x11, 11)] // IPv4 needs 12
    [InlineData(0x21, 35)] // IPv6 needs 36
    public void V2_length_too_short_for_the_addresses_is_invalid(byte family, int length)
    {
        var result = Parse(V2(1, family, new byte[length]));

        Assert.Equal(ProxyParseStatus.Invalid, result.Status);
    }

    [Theory]
    [InlineData(0x11, 0x11)] // version 1 in the binary form
    [InlineData(0x22, 0x11)] // command 2
    [InlineData(0x21, 0x41)] // family 4
    [InlineData(0x21, 0x13)] // protocol 3
    public void V2_undefined_version_command_or_family_is_invalid(byte versionCommand, byte family)
    {
        byte[] header = [.. ProxyHeader.V2Signature, versionCommand, family, 0, 12, .. new byte[12]];

        Assert.Equal(ProxyParseStatus.Invalid, Parse(header).Status);
    }

    [Fact]
    public void V2_broken_signature_is_invalid()
    {
        byte[] header = [.. ProxyHeader.V2Signature[..11], 0x0D, 0x21, 0x11, 0, 12, .. new byte[12]];

        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeader.TryParse(header).Status);
    }
}
