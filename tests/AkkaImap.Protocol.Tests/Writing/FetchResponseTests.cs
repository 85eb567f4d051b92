using System.Text;
using AkkaImap.Protocol.Model;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using Xunit;

namespace AkkaImap.Protocol.Tests.Writing;

public sealed class FetchResponseTests
{
    private static readonly Address TerryGray = new("Terry Gray", null, "gray", "cac.washington.edu");

    // The envelope of the RFC 3501 §7.4.2 / RFC 9051 example message.
    private static readonly Envelope RfcEnvelope = new(
        "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
        "IMAP4rev1 WG mtg summary and minutes",
        [TerryGray], [TerryGray], [TerryGray],
        [new(null, null, "imap", "cac.washington.edu")],
        [new(null, null, "minutes", "CNRI.Reston.VA.US"), new("John Klensin", null, "KLENSIN", "MIT.EDU")],
        null, null,
        "<B27397-0100000@cac.washington.edu>");

    private static SinglePart PlainText(long size, long lines) => new("TEXT", "PLAIN")
    {
        Parameters = [new("CHARSET", "US-ASCII")],
        Size = size,
        Lines = lines,
    };

    [Fact]
    public void Flags_and_size_from_rfc3501()
    {
        Assert.Equal("* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n",
            Wire.Of(new FetchResponse(23, [new FlagsItem(SystemFlags.Seen), new Rfc822SizeItem(44827)])));
    }

    [Fact]
    public void The_full_rfc3501_fetch_example()
    {
        // The RFC wraps this over several lines; the address list "(a)(b)" has no space
        // between addresses (env-to = "(" 1*address ")").
        var expected =
            "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 "
            + "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
            + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            + "((NIL NIL \"imap\" \"cac.washington.edu\")) "
            + "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
            + "\"<B27397-0100000@cac.washington.edu>\") "
            + "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n";

        var response = new FetchResponse(12,
        [
            new FlagsItem(SystemFlags.Seen),
            new InternalDateItem(new DateTimeOffset(1996, 7, 17, 2, 44, 25, TimeSpan.FromHours(-7))),
            new Rfc822SizeItem(4286),
            new EnvelopeItem(RfcEnvelope),
            new BodyItem(PlainText(3028, 92)),
        ]);

        Assert.Equal(expected, Wire.Of(response));
    }

    [Fact]
    public void Multipart_body_from_rfc3501_has_no_extension_data()
    {
        var body = new MultiPart("MIXED",
        [
            PlainText(1152, 23),
            new SinglePart("TEXT", "PLAIN")
            {
                Parameters = [new("CHARSET", "US-ASCII"), new("NAME", "cc.diff")],
                Id = "<960723163407.20117h@cac.washington.edu>",
                Description = "Compiler diff",
                Encoding = "BASE64",
                Size = 4554,
                Lines = 73,
            },
        ])
        { Parameters = [new("BOUNDARY", "x")] };

        Assert.Equal(
            "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)"
            + "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
            + "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n",
            Wire.Of(new FetchResponse(1, [new BodyItem(body)])));
    }

    [Fact]
    public void Bodystructure_writes_md5_disposition_language_and_location()
    {
        var body = new MultiPart("mixed",
        [
            new SinglePart("text", "plain")
            {
                Parameters = [new("charset", "us-ascii")],
                Encoding = "7bit",
                Size = 79,
                Lines = 1,
                Md5 = "b35878dedb7cd0aa6934f90df9d517b0",
            },
            new SinglePart("application", "pdf")
            {
                Encoding = "base64",
                Size = 4096,
                Disposition = new ContentDisposition("attachment", [new("filename", "r\u00e9sum\u00e9.pdf")]),
                Languages = ["en", "de"],
                Location = "http://example.com/r.pdf",
            },
        ])
        {
            Parameters = [new("boundary", "simple boundary")],
            Languages = ["en"],
        };

        Assert.Equal(
            "* 2 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 79 1 "
            + "\"b35878dedb7cd0aa6934f90df9d517b0\" NIL NIL NIL)"
            + "(\"application\" \"pdf\" NIL NIL NIL \"base64\" 4096 NIL "
            + "(\"attachment\" (\"filename\" {12}\r\nr\u00e9sum\u00e9.pdf)) (\"en\" \"de\") \"http://example.com/r.pdf\") "
            + "\"mixed\" (\"boundary\" \"simple boundary\") NIL \"en\" NIL))\r\n",
            Wire.Of(new FetchResponse(2, [new BodyStructureItem(body)])));
    }

