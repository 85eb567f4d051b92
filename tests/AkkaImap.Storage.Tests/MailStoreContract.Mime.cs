using System.Text;
using AkkaImap.Protocol.Model;

namespace AkkaImap.Storage.Tests;

public abstract partial class MailStoreContract
{
    private const string TextBody = "Hello Bob,\r\nsee =C3=A9 attached.";
    private const string InnerMessage = "From: bob@example.com\r\nSubject: inner\r\nContent-Type: text/plain\r\n\r\ninner body";

    private const string Complex =
        "From: \"Alice Example\" <alice@example.com>\r\n" +
        "To: undisclosed-recipients:;\r\n" +
        "Cc: Team: bob@example.com, carol@example.org;\r\n" +
        "Subject: =?utf-8?q?Caf=C3=A9?= report\r\n" +
        "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n" +
        "Message-ID: <1234@example.com>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
        "\r\n" +
        "--outer\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "Content-Transfer-Encoding: quoted-printable\r\n" +
        "\r\n" +
        TextBody + "\r\n" +
        "--outer\r\n" +
        "Content-Type: application/pdf; name=\"report.pdf\"\r\n" +
        "Content-Disposition: attachment; filename=\"report.pdf\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "Content-ID: <part2@example.com>\r\n" +
        "\r\n" +
        "JVBERi0xLjQK\r\n" +
        "--outer\r\n" +
        "Content-Type: message/rfc822\r\n" +
        "\r\n" +
        InnerMessage + "\r\n" +
        "--outer--\r\n";

