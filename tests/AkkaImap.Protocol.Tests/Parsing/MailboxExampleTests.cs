using System.Text;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Sequences;
using Xunit;
using static AkkaImap.Protocol.Tests.Parsing.Wire;

namespace AkkaImap.Protocol.Tests.Parsing;

/// <summary>Examples of RFC 9051 §6.3 and RFC 3501 §6.3, with RFC 7162, 6154, 5258, 5819, 3502, 3516, 6855.</summary>
public sealed class MailboxExampleTests
{
    [Fact]
    public void Select_and_examine() // RFC 9051 §6.3.2, §6.3.3
    {
        var select = Parse<SelectCommand>("A142 SELECT INBOX\r\n");
        Assert.Equal(("A142", "INBOX", SelectParameters.None), (select.Tag, select.Mailbox, select.Parameters));
        Assert.Equal("blurdybloop", Parse<ExamineCommand>("A932 EXAMINE blurdybloop\r\n").Mailbox);
        Assert.Equal("inbox", Parse<SelectCommand>("a select \"inbox\"\r\n").Mailbox);
    }

    [Fact]
    public void Select_condstore() // RFC 7162 §3.1.8
    {
        Assert.True(Parse<SelectCommand>("A142 SELECT INBOX (CONDSTORE)\r\n").Parameters.CondStore);
    }

    [Fact]
    public void Select_qresync_with_known_uids() // RFC 7162 §3.2.5.2
    {
        var q = Parse<SelectCommand>("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n").Parameters.QResync!;
        Assert.Equal(67890007u, q.UidValidity);
        Assert.Equal(20050715194045000ul, q.ModSeq);
        Assert.Equal("41,43:211,214:541", q.KnownUids!.ToString());
        Assert.Null(q.KnownSequenceNumbers);
    }

    [Fact]
    public void Select_qresync_with_sequence_match_data() // RFC 7162 §3.2.5.2
    {
        var q = Parse<ExamineCommand>(
            "B04 EXAMINE INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))\r\n")
            .Parameters.QResync!;
        Assert.Equal("1:29997", q.KnownUids!.ToString());
        Assert.Equal("5000,7500,9000,9990:9999", q.KnownSequenceNumbers!.ToString());
        Assert.Equal(13, q.KnownSequenceUids!.Ranges.Count);
    }

    [Fact]
    public void Select_qresync_minimal()
    {
        var q = Parse<SelectCommand>("a SELECT INBOX (QRESYNC (1 0))\r\n").Parameters.QResync!;
        Assert.Equal((1u, 0ul, (SequenceSet?)null), (q.UidValidity, q.ModSeq, q.KnownUids));
    }

    [Fact]
    public void Create_delete_rename_subscribe() // RFC 9051 §6.3.4-§6.3.8
    {
        Assert.Equal("owatagu/", Parse<CreateCommand>("A003 CREATE owatagu/\r\n").Mailbox);
        Assert.Equal("blurdybloop", Parse<DeleteCommand>("A683 DELETE blurdybloop\r\n").Mailbox);
        var rename = Parse<RenameCommand>("A683 RENAME blurdybloop sarasoop\r\n");
        Assert.Equal(("blurdybloop", "sarasoop"), (rename.From, rename.To));
        Assert.Equal("#news.comp.mail.mime", Parse<SubscribeCommand>("A002 SUBSCRIBE #news.comp.mail.mime\r\n").Mailbox);
        Assert.Equal("#news.comp.mail.mime", Parse<UnsubscribeCommand>("A002 UNSUBSCRIBE #news.comp.mail.mime\r\n").Mailbox);
    }

    [Fact]
    public void Create_with_special_use() // RFC 6154 §5.2
    {
        var create = Parse<CreateCommand>("t1 CREATE MySpecial (USE (\\Drafts \\Sent))\r\n");
        Assert.Equal(["\\Drafts", "\\Sent"], create.SpecialUse);
    }

    [Fact]
    public void Mailbox_names_are_kept_as_sent()
    {
        Assert.Equal("&ZeVnLIqe-", Parse<CreateCommand>("a CREATE &ZeVnLIqe-\r\n").Mailbox);
        Assert.Equal("Entwürfe", Parse<CreateCommand>("a CREATE \"Entwürfe\"\r\n").Mailbox);
        Assert.Equal("a b", Parse<CreateCommand>("a CREATE {3+}\r\na b\r\n").Mailbox);
    }

    [Fact]
    public void Basic_list() // RFC 9051 §6.3.9
    {
        var list = Parse<ListCommand>("A101 LIST \"\" \"\"\r\n");
        Assert.Equal(("", "", false), (list.Reference, list.Patterns.Single(), list.IsExtended));
        Assert.Equal("#news.comp.mail.misc", Parse<ListCommand>("A102 LIST #news.comp.mail.misc \"\"\r\n").Reference);
        var pct = Parse<ListCommand>("A202 LIST ~/Mail/ %\r\n");
        Assert.Equal(("~/Mail/", "%"), (pct.Reference, pct.Patterns.Single()));
        Assert.Equal("*", Parse<ListCommand>("A1 LIST \"\" *\r\n").Patterns.Single());
    }

