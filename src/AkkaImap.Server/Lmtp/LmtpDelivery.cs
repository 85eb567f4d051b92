using System.Text;
using Akka.Actor;
using Akka.Event;
using AkkaImap.Protocol.Lmtp;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Storage;

namespace AkkaImap.Server.Lmtp;

/// <summary>
/// Delivers one LMTP message to its recipients: each copy gets its own <c>Return-Path</c> and
/// <c>Delivered-To</c> (RFC 5321 §4.4) and goes to the mailbox's owner as an
/// <see cref="AppendMessages"/>, exactly as IMAP APPEND does (bodies over 64 KiB staged in the
/// store first, so no message outgrows a remoting frame). The copies go out together, so the
/// store's writer commits them in one group. A reply is 250 only once the owner has answered
/// that the append is committed; anything else is 451 4.3.0 and the MTA keeps the message.
/// </summary>
internal static class LmtpDelivery
{
    public const string Inbox = "INBOX";

    public static async Task<IReadOnlyList<LmtpReply>> DeliverAsync(LmtpServices services, LmtpDeliver delivery, ILoggingAdapter log)
    {
        var now = DateTimeOffset.Now;
        var envelope = delivery.Envelope;
        var tasks = new Task<LmtpReply>[envelope.Recipients.Count];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = DeliverOneAsync(services, envelope.ReversePath, envelope.Recipients[i], delivery.Body, now, log);
        }
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>The folder for <c>user+detail</c>: <c>detail</c> when it names one (tried first), else INBOX.</summary>
    public static string FolderFor(LmtpAddress address, string delimiter)
    {
        var (_, detail) = address.SplitDetail(delimiter);
        return detail is null || detail.Length == 0 || detail.Any(char.IsControl) ? Inbox : detail;
    }

    private static async Task<LmtpReply> DeliverOneAsync(LmtpServices services, string reversePath, LmtpRecipient recipient, ReadOnlyMemory<byte> body,
        DateTimeOffset now, ILoggingAdapter log)
    {
        string address = recipient.Address.Text;
        try
        {
            var content = Compose(reversePath, address, body);
            var request = new AppendRequest(content, InternalDate: now);
            if (content.Length > MessageStaging.InlineLimit)
            {
                request = request with { Content = ReadOnlyMemory<byte>.Empty, StagedBodyId = await services.Store.StageMessageAsync(content).ConfigureAwait(false) };
            }
            string folder = FolderFor(recipient.Address, services.Settings.Lmtp.RecipientDelimiter);
            var reply = await AppendAsync(services, recipient.Mailbox, folder, request).ConfigureAwait(false);
            if (reply is AccountCommandFailed { Code: AccountFailure.TryCreate } && folder != Inbox)
            {
                // No folder named after the detail: INBOX (the owner refused before taking the staged body).
                folder = Inbox;
                reply = await AppendAsync(services, recipient.Mailbox, folder, request).ConfigureAwait(false);
            }
            switch (reply)
            {
                case MessagesAppended appended:
                    log.Info("lmtp: delivered {0} bytes for <{1}> into {2} (uid {3})", content.Length, address, folder, appended.Messages[0].Uid);
                    return new LmtpReply(250, "2.0.0", $"<{address}> Delivered");
                case AccountCommandFailed failed:
                    log.Warning("lmtp: delivery for <{0}> into {1} refused: {2} {3}", address, folder, failed.Code, failed.Text);
                    return LmtpReply.TemporaryFailure($"<{address}> Temporary failure, try again later");
                default:
                    log.Warning("lmtp: delivery for <{0}>: unexpected reply {1}", address, reply.GetType().Name);
                    return LmtpReply.TemporaryFailure($"<{address}> Temporary failure, try again later");
            }
        }
        catch (Exception ex)
        {
            // The store failed, or the owner did not answer within limits.owner-reply-timeout:
            // the MTA keeps the message (a late commit may deliver it twice; never zero times).
            log.Warning("lmtp: delivery for <{0}> failed: {1}", address, ex.Message);
            return LmtpReply.TemporaryFailure($"<{address}> Temporary failure, try again later");
        }
    }

    private static Task<IAccountReply> AppendAsync(LmtpServices services, long accountId, string folder, AppendRequest request) =>
        services.Owners.Ask<IAccountReply>(
            new AccountEnvelope(accountId, new AppendMessages(folder, [request])),
            services.Settings.Limits.OwnerReplyTimeout);

    /// <summary>The trace fields of the final delivery (RFC 5321 §4.4) in front of the message as received.</summary>
    internal static byte[] Compose(string reversePath, string recipient, ReadOnlyMemory<byte> body)
    {
        var header = Encoding.UTF8.GetBytes($"Return-Path: <{reversePath}>\r\nDelivered-To: {recipient}\r\n");
        var content = new byte[header.Length + body.Length];
        header.CopyTo(content, 0);
        body.Span.CopyTo(content.AsSpan(header.Length));
        return content;
    }
}
