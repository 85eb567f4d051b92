using System.Text;
using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Owners;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Mailbox;

/// <summary>APPEND (RFC 9051 §6.3.12), MULTIAPPEND (RFC 3502), literal8 (RFC 3516), APPENDUID (RFC 4315).</summary>
public sealed class AppendTests : MailboxTestKit
{
    [Fact]
    public async Task Append_answers_appenduid()
    {
        var validity = await UidValidityAsync("Drafts");
        var client = SignedIn();

        Assert.Equal([$"a OK [APPENDUID {validity} 1] APPEND completed"],
            client.Run("a", $"APPEND Drafts (\\Seen \\Draft $Work) \"01-Jan-2020 10:00:00 +0000\" {{22+}}\r\n{Message}"));
        Assert.Equal(["* STATUS Drafts (MESSAGES 1 UNSEEN 0)", "b OK STATUS completed"], client.Run("b", "STATUS Drafts (MESSAGES UNSEEN)"));
    }

    [Fact]
    public async Task A_large_message_reaches_its_owner_by_reference_and_is_stored_whole()
    {
        // Over MessageStaging.InlineLimit: staged in the store first, the owner gets the handle
        // (the test kit serializes every message, as between nodes).
        var message = "Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 998) + "\r\n", 200));
        var validity = await UidValidityAsync("INBOX");
        var client = SignedIn();

        Assert.Equal([$"a OK [APPENDUID {validity} 1] APPEND completed"],
            client.Run("a", $"APPEND INBOX {{{Encoding.ASCII.GetByteCount(message)}+}}\r\n{message}"));

        var inbox = await FolderAsync("INBOX");
        Assert.Equal(Encoding.ASCII.GetBytes(message), await Store.ReadMessageAsync(inbox.Id, 1));
        Assert.Equal("big", (await Store.GetMessageAsync(inbox.Id, 1))!.Envelope.Subject);
    }

    [Fact]
    public async Task A_MULTIAPPEND_of_bodies_each_under_the_inline_limit_still_fits_one_remoting_frame()
    {
        // Four bodies of 40 KB: each under MessageStaging.InlineLimit, 160 KB together. What the
        // owner gets must fit Akka.Remote's default frame (128,000 bytes) once serialized, or a node
        // would discard it on the way to an owner on another node.
        var messages = Enumerable.Range(1, 4)
            .Select(i => $"Subject: part {i}\r\n\r\n" + string.Concat(Enumerable.Repeat(new string((char)('a' + i), 398) + "\r\n", 100)))
            .ToArray();
        var validity = await UidValidityAsync("INBOX");
        var owner = CreateTestProbe();
        var client = Connect(owners: owner.Ref);
        client.LogIn();

        client.Send("a APPEND INBOX" + string.Concat(messages.Select(m => $" {{{Encoding.ASCII.GetByteCount(m)}+}}\r\n{m}")) + "\r\n");
        var envelope = owner.ExpectMsg<AccountEnvelope>(Wait);
        var wire = new OwnerMessageSerializer((ExtendedActorSystem)Sys).ToBinary(envelope);
        Assert.True(wire.Length < 128_000, $"the APPEND to the owner is {wire.Length} bytes");
        Region.Tell(envelope, client.Session);

        Assert.Equal([$"a OK [APPENDUID {validity} 1:4] APPEND completed"], client.ReadUntilTagged("a"));
        var inbox = await FolderAsync("INBOX");
        for (uint uid = 1; uid <= 4; uid++)
        {
            Assert.Equal(Encoding.ASCII.GetBytes(messages[uid - 1]), await Store.ReadMessageAsync(inbox.Id, uid));
        }
    }

