using Akka.Event;
using AkkaImap.Protocol.Lmtp;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Lmtp;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Lmtp;

/// <summary>
/// What each recipient's reply after DATA says, with a probe in the owner's place: 250 only when
/// the owner answers that the append committed, 451 4.3.0 for anything else (the MTA keeps the message).
/// </summary>
public sealed class LmtpDeliveryTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly byte[] Body = "Subject: x\r\n\r\nhello\r\n"u8.ToArray();

    private (Task<IReadOnlyList<LmtpReply>> Replies, Akka.TestKit.TestProbe Owner) Deliver(string local, TimeSpan? ownerTimeout = null)
    {
        var owner = CreateTestProbe();
        var settings = ImapSettings.Default with { Limits = ImapSettings.Default.Limits with { OwnerReplyTimeout = ownerTimeout ?? TimeSpan.FromSeconds(30) } };
        // The store is only used to stage bodies over 64 KiB.
        var services = new LmtpServices(settings, null!, owner.Ref, null, "mx.test");
        var recipient = new LmtpRecipient(new LmtpAddress(local, "po.test", $"{local}@po.test"), 7);
        var delivery = new LmtpDeliver(new LmtpEnvelope("carol@client.test", [recipient]), Body);
        return (LmtpDelivery.DeliverAsync(services, delivery, NoLogger.Instance), owner);
    }

    private static MessagesAppended Appended() => new(1, 1, [new MessageFlagState(1, MessageFlags.None, [], 1)], []);

    [Fact]
    public async Task A_committed_append_is_250_and_the_copy_carries_Return_Path_and_Delivered_To()
    {
        var (replies, owner) = Deliver("alice");

        var envelope = owner.ExpectMsg<AccountEnvelope>();
        owner.Reply(Appended());

        Assert.Equal(7, envelope.AccountId);
        var append = Assert.IsType<AppendMessages>(envelope.Command);
        Assert.Equal("INBOX", append.FolderName);
        Assert.Equal("Return-Path: <carol@client.test>\r\nDelivered-To: alice@po.test\r\nSubject: x\r\n\r\nhello\r\n",
            System.Text.Encoding.ASCII.GetString(Assert.Single(append.Messages).Content.Span));
        Assert.Equal("250 2.0.0 <alice@po.test> Delivered\r\n", Assert.Single(await replies).ToString());
    }

    [Fact]
    public async Task A_store_failure_is_451_4_3_0()
    {
        var (replies, owner) = Deliver("alice");

        owner.ExpectMsg<AccountEnvelope>();
        owner.Reply(new AccountCommandFailed(AccountFailure.ServerBug, "disk I/O error"));

        Assert.Equal("451 4.3.0 <alice@po.test> Temporary failure, try again later\r\n", Assert.Single(await replies).ToString());
    }

    [Fact]
    public async Task An_owner_that_does_not_answer_in_time_is_451_4_3_0()
    {
        var (replies, owner) = Deliver("alice", TimeSpan.FromMilliseconds(200));

        owner.ExpectMsg<AccountEnvelope>();

        Assert.Equal("451 4.3.0 <alice@po.test> Temporary failure, try again later\r\n", Assert.Single(await replies).ToString());
    }

    [Fact]
    public async Task A_detail_without_its_folder_falls_back_to_INBOX()
    {
        var (replies, owner) = Deliver("alice+lists");

        Assert.Equal("lists", Assert.IsType<AppendMessages>(owner.ExpectMsg<AccountEnvelope>().Command).FolderName);
        owner.Reply(new AccountCommandFailed(AccountFailure.TryCreate, "Mailbox does not exist"));
        Assert.Equal("INBOX", Assert.IsType<AppendMessages>(owner.ExpectMsg<AccountEnvelope>().Command).FolderName);
        owner.Reply(Appended());

        Assert.Equal("250 2.0.0 <alice+lists@po.test> Delivered\r\n", Assert.Single(await replies).ToString());
    }
}