    [Fact]
    public void Message_rfc822_parts_carry_envelope_body_and_lines()
    {
        var inner = new Envelope(null, "(subject in US-ASCII)", null, null, null, null, null, null, null, null);
        var message = new SinglePart("message", "rfc822")
        {
            Encoding = "7bit",
            Size = 223,
            Lines = 0,
            MessageEnvelope = inner,
            MessageBody = new SinglePart("text", "plain")
            {
                Parameters = [new("charset", "ISO-8859-1")],
                Encoding = "Quoted-printable",
                Size = 48,
                Lines = 1,
                Md5 = "632b",
            },
            Md5 = "40ce",
        };

        Assert.Equal(
            "* 3 FETCH (BODY (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 223 "
            + "(NIL \"(subject in US-ASCII)\" NIL NIL NIL NIL NIL NIL NIL NIL) "
            + "(\"text\" \"plain\" (\"charset\" \"ISO-8859-1\") NIL NIL \"Quoted-printable\" 48 1) 0))\r\n",
            Wire.Of(new FetchResponse(3, [new BodyItem(message)])));
        Assert.Equal(
            "* 3 FETCH (BODYSTRUCTURE (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 223 "
            + "(NIL \"(subject in US-ASCII)\" NIL NIL NIL NIL NIL NIL NIL NIL) "
            + "(\"text\" \"plain\" (\"charset\" \"ISO-8859-1\") NIL NIL \"Quoted-printable\" 48 1 \"632b\" NIL NIL NIL) 0 "
            + "\"40ce\" NIL NIL NIL))\r\n",
            Wire.Of(new FetchResponse(3, [new BodyStructureItem(message)])));
    }

    [Fact]
    public void A_non_text_single_part_has_no_line_count()
    {
        var image = new SinglePart("image", "png") { Encoding = "base64", Size = 10 };

        Assert.Equal("* 4 FETCH (BODY (\"image\" \"png\" NIL NIL NIL \"base64\" 10))\r\n",
            Wire.Of(new FetchResponse(4, [new BodyItem(image)])));
    }

    [Fact]
    public void An_empty_multipart_still_has_one_body()
    {
        Assert.Equal("* 5 FETCH (BODY ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 0 0) \"mixed\"))\r\n",
            Wire.Of(new FetchResponse(5, [new BodyItem(new MultiPart("mixed", []))])));
    }

    [Fact]
    public void Group_addresses_are_written_as_markers()
    {
        var envelope = RfcEnvelope with
        {
            To = [Address.GroupStart("undisclosed-recipients"), Address.GroupEnd],
            Cc = [],
        };

        var text = Wire.Text(w => BodyStructureWriter.WriteEnvelope(w, envelope));

        Assert.Contains(" ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL ", text);
    }

    [Fact]
    public void Body_sections_echo_the_section_and_origin_and_send_a_literal()
    {
        var response = new FetchResponse(12,
        [
            new UidItem(4827313),
            new BodySectionItem("", "Hi\r\n"u8.ToArray()),
            new BodySectionItem("1.2.HEADER.FIELDS (FROM TO)", "From: a\r\n\r\n"u8.ToArray()),
            new BodySectionItem("TEXT", "abc"u8.ToArray(), Origin: 0),
            new BodySectionItem("2", null),
        ]);

        Assert.Equal(
            "* 12 FETCH (UID 4827313 BODY[] {4}\r\nHi\r\n BODY[1.2.HEADER.FIELDS (FROM TO)] {11}\r\nFrom: a\r\n\r\n"
            + " BODY[TEXT]<0> {3}\r\nabc BODY[2] NIL)\r\n",
            Wire.Of(response));
    }

    [Fact]
    public void Binary_sections_use_literal8_only_when_the_data_holds_nul()
    {
        var response = new FetchResponse(7,
        [
            new BinarySectionItem("1", new byte[] { 1, 0, 2 }),
            new BinarySectionItem("2", "text"u8.ToArray(), Origin: 100),
            new BinarySizeItem("1", 2000),
        ]);

        Assert.Equal("* 7 FETCH (BINARY[1] ~{3}\r\n\u0001\0\u0002 BINARY[2]<100> {4}\r\ntext BINARY.SIZE[1] 2000)\r\n",
            Wire.Of(response));
    }

    [Fact]
    public void Rfc822_items()
    {
        var response = new FetchResponse(1,
        [
            new Rfc822Item(Rfc822ItemKind.Header, "H: v\r\n\r\n"u8.ToArray()),
            new Rfc822Item(Rfc822ItemKind.Text, "body"u8.ToArray()),
            new Rfc822Item(Rfc822ItemKind.Message, null),
        ]);

        Assert.Equal("* 1 FETCH (RFC822.HEADER {8}\r\nH: v\r\n\r\n RFC822.TEXT {4}\r\nbody RFC822 NIL)\r\n",
            Wire.Of(response));
    }