    [Fact]
    public async Task A_MULTIAPPEND_stages_its_bodies_together_not_one_commit_each()
    {
        // 40 bodies of 20 KB: all but three go by reference (MessageStaging). Staged one after
        // another, each waited for a commit of its own: 37 commits before the APPEND's.
        var messages = Enumerable.Range(1, 40)
            .Select(i => $"Subject: part {i}\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 398) + "\r\n", 50)))
            .ToArray();
        var validity = await UidValidityAsync("INBOX");
        var client = SignedIn();
        var commits = Store.CommitCount;

        Assert.Equal([$"a OK [APPENDUID {validity} 1:40] APPEND completed"],
            client.Run("a", "APPEND INBOX" + string.Concat(messages.Select(m => $" {{{Encoding.ASCII.GetByteCount(m)}+}}\r\n{m}"))));

        Assert.Equal(2, Store.CommitCount - commits); // the staging, then the APPEND
        var inbox = await FolderAsync("INBOX");
        Assert.Equal("part 40", (await Store.GetMessageAsync(inbox.Id, 40))!.Envelope.Subject);
    }

    [Fact]
    public async Task Append_with_a_synchronizing_literal_waits_for_the_continuation()
    {
        var validity = await UidValidityAsync("INBOX");
        var client = SignedIn();

        client.Send("a APPEND INBOX {22}\r\n");
        Assert.Equal("+ Ready for literal data", client.ReadLine());
        client.Send(Message + "\r\n");
        Assert.Equal($"a OK [APPENDUID {validity} 1] APPEND completed", client.ReadLine());
    }

    [Fact]
    public async Task Append_into_the_selected_folder_announces_exists()
    {
        var validity = await UidValidityAsync("INBOX");
        var client = SignedIn();
        AssertOk(client.Run("a", "SELECT INBOX"));

        Assert.Equal(["* 1 EXISTS", $"b OK [APPENDUID {validity} 1] APPEND completed"], client.Run("b", $"APPEND INBOX {{22+}}\r\n{Message}"));
        Assert.Equal(["* 2 EXISTS", $"c OK [APPENDUID {validity} 2] APPEND completed"], client.Run("c", $"APPEND inbox {{22+}}\r\n{Message}"));
    }

    [Fact]
    public async Task Multiappend_stores_all_messages_with_consecutive_uids()
    {
        var validity = await UidValidityAsync("Archive");
        var client = SignedIn();

        Assert.Equal([$"a OK [APPENDUID {validity} 1:3] APPEND completed"],
            client.Run("a", $"APPEND Archive {{22+}}\r\n{Message} (\\Deleted) {{22+}}\r\n{Message} {{22+}}\r\n{Message}"));
        Assert.Equal(["* STATUS Archive (MESSAGES 3 DELETED 1)", "b OK STATUS completed"], client.Run("b", "STATUS Archive (MESSAGES DELETED)"));
    }

    [Fact]
    public void Multiappend_stores_nothing_when_one_message_is_refused()
    {
        var client = SignedIn();
        Assert.Equal([@"a BAD [CLIENTBUG] Invalid flag \Bogus"],
            client.Run("a", $"APPEND INBOX {{22+}}\r\n{Message} (\\Bogus) {{22+}}\r\n{Message}"));
        Assert.Equal(["* STATUS INBOX (MESSAGES 0)", "b OK STATUS completed"], client.Run("b", "STATUS INBOX (MESSAGES)"));
    }

    [Fact]
    public void Append_to_a_missing_folder_asks_for_create()
    {
        var client = SignedIn();
        Assert.Equal(["a NO [TRYCREATE] Mailbox does not exist"], client.Run("a", $"APPEND Nowhere {{22+}}\r\n{Message}"));
        Assert.Equal(["b NO [CANNOT] Invalid mailbox name: empty hierarchy level"], client.Run("b", $"APPEND a//b {{22+}}\r\n{Message}"));
    }

    [Fact]
    public void Literal8_content_is_stored_as_sent()
    {
        var client = SignedIn();
        const string binary = "Subject: b\r\nContent-Type: application/octet-stream\r\n\r\n\0\u0001\u0002\r\n";
        AssertOk(client.Run("a", $"APPEND INBOX ~{{{binary.Length}+}}\r\n{binary}"));
        Assert.Equal([$"* STATUS INBOX (MESSAGES 1 SIZE {binary.Length})", "b OK STATUS completed"], client.Run("b", "STATUS INBOX (MESSAGES SIZE)"));
    }

    [Fact]
    public void An_empty_message_is_refused()
    {
        var client = SignedIn();
        Assert.Equal(["a NO [CANNOT] An empty message cannot be saved"], client.Run("a", "APPEND INBOX {0+}\r\n"));
    }

    [Fact]
    public void A_message_over_the_literal_limit_is_refused_with_toobig()
    {
        var settings = Settings with { Limits = Settings.Limits with { MaxLiteral = 100 } };
        var client = SignedIn(settings: settings);

        client.Send("a APPEND INBOX {200}\r\n");
        // RFC 7889 §4: a tagged NO [TOOBIG], before the client sends the literal.
        Assert.Equal("a NO [TOOBIG] Literal too large: the limit is 100 bytes", client.ReadLine());
        Assert.Equal(["b OK NOOP completed"], client.Run("b", "NOOP"));
        Assert.Equal(["* STATUS INBOX (MESSAGES 0)", "c OK STATUS completed"], client.Run("c", "STATUS INBOX (MESSAGES)"));
    }
}
