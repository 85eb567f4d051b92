using System.Text;
using AkkaImap.Protocol.Lmtp;
using Xunit;

namespace AkkaImap.Protocol.Tests.Lmtp;

public sealed class LmtpConversationTests
{
    private static readonly LmtpLimits Limits = new(MaxLine: 512, MaxMessageSize: 1000, MaxRecipients: 3, MaxBadCommands: 5);

    /// <summary>A host that knows alice and bob, and delivers every message it is given.</summary>
    private sealed class Host
    {
        public List<(LmtpEnvelope Envelope, string Body)> Delivered { get; } = [];
        public StringBuilder Output { get; } = new();
        public bool Closed { get; private set; }

        public void Run(LmtpConversation conversation)
        {
            while (true)
            {
                var step = conversation.Next();
                Output.Append(conversation.TakeOutput());
                switch (step)
                {
                    case LmtpCheckRecipient check when check.Address.LocalPart.Split('+')[0] is "alice" or "bob":
                        conversation.RecipientChecked(new LmtpReply(250, "2.1.5", "OK"), check.Address.LocalPart.Length);
                        continue;
                    case LmtpCheckRecipient check:
                        conversation.RecipientChecked(LmtpReply.UnknownRecipient(check.Address.Text), 0);
                        continue;
                    case LmtpDeliver deliver:
                        Delivered.Add((deliver.Envelope, Encoding.Latin1.GetString(deliver.Body.Span)));
                        conversation.Delivered([.. deliver.Envelope.Recipients.Select(r => new LmtpReply(250, "2.0.0", $"<{r.Address.Text}> Delivered"))]);
                        continue;
                    case LmtpClose:
                        Closed = true;
                        return;
                    default:
                        return;
                }
            }
        }
    }

    /// <summary>Runs <paramref name="wire"/> fed in <paramref name="chunk"/>-byte pieces; the result must not depend on the chunking.</summary>
    private static Host Run(string wire, LmtpLimits? limits = null)
    {
        Host? first = null;
        foreach (int chunk in new[] { int.MaxValue, 1, 7 })
        {
            var host = new Host();
            var conversation = new LmtpConversation("mx.test", limits ?? Limits);
            var bytes = Encoding.Latin1.GetBytes(wire);
            host.Run(conversation);
            for (int i = 0; i < bytes.Length && !host.Closed; i += Math.Min(chunk, bytes.Length))
            {
                conversation.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
                host.Run(conversation);
            }
            if (first is null)
            {
                first = host;
            }
            else
            {
                Assert.Equal(first.Output.ToString(), host.Output.ToString());
                Assert.Equal(first.Delivered.Select(d => d.Body), host.Delivered.Select(d => d.Body));
            }
        }
        return first!;
    }

    private static string[] Lines(Host host) => host.Output.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Greets_and_answers_LHLO_with_the_extensions()
    {
        var host = Run("LHLO mta.test\r\n");

        Assert.Equal(
            "220 mx.test AkkaImap LMTP ready\r\n250-mx.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE 1000\r\n",
            host.Output.ToString());
    }

    [Fact]
    public void Pipelined_transaction_with_one_bad_recipient_gets_one_reply_per_accepted_recipient_after_DATA()
    {
        // RFC 2033 §4.2: replies after DATA for alice and bob only, in RCPT order.
        var host = Run("LHLO mta.test\r\nMAIL FROM:<s@x.test> SIZE=20 BODY=8BITMIME\r\nRCPT TO:<alice@po.test>\r\nRCPT TO:<nobody@po.test>\r\n" +
                       "RCPT TO:<bob+lists@po.test>\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n");

        Assert.Equal([
            "250 2.1.0 Sender OK", "250 2.1.5 OK", "550 5.1.1 <nobody@po.test> User unknown", "250 2.1.5 OK",
            "354 Start mail input; end with <CRLF>.<CRLF>",
            "250 2.0.0 <alice@po.test> Delivered", "250 2.0.0 <bob+lists@po.test> Delivered",
            "221 2.0.0 mx.test closing connection"], Lines(host)[6..]);
        var (envelope, body) = Assert.Single(host.Delivered);
        Assert.Equal("s@x.test", envelope.ReversePath);
        Assert.Equal(["alice@po.test", "bob+lists@po.test"], envelope.Recipients.Select(r => r.Address.Text));
        Assert.Equal("Subject: hi\r\n\r\nbody\r\n", body);
        Assert.True(host.Closed);
    }

    [Fact]
    public void Dot_stuffed_lines_lose_their_first_dot_and_only_CRLF_dot_CRLF_ends_the_message()
    {
        var host = Run("LHLO m\r\nMAIL FROM:<>\r\nRCPT TO:<alice@po>\r\nDATA\r\n..leading dot\r\n...\r\n.x\r\nend\r\n.\r\n");

        Assert.Equal(".leading dot\r\n..\r\nx\r\nend\r\n", Assert.Single(host.Delivered).Body);
        Assert.Equal("", Assert.Single(host.Delivered).Envelope.ReversePath);
    }

    [Fact]
    public void Bare_LF_is_stored_as_CRLF_and_a_bare_LF_dot_line_does_not_end_the_message()
    {
        // No SMTP smuggling: "\n.\n" is content, only "\r\n.\r\n" ends DATA.
        var host = Run("LHLO m\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@po>\r\nDATA\r\none\ntwo\r\n.\nthree\r\r\n.\r\n");

        Assert.Equal("one\r\ntwo\r\n\r\nthree\r\r\n", Assert.Single(host.Delivered).Body);
    }