    private async Task<(FolderInfo Inbox, MessageInfo Info)> AppendComplexAsync()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var uid = (await AppendAsync(inbox.Id, Complex)).Single();
        return (inbox, (await Store.GetMessageAsync(inbox.Id, uid))!);
    }

    [Fact]
    public async Task Envelope_holds_raw_header_values_defaults_and_groups()
    {
        var (_, info) = await AppendComplexAsync();
        var e = info.Envelope;

        Assert.Equal("Mon, 7 Feb 1994 21:52:25 -0800", e.Date);
        Assert.Equal("=?utf-8?q?Caf=C3=A9?= report", e.Subject);
        var alice = new Address("Alice Example", null, "alice", "example.com");
        Assert.Equal([alice], e.From!);
        Assert.Equal([alice], e.Sender!);   // RFC 9051 §7.5.2: absent Sender is From
        Assert.Equal([alice], e.ReplyTo!);
        Assert.Equal([Address.GroupStart("undisclosed-recipients"), Address.GroupEnd], e.To!);
        Assert.Equal([Address.GroupStart("Team"), new Address(null, null, "bob", "example.com"), new Address(null, null, "carol", "example.org"), Address.GroupEnd], e.Cc!);
        Assert.Null(e.Bcc);
        Assert.Null(e.InReplyTo);
        Assert.Equal("<1234@example.com>", e.MessageId);
        Assert.Equal(Encoding.ASCII.GetByteCount(Complex), info.Size);
    }

    [Fact]
    public async Task Bodystructure_describes_text_attachment_and_enclosed_message()
    {
        var (_, info) = await AppendComplexAsync();

        var root = Assert.IsType<MultiPart>(info.Body);
        Assert.Equal("mixed", root.MediaSubtype, ignoreCase: true);
        Assert.Contains(new KeyValuePair<string, string>("boundary", "outer"), root.Parameters);
        Assert.Equal(3, root.Parts.Count);

        var text = Assert.IsType<SinglePart>(root.Parts[0]);
        Assert.True(text.IsText);
        Assert.Equal("QUOTED-PRINTABLE", text.Encoding);
        Assert.Equal(TextBody.Length, text.Size);
        Assert.Equal(2, text.Lines);
        Assert.Contains(new KeyValuePair<string, string>("charset", "utf-8"), text.Parameters);

        var pdf = Assert.IsType<SinglePart>(root.Parts[1]);
        Assert.Equal(("application", "pdf"), (pdf.MediaType, pdf.MediaSubtype));
        Assert.Equal("BASE64", pdf.Encoding);
        Assert.Equal(12, pdf.Size);
        Assert.Equal("<part2@example.com>", pdf.Id);
        Assert.Equal("attachment", pdf.Disposition?.Type);
        Assert.Contains(new KeyValuePair<string, string>("filename", "report.pdf"), pdf.Disposition!.Parameters);

        var forwarded = Assert.IsType<SinglePart>(root.Parts[2]);
        Assert.True(forwarded.IsMessage);
        Assert.Equal(InnerMessage.Length, forwarded.Size);
        Assert.Equal(5, forwarded.Lines);
        Assert.Equal("inner", forwarded.MessageEnvelope?.Subject);
        Assert.Equal([new Address(null, null, "bob", "example.com")], forwarded.MessageEnvelope!.From!);
        var innerBody = Assert.IsType<SinglePart>(forwarded.MessageBody);
        Assert.Equal("inner body".Length, innerBody.Size);
        Assert.Equal(1, innerBody.Lines);
    }

    [Fact]
    public async Task Part_offsets_address_sections_of_the_raw_message()
    {
        var (inbox, info) = await AppendComplexAsync();
        async Task<string> Slice(long from, long to) =>
            Encoding.UTF8.GetString((await Store.ReadMessageAsync(inbox.Id, info.Uid, from, to - from))!);

        var root = info.Parts;
        Assert.True(root.IsMultipart);
        Assert.StartsWith("From: \"Alice Example\"", await Slice(root.HeaderStart, root.BodyStart));
        Assert.EndsWith("boundary=\"outer\"\r\n\r\n", await Slice(root.HeaderStart, root.BodyStart));

        var part1 = root.Resolve([1])!;
        Assert.Equal(TextBody, await Slice(part1.BodyStart, part1.End));
        Assert.Equal("quoted-printable", part1.Encoding);
        Assert.StartsWith("Content-Type: text/plain", await Slice(part1.HeaderStart, part1.BodyStart)); // BODY[1.MIME]

        var part2 = root.Resolve([2])!;
        Assert.Equal("JVBERi0xLjQK", await Slice(part2.BodyStart, part2.End));
        Assert.Equal("base64", part2.Encoding);

        var part3 = root.Resolve([3])!;
        Assert.True(part3.IsMessage);
        Assert.Equal(InnerMessage, await Slice(part3.BodyStart, part3.End));
        Assert.StartsWith("From: bob@example.com", await Slice(part3.Message!.HeaderStart, part3.Message.BodyStart)); // BODY[3.HEADER]
        var inner = root.Resolve([3, 1])!;
        Assert.Equal("inner body", await Slice(inner.BodyStart, inner.End));

        Assert.Null(root.Resolve([4]));
        Assert.Null(root.Resolve([1, 2]));
        Assert.Empty((await Store.ReadMessageAsync(inbox.Id, info.Uid, 1_000_000))!);
        Assert.Null(await Store.ReadMessageAsync(inbox.Id, 999));
    }

    [Fact]
    public async Task Preview_is_the_decoded_first_text_part_whitespace_collapsed_and_capped()
    {
        var (inbox, info) = await AppendComplexAsync();
        Assert.Equal("Hello Bob, see é attached.", info.Preview);

        var longBody = string.Join("\r\n\r\n", Enumerable.Repeat("word   word", 60));
        var uid = (await AppendAsync(inbox.Id, Simple("long", longBody))).Single();
        var preview = (await Store.GetMessageAsync(inbox.Id, uid))!.Preview;
        Assert.True(preview.Length <= 200, $"preview has {preview.Length} chars");
        Assert.StartsWith("word word word", preview);
        Assert.DoesNotContain("  ", preview);
    }

    [Fact]
    public async Task Single_part_message_has_part_one_as_itself()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var uid = (await AppendAsync(inbox.Id, Simple("plain", "just text"))).Single();
        var info = (await Store.GetMessageAsync(inbox.Id, uid))!;

        var body = Assert.IsType<SinglePart>(info.Body);
        Assert.Equal(("text", "plain"), (body.MediaType, body.MediaSubtype));
        Assert.Equal("7BIT", body.Encoding);
        Assert.Equal("just text\r\n".Length, body.Size);
        Assert.Equal([new KeyValuePair<string, string>("charset", "us-ascii")], body.Parameters); // RFC 2045 §5.2 default
        Assert.Same(info.Parts, info.Parts.Resolve([1]));
        Assert.Equal("just text\r\n", Encoding.UTF8.GetString((await Store.ReadMessageAsync(inbox.Id, uid, info.Parts.BodyStart))!));
    }

    [Fact]
    public async Task Malformed_messages_are_stored_anyway()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        string[] broken =
        [
            "",
            "no header at all, just text without newline",
            "Content-Type: multipart/mixed; boundary=\"never\"\r\n\r\nno boundary ever appears\r\n",
            "From: <<<@@@>>>\r\nTo: ,,,\r\nContent-Type: message/rfc822\r\n\r\n\0\0\xff garbage",
            "Subject: \u00ff\u00fe bytes\r\nContent-Transfer-Encoding: x-unknown\r\n\r\nbody",
        ];

        var uids = await AppendAsync(inbox.Id, broken);

        Assert.Equal(broken.Length, uids.Count);
        foreach (var (uid, raw) in uids.Zip(broken))
        {
            var info = await Store.GetMessageAsync(inbox.Id, uid);
            Assert.NotNull(info);
            Assert.Equal(Encoding.UTF8.GetByteCount(raw), info.Size);
            Assert.Equal(Encoding.UTF8.GetBytes(raw), await Store.ReadMessageAsync(inbox.Id, uid));
        }
    }
}
