using System.Text;
using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Tests.Sessions;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Search;

/// <summary>
/// The session fixture plus a folder of five varied messages for SEARCH. A first message is
/// appended and expunged before the others, so UIDs (2..6) differ from sequence numbers (1..5):
/// <list type="number">
/// <item>uid 2: from Alice, "Meeting tomorrow", sent 1-Jan-2024 23:30 -0500, internal 2-Jan-2024, \Seen.</item>
/// <item>uid 3: from Jürgen Müller (encoded-words), to alice, cc carol, "Grüße aus München", quoted-printable
/// UTF-8 body, internal 10-Feb-2024 23:00 -0800, \Answered \Flagged $Work.</item>
/// <item>uid 4: from John Smith, bcc dave, X-Priority: 1, multipart/alternative "Quarterly report", \Deleted \Flagged.</item>
/// <item>uid 5: from bob, no Subject, no Date, a 2,000-byte body, internal 1-Apr-2024, \Draft \Flagged.</item>
/// <item>uid 6: from carol, "Fwd: report", an attached message "inner secret" / "nested words", internal now.</item>
/// </list>
/// </summary>
public abstract class SearchTestKit : SessionTestKit
{
    protected const string Meeting = """
        From: Alice Example <alice@example.com>
        To: bob@example.org
        Subject: Meeting tomorrow
        Date: Mon, 1 Jan 2024 23:30:00 -0500
        Message-ID: <m1@example.com>

        Let us meet at noon.

        """;

    protected const string Greetings = """
        From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>
        To: alice@example.com
        Cc: Carol <carol@example.net>
        Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=
        Date: Sat, 10 Feb 2024 22:00:00 -0800
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        Sch=C3=B6ne Gr=C3=BC=C3=9Fe aus M=C3=BCnchen

        """;

    protected const string Report = """
        From: John Smith <smith@example.com>
        To: alice@example.com
        Bcc: dave@example.com
        Subject: Q1 numbers
        Date: Fri, 15 Mar 2024 12:00:00 +0000
        X-Priority: 1
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="b1"

        --b1
        Content-Type: text/plain; charset=us-ascii

        Quarterly report attached
        --b1
        Content-Type: text/html; charset=us-ascii

        <p>Quarterly <b>figures</b></p>
        --b1--

        """;

    protected const string Forward = """
        From: carol@example.net
        To: alice@example.com
        Subject: Fwd: report
        Date: Wed, 1 May 2024 09:00:00 +0200
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b2"

        --b2
        Content-Type: text/plain

        see attached
        --b2
        Content-Type: message/rfc822

        From: someone@example.org
        Subject: inner secret

        nested words
        --b2--

        """;

    protected static string Large { get; } =
        "From: bob@example.org\r\nTo: alice@example.com\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 98) + "\r\n", 20));

    protected async Task<Account> AccountAsync() => (await Store.FindAccountAsync(Login))!;

    protected async Task<FolderInfo> FolderAsync(string name) =>
        (await Store.GetFolderAsync((await AccountAsync()).Owner, name))!;

    /// <summary>Appends the five messages (UIDs 2..6) to INBOX through the account, after an expunged UID 1.</summary>
    protected async Task AddFixtureAsync()
    {
        await AppendAsync("INBOX", [new AppendRequest(Bytes("Subject: gone\r\n\r\nx\r\n"), MessageFlags.Deleted)]);
        await SendAsync<Expunged>(new Expunge((await FolderAsync("INBOX")).Id));
        await AppendAsync("INBOX",
        [
            new AppendRequest(Bytes(Meeting), MessageFlags.Seen, null, new DateTimeOffset(2024, 1, 2, 10, 0, 0, TimeSpan.Zero)),
            new AppendRequest(Bytes(Greetings), MessageFlags.Answered | MessageFlags.Flagged, ["$Work"], new DateTimeOffset(2024, 2, 10, 23, 0, 0, TimeSpan.FromHours(-8))),
            new AppendRequest(Bytes(Report), MessageFlags.Deleted | MessageFlags.Flagged, null, new DateTimeOffset(2024, 3, 15, 12, 0, 0, TimeSpan.Zero)),
            new AppendRequest(Bytes(Large), MessageFlags.Draft | MessageFlags.Flagged, null, new DateTimeOffset(2024, 4, 1, 8, 0, 0, TimeSpan.Zero)),
            new AppendRequest(Bytes(Forward), MessageFlags.None, null, DateTimeOffset.Now),
        ]);
    }

    protected async Task AppendAsync(string folder, IReadOnlyList<AppendRequest> messages) =>
        await SendAsync<MessagesAppended>(new AppendMessages(folder, messages));

    /// <summary>
    /// Sends a command to the account as another session would, and waits until the account has also
    /// told subscribed sessions (it notifies right after replying, in the same step).
    /// </summary>
    protected async Task<T> SendAsync<T>(IAccountCommand command)
    {
        var account = await AccountAsync();
        var probe = CreateTestProbe();
        Region.Tell(new AccountEnvelope(account.Id, command), probe.Ref);
        var reply = probe.ExpectMsg<T>(Wait);
        Region.Tell(new AccountEnvelope(account.Id, new CountSubscribers((await FolderAsync("INBOX")).Id)), probe.Ref);
        probe.ExpectMsg<SubscriberCount>(Wait);
        return reply;
    }

    /// <summary>A signed-in client with INBOX selected (its SELECT responses read).</summary>
    protected Client InInbox(bool rev2 = false)
    {
        var client = Connect();
        client.LogIn();
        if (rev2)
        {
            Assert.Equal("e OK ENABLE completed", client.Run("e", "ENABLE IMAP4rev2")[^1]);
        }
        ClaimRecent();
        Assert.StartsWith("s OK [READ-WRITE]", client.Run("s", "SELECT INBOX")[^1]);
        return client;
    }

    /// <summary>Sends a command whose last argument is a synchronizing literal, waiting for the "+" as a client must.</summary>
    protected static List<string> RunWithLiteral(Client client, string tag, string beforeLiteral, string literal)
    {
        client.Send($"{tag} {beforeLiteral}{{{Encoding.UTF8.GetByteCount(literal)}}}\r\n");
        Assert.StartsWith("+ ", client.ReadLine());
        client.Send(literal + "\r\n");
        return client.ReadUntilTagged(tag);
    }

    /// <summary>The fixture is written with LF line ends; messages on the wire use CRLF.</summary>
    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
}