    [Fact]
    public void A_message_over_SIZE_is_read_to_its_end_and_refused_for_each_recipient()
    {
        var big = new string('x', 600);
        var host = Run($"LHLO m\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@po>\r\nRCPT TO:<bob@po>\r\nDATA\r\n{big}\r\n{big}\r\n.\r\nNOOP\r\n");

        Assert.Empty(host.Delivered);
        Assert.Equal([
            "552 5.3.4 Message size exceeds fixed maximum message size (1000 bytes)",
            "552 5.3.4 Message size exceeds fixed maximum message size (1000 bytes)",
            "250 2.0.0 OK"], Lines(host)[^3..]);
    }

    [Fact]
    public void A_declared_SIZE_over_the_cap_is_refused_at_MAIL()
    {
        var host = Run("LHLO m\r\nMAIL FROM:<a@b> SIZE=1001\r\nRCPT TO:<alice@po>\r\n");

        Assert.Equal(["552 5.3.4 Message size exceeds fixed maximum message size (1000 bytes)", "503 5.5.1 Need MAIL before RCPT"], Lines(host)[^2..]);
    }

    [Fact]
    public void Commands_out_of_order_are_refused_with_503()
    {
        var host = Run("MAIL FROM:<a@b>\r\nLHLO m\r\nRCPT TO:<alice@po>\r\nDATA\r\nMAIL FROM:<a@b>\r\nDATA\r\nMAIL FROM:<c@d>\r\nRSET\r\nDATA\r\n");

        var lines = Lines(host);
        Assert.Equal("503 5.5.1 Send LHLO first", lines[1]);
        Assert.Equal([
            "503 5.5.1 Need MAIL before RCPT", "503 5.5.1 Need MAIL before DATA", "250 2.1.0 Sender OK",
            "503 5.5.1 No valid recipients", "503 5.5.1 Nested MAIL command", "250 2.0.0 OK", "503 5.5.1 Need MAIL before DATA"], lines[^7..]);
    }

    [Fact]
    public void Recipients_past_the_limit_get_452()
    {
        var host = Run("LHLO m\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@po>\r\nRCPT TO:<bob@po>\r\nRCPT TO:<alice+x@po>\r\nRCPT TO:<bob+y@po>\r\n");

        Assert.Equal("452 4.5.3 Too many recipients", Lines(host)[^1]);
    }

    [Fact]
    public void Bad_syntax_and_unknown_commands_are_refused_and_the_connection_goes_on()
    {
        var host = Run("HELO m\r\nLHLO m\r\nMAIL FROM:a@b\r\nMAIL FROM:<a@b> RET=FULL\r\nVRFY alice\r\nMAIL FROM:<a@b>\r\nRCPT TO:<no-at-sign>\r\nRCPT TO:<alice@po> NOTIFY=NEVER\r\nNOOP\r\n");

        var lines = Lines(host);
        Assert.Equal("500 5.5.1 This is LMTP: use LHLO", lines[1]);
        Assert.Equal([
            "501 5.5.4 Syntax: MAIL FROM:<address> [SIZE=n] [BODY=7BIT|8BITMIME]", "555 5.5.4 Unsupported parameter RET",
            "500 5.5.2 Command not recognized", "250 2.1.0 Sender OK", "501 5.1.3 Bad recipient address syntax",
            "555 5.5.4 Unsupported parameter NOTIFY", "250 2.0.0 OK"], lines[^7..]);
        Assert.False(host.Closed);
    }

    [Fact]
    public void Too_many_bad_commands_in_a_row_close_the_connection()
    {
        var host = Run("LHLO m\r\nX\r\nX\r\nX\r\nX\r\nX\r\nNOOP\r\n");

        Assert.Equal("421 4.7.0 mx.test too many errors, closing connection", Lines(host)[^1]);
        Assert.True(host.Closed);
    }

    [Fact]
    public void A_command_line_over_the_limit_is_refused_and_skipped()
    {
        var host = Run($"LHLO m\r\nNOOP {new string('x', 2000)}\r\nNOOP\r\n");

        Assert.Equal(["500 5.5.2 Line too long", "250 2.0.0 OK"], Lines(host)[^2..]);
    }

    [Fact]
    public void A_quoted_local_part_is_unquoted_and_a_source_route_dropped()
    {
        var host = Run("LHLO m\r\nMAIL FROM:<@relay.test:a@b>\r\nRCPT TO:<\"alice\"@po>\r\nDATA\r\nx\r\n.\r\n");

        var (envelope, _) = Assert.Single(host.Delivered);
        Assert.Equal("a@b", envelope.ReversePath);
        Assert.Equal(("alice", "po"), (envelope.Recipients[0].Address.LocalPart, envelope.Recipients[0].Address.Domain));
    }

    [Fact]
    public void LHLO_and_RSET_end_a_transaction()
    {
        var host = Run("LHLO m\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@po>\r\nLHLO m\r\nDATA\r\n");

        Assert.Equal("503 5.5.1 Need MAIL before DATA", Lines(host)[^1]);
    }

    [Theory]
    [InlineData("alice+lists", "+", "alice", "lists")]
    [InlineData("alice", "+", "alice", null)]
    [InlineData("alice+", "+", "alice", "")]
    [InlineData("+x", "+", "+x", null)]
    [InlineData("alice+lists", "", "alice+lists", null)]
    public void Sub_addresses_split_at_the_first_delimiter(string local, string delimiter, string user, string? detail)
    {
        Assert.Equal((user, detail), new LmtpAddress(local, "po", local + "@po").SplitDetail(delimiter));
    }
}