    [Fact]
    public void Extension_items_modseq_objectid_savedate_preview()
    {
        var response = new FetchResponse(1,
        [
            new UidItem(4),
            new ModSeqItem(65402),
            new EmailIdItem("M6d99ac3275bb4e"),
            new ThreadIdItem("T64b478a75b7ea9"),
            new SaveDateItem(new DateTimeOffset(2024, 3, 1, 9, 5, 7, TimeSpan.Zero)),
            new PreviewItem("Hello, how are you?"),
        ]);

        Assert.Equal(
            "* 1 FETCH (UID 4 MODSEQ (65402) EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9) "
            + "SAVEDATE \" 1-Mar-2024 09:05:07 +0000\" PREVIEW \"Hello, how are you?\")\r\n",
            Wire.Of(response));
        Assert.Equal("* 2 FETCH (THREADID NIL SAVEDATE NIL PREVIEW NIL)\r\n",
            Wire.Of(new FetchResponse(2, [new ThreadIdItem(null), new SaveDateItem(null), new PreviewItem(null)])));
    }

    [Fact]
    public void Flags_write_system_flags_then_keywords()
    {
        var all = SystemFlags.Answered | SystemFlags.Flagged | SystemFlags.Deleted
            | SystemFlags.Seen | SystemFlags.Draft | SystemFlags.Recent;

        Assert.Equal("* 1 FETCH (FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\Recent $Forwarded Junk))\r\n",
            Wire.Of(new FetchResponse(1, [new FlagsItem(all, ["$Forwarded", "Junk"])])));
        Assert.Equal("* 1 FETCH (FLAGS ())\r\n", Wire.Of(new FetchResponse(1, [new FlagsItem(SystemFlags.None)])));
        Assert.Equal("* 1 FETCH (FLAGS (kw))\r\n", Wire.Of(new FetchResponse(1, [new FlagsItem(SystemFlags.None, ["kw"])])));
    }

    [Fact]
    public void Streaming_writes_the_same_bytes_as_the_record()
    {
        var body = Encoding.ASCII.GetBytes("Subject: x\r\n\r\nbody\r\n");

        var streamed = Wire.Text(w =>
        {
            FetchWriter.Begin(w, 9);
            FetchWriter.WriteUid(w, 77);
            FetchWriter.WriteFlags(w, SystemFlags.Seen, ["$Label1"]);
            FetchWriter.WriteModSeq(w, 5);
            FetchWriter.BeginBodySection(w, "", origin: null, length: body.Length);
            w.WriteRaw(body);
            FetchWriter.BeginBinarySection(w, "1", origin: 2, length: 1, containsNul: true);
            w.WriteByte(0);
            FetchWriter.BeginRfc822(w, Rfc822ItemKind.Text, 2);
            w.WriteRaw("ab"u8);
            FetchWriter.End(w);
        });
        var record = Wire.Of(new FetchResponse(9,
        [
            new UidItem(77),
            new FlagsItem(SystemFlags.Seen, ["$Label1"]),
            new ModSeqItem(5),
            new BodySectionItem("", body),
            new BinarySectionItem("1", new byte[] { 0 }, Origin: 2),
            new Rfc822Item(Rfc822ItemKind.Text, "ab"u8.ToArray()),
        ]));

        Assert.Equal(record, streamed);
        Assert.StartsWith("* 9 FETCH (UID 77 FLAGS (\\Seen $Label1) MODSEQ (5) BODY[] {20}\r\nSubject: x", streamed);
    }

    [Fact]
    public void Envelope_strings_with_8bit_or_line_breaks_become_literals_for_rev1()
    {
        var envelope = new Envelope(null, "Gr\u00fc\u00dfe", null, null, null, null, null, null, null, "<a\r\nb>");

        Assert.Equal("(NIL {7}\r\nGr\u00fc\u00dfe NIL NIL NIL NIL NIL NIL NIL {6}\r\n<a\r\nb>)",
            Wire.Text(w => BodyStructureWriter.WriteEnvelope(w, envelope)));
        Assert.Equal("(NIL \"Gr\u00fc\u00dfe\" NIL NIL NIL NIL NIL NIL NIL {6}\r\n<a\r\nb>)",
            Wire.Text(w => BodyStructureWriter.WriteEnvelope(w, envelope), utf8: true));
    }

    [Fact]
    public void Preview_with_8bit_is_quoted_only_for_utf8_sessions()
    {
        var response = new FetchResponse(1, [new PreviewItem("Gr\u00fc\u00dfe")]);

        Assert.Equal("* 1 FETCH (PREVIEW {7}\r\nGr\u00fc\u00dfe)\r\n", Wire.Of(response));
        Assert.Equal("* 1 FETCH (PREVIEW \"Gr\u00fc\u00dfe\")\r\n", Wire.Of(response, utf8: true));
    }
}