    [Fact]
    public void Extended_list_selection_and_return_options() // RFC 5258 §5
    {
        var a02 = Parse<ListCommand>("A02 LIST (SUBSCRIBED) \"\" \"*\"\r\n");
        Assert.Equal(ListSelectOptions.Subscribed, a02.Select);
        Assert.True(a02.IsExtended);
        var a03 = Parse<ListCommand>("A03 LIST () \"\" \"%\" RETURN (CHILDREN)\r\n");
        Assert.Equal((ListSelectOptions.None, ListReturnOptions.Children), (a03.Select, a03.Return));
        var a05 = Parse<ListCommand>("A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"\r\n");
        Assert.Equal(ListSelectOptions.Remote | ListSelectOptions.Subscribed, a05.Select);
        var a06 = Parse<ListCommand>("A06 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)\r\n");
        Assert.Equal(ListSelectOptions.Subscribed | ListSelectOptions.RecursiveMatch, a06.Select);
        var bbb = Parse<ListCommand>("BBB LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")\r\n");
        Assert.Equal(["INBOX", "Drafts", "Sent/%"], bbb.Patterns);
    }

    [Fact]
    public void List_return_status() // RFC 5819 §5
    {
        var list = Parse<ListCommand>("A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))\r\n");
        Assert.Equal(ListReturnOptions.Status, list.Return);
        Assert.Equal([StatusItem.Messages, StatusItem.Unseen], list.ReturnStatus);
    }

    [Fact]
    public void List_special_use() // RFC 6154 §5.1
    {
        Assert.Equal(ListSelectOptions.SpecialUse, Parse<ListCommand>("t1 LIST (SPECIAL-USE) \"\" \"*\"\r\n").Select);
        Assert.Equal(ListReturnOptions.SpecialUse, Parse<ListCommand>("t3 LIST \"\" \"%\" RETURN (SPECIAL-USE)\r\n").Return);
    }

    [Fact]
    public void Lsub_and_xlist() // RFC 3501 §6.3.9
    {
        var lsub = Parse<LsubCommand>("A002 LSUB \"#news.\" \"comp.mail.*\"\r\n");
        Assert.Equal(("#news.", "comp.mail.*"), (lsub.Reference, lsub.Pattern));
        Assert.Equal("%", Parse<XListCommand>("a XLIST \"\" %\r\n").Pattern);
    }

    [Fact]
    public void Status() // RFC 9051 §6.3.11
    {
        var status = Parse<StatusCommand>("A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n");
        Assert.Equal([StatusItem.UidNext, StatusItem.Messages], status.Items);
        var all = Parse<StatusCommand>("a STATUS x (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ APPENDLIMIT)\r\n");
        Assert.Equal(9, all.Items.Count);
        // RFC 8474 §4.2.
        Assert.Equal([StatusItem.MailboxId, StatusItem.Messages], Parse<StatusCommand>("a STATUS x (MAILBOXID MESSAGES)\r\n").Items);
    }

    private const string Rfc3501Message =
        "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n" +
        "From: Fred Foobar <foobar@Blurdybloop.COM>\r\n" +
        "Subject: afternoon meeting\r\n" +
        "To: mooch@owatagu.siam.edu\r\n" +
        "Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n" +
        "\r\n" +
        "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

    [Fact]
    public void Append_example() // RFC 3501 §6.3.11 / RFC 9051 §6.3.12
    {
        Assert.Equal(310, Rfc3501Message.Length);
        var append = Parse<AppendCommand>("A003 APPEND saved-messages (\\Seen) {310}\r\n" + Rfc3501Message + "\r\n");
        Assert.Equal("saved-messages", append.Mailbox);
        var message = append.Messages.Single();
        Assert.Equal(["\\Seen"], message.Flags);
        Assert.Null(message.InternalDate);
        Assert.Equal(Rfc3501Message, Encoding.ASCII.GetString(message.Content.Span));
        Assert.False(message.Binary);
    }

    [Fact]
    public void Append_with_date_time()
    {
        var append = Parse<AppendCommand>("a APPEND INBOX () \"17-Jul-1996 02:44:25 -0700\" {3+}\r\nabc\r\n");
        Assert.Equal(new DateTimeOffset(1996, 7, 17, 2, 44, 25, TimeSpan.FromHours(-7)), append.Messages[0].InternalDate);
        Assert.Empty(append.Messages[0].Flags);
    }

    [Fact]
    public void Multiappend() // RFC 3502 §6
    {
        var append = Parse<AppendCommand>(
            "A003 APPEND saved-messages (\\Seen) {3}\r\nabc (\\Seen \\Flagged) \" 1-Jul-2002 22:53:57 +0000\" {2}\r\nde {1}\r\nf\r\n");
        Assert.Equal(3, append.Messages.Count);
        Assert.Equal(["abc", "de", "f"], append.Messages.Select(m => Encoding.ASCII.GetString(m.Content.Span)));
        Assert.Equal(new DateTimeOffset(2002, 7, 1, 22, 53, 57, TimeSpan.Zero), append.Messages[1].InternalDate);
        Assert.Equal(["\\Seen", "\\Flagged"], append.Messages[1].Flags);
    }

    [Fact]
    public void Append_literal8_and_utf8() // RFC 3516 §4.4, RFC 6855 §4
    {
        var binary = Parse<AppendCommand>("a APPEND INBOX ~{3+}\r\na\0b\r\n");
        Assert.True(binary.Messages[0].Binary);
        Assert.Equal(new byte[] { (byte)'a', 0, (byte)'b' }, binary.Messages[0].Content.ToArray());
        var utf8 = Parse<AppendCommand>("a APPEND INBOX UTF8 (~{2+}\r\nhi)\r\n");
        Assert.True(utf8.Messages[0].Utf8);
        Assert.Equal("hi", Encoding.ASCII.GetString(utf8.Messages[0].Content.Span));
    }
}
