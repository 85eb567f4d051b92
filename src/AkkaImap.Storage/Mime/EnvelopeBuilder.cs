using AkkaImap.Protocol.Model;
using MimeKit;

namespace AkkaImap.Storage.Mime;

/// <summary>Builds ENVELOPE (RFC 9051 §7.5.2) from a parsed message.</summary>
internal static class EnvelopeBuilder
{
    public static Envelope Build(MimeMessage message)
    {
        var h = message.Headers;
        var from = Addresses(h, HeaderId.From, message.From);
        // RFC 9051 §7.5.2: absent or empty Sender / Reply-To take the value of From.
        var sender = Addresses(h, HeaderId.Sender, message.Sender is { } s ? new InternetAddressList([s]) : null) ?? from;
        var replyTo = Addresses(h, HeaderId.ReplyTo, message.ReplyTo) ?? from;
        return new Envelope(
            HeaderText.Raw(h, HeaderId.Date),
            HeaderText.Raw(h, HeaderId.Subject),
            from,
            sender,
            replyTo,
            Addresses(h, HeaderId.To, message.To),
            Addresses(h, HeaderId.Cc, message.Cc),
            Addresses(h, HeaderId.Bcc, message.Bcc),
            HeaderText.Raw(h, HeaderId.InReplyTo),
            HeaderText.Raw(h, HeaderId.MessageId));
    }

    /// <summary>The address list of a header, or null (NIL) when the header is absent or yields no address.</summary>
    private static IReadOnlyList<Address>? Addresses(HeaderList headers, HeaderId id, InternetAddressList? parsed)
    {
        if (!headers.Contains(id) || parsed is null || parsed.Count == 0) return null;
        var result = new List<Address>();
        foreach (var address in parsed) Add(result, address);
        return result.Count == 0 ? null : result;
    }

    private static void Add(List<Address> result, InternetAddress address)
    {
        switch (address)
        {
            case GroupAddress group:
                // RFC 9051 §7.5.2: group start (mailbox = group name, host NIL), members, group end.
                result.Add(Address.GroupStart(HeaderText.Ascii(group.Name ?? "")));
                foreach (var member in group.Members) Add(result, member);
                result.Add(Address.GroupEnd);
                break;
            case MailboxAddress mailbox:
                var name = string.IsNullOrEmpty(mailbox.Name) ? null : HeaderText.Ascii(mailbox.Name);
                var adl = mailbox.Route.Count == 0 ? null : string.Join(",", mailbox.Route.Select(r => "@" + r));
                var local = string.IsNullOrEmpty(mailbox.LocalPart) ? null : mailbox.LocalPart;
                var host = string.IsNullOrEmpty(mailbox.Domain) ? null : mailbox.Domain;
                result.Add(new Address(name, adl, local, host));
                break;
        }
    }
}
