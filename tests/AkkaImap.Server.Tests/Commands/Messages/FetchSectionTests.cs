using Xunit;

namespace AkkaImap.Server.Tests.Commands.Messages;

/// <summary>BODY[section]&lt;partial&gt;, BINARY and BINARY.SIZE on a multipart message (RFC 9051 §6.4.5, RFC 3516).</summary>
public sealed class FetchSectionTests : MessageTestKit
{
    private const string InnerHeader = "From: Carol <carol@example.com>\r\nSubject: Inner\r\n\r\n";

    private async Task<Client> MultipartAsync()
    {
        await AppendTextsAsync(Multipart);
        return Selected();
    }

    [Fact]
    public async Task Header_and_text_of_the_message()
    {
        var client = await MultipartAsync();
        var header = Multipart[..(Multipart.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];
        var text = Multipart[header.Length..];
        Assert.Equal(
            $"* 1 FETCH (BODY[HEADER] {{{header.Length}}}\r\n{header} BODY[TEXT] {{{text.Length}}}\r\n{text})\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[TEXT])"));
    }

    [Fact]
    public async Task Parts_are_numbered_without_the_boundary_crlf()
    {
        var client = await MultipartAsync();
        Assert.Equal(
            "* 1 FETCH (BODY[1] {10}\r\nHello Bob. BODY[2] {8}\r\nAAECAwQF)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 (BODY.PEEK[1] BODY.PEEK[2])"));
    }

    [Fact]
    public async Task Mime_header_of_a_part()
    {
        var client = await MultipartAsync();
        Assert.Equal(
            "* 1 FETCH (BODY[1.MIME] {46}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 BODY.PEEK[1.MIME]"));
    }

    [Fact]
    public async Task Message_rfc822_part_has_its_own_header_text_and_part_1()
    {
        var client = await MultipartAsync();
        Assert.Equal(
            $"* 1 FETCH (BODY[3.HEADER] {{{InnerHeader.Length}}}\r\n{InnerHeader} BODY[3.TEXT] {{11}}\r\nInner body. BODY[3.1] {{11}}\r\nInner body. BODY[3] {{62}}\r\n{InnerHeader}Inner body.)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 (BODY.PEEK[3.HEADER] BODY.PEEK[3.TEXT] BODY.PEEK[3.1] BODY.PEEK[3])"));
    }

    [Fact]
    public async Task Header_fields_echo_the_requested_names()
    {
        var client = await MultipartAsync();
        Assert.Equal(
            "* 1 FETCH (BODY[HEADER.FIELDS (subject From)] {50}\r\nFrom: Alice <alice@example.com>\r\nSubject: Test\r\n\r\n)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 BODY.PEEK[HEADER.FIELDS (subject From)]"));
    }

    [Fact]
    public async Task Header_fields_not_leaves_the_named_fields_out()
    {
        var client = await AppendThenSelect("Subject: x\r\nX-Long: a\r\n b\r\nTo: y\r\n\r\nbody\r\n");
        Assert.Equal(
            "* 1 FETCH (BODY[HEADER.FIELDS.NOT (TO)] {29}\r\nSubject: x\r\nX-Long: a\r\n b\r\n\r\n)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (TO)]"));
    }

    [Fact]
    public async Task Partial_fetch_answers_with_the_origin()
    {
        var client = await MultipartAsync();
        Assert.Equal(
            "* 1 FETCH (BODY[]<0> {10}\r\nFrom: Alic BODY[1]<6> {4}\r\nBob.)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 (BODY.PEEK[]<0.10> BODY.PEEK[1]<6.100>)"));
    }

    [Fact]
    public async Task Partial_past_the_end_is_empty()
    {
        var client = await MultipartAsync();
        Assert.Equal(
            "* 1 FETCH (BODY[1]<50> {0}\r\n)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 BODY.PEEK[1]<50.10>"));
    }

    [Fact]
    public async Task Missing_part_is_nil()
    {
        var client = await MultipartAsync();
        Assert.Equal(
            "* 1 FETCH (BODY[9] NIL BODY[1.HEADER] NIL)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 (BODY.PEEK[9] BODY.PEEK[1.HEADER])"));
    }

    [Fact]
    public async Task Single_part_message_has_its_body_as_part_1()
    {
        var client = await AppendThenSelect(Simple);
        Assert.Equal(
            "* 1 FETCH (BODY[1] {7}\r\nhello\r\n)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 BODY.PEEK[1]"));
    }

    [Fact]
    public async Task Binary_decodes_base64_and_uses_literal8_for_nul()
    {
        var client = await MultipartAsync();
        Assert.Equal(
            "* 1 FETCH (BINARY[2] ~{6}\r\n\0\u0001\u0002\u0003\u0004\u0005 BINARY.SIZE[2] 6 BINARY[1] {10}\r\nHello Bob.)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[1])"));
    }

    [Fact]
    public async Task Binary_decodes_quoted_printable_with_partial()
    {
        var client = await AppendThenSelect("Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 soft=\r\nbreak\r\n");
        Assert.Equal(
            "* 1 FETCH (BINARY[1]<3> {7}\r\n\u00e9 soft)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 BINARY.PEEK[1]<3.7>"));
    }

    [Fact]
    public async Task Unknown_transfer_encoding_is_refused_with_unknown_cte()
    {
        var client = await AppendThenSelect("Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin\r\n");
        Assert.Equal(
            "a NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding in a requested part",
            Text(client, "a", "FETCH 1 BINARY.PEEK[1]"));
    }

    [Fact]
    public async Task Rfc822_items_of_imap4rev1()
    {
        var client = await AppendThenSelect(Simple);
        Assert.Equal(
            "* 1 FETCH (RFC822.HEADER {48}\r\nFrom: Alice <alice@example.com>\r\nSubject: hi\r\n\r\n RFC822.SIZE 55)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 (RFC822.HEADER RFC822.SIZE)"));
    }

    private async Task<Client> AppendThenSelect(string message)
    {
        await AppendTextsAsync(message);
        return Selected();
    }
}
