using System.Text;
using AkkaImap.Protocol.Model;
using MimeKit.Utils;

namespace AkkaImap.Storage.Search;

/// <summary>
/// FROM, TO, CC, BCC and SUBJECT answered from the stored ENVELOPE, so that a search over a large
/// folder reads no message bytes. Envelope strings keep RFC 2047 encoded-words as they appear in
/// the message; they are decoded here before matching (RFC 9051 §6.4.4 searches the text, not
/// its encoding). Addresses are matched against the whole header as a person reads it
/// (<c>Name &lt;local@domain&gt;, ...</c>), so a search for a name, a domain or a full address works.
/// </summary>
public static class EnvelopeText
{
    /// <summary>True for the header fields the envelope carries.</summary>
    public static bool Covers(string field) =>
        field.Equals("From", StringComparison.OrdinalIgnoreCase)
        || field.Equals("To", StringComparison.OrdinalIgnoreCase)
        || field.Equals("Cc", StringComparison.OrdinalIgnoreCase)
        || field.Equals("Bcc", StringComparison.OrdinalIgnoreCase)
        || field.Equals("Subject", StringComparison.OrdinalIgnoreCase);

    /// <summary>The decoded text of a <see cref="Covers">covered</see> field; null when the message has none.</summary>
    public static string? Of(Envelope envelope, string field)
    {
        if (field.Equals("Subject", StringComparison.OrdinalIgnoreCase))
        {
            return envelope.Subject is { } subject ? DecodeText(subject) : null;
        }
        var addresses = field.ToUpperInvariant() switch
        {
            "FROM" => envelope.From,
            "TO" => envelope.To,
            "CC" => envelope.Cc,
            _ => envelope.Bcc,
        };
        return addresses is null ? null : Describe(addresses);
    }

    /// <summary>Unstructured text (Subject) with its encoded-words decoded.</summary>
    public static string DecodeText(string value) =>
        value.Contains("=?", StringComparison.Ordinal) ? Rfc2047.DecodeText(Encoding.UTF8.GetBytes(value)) : value;

    public static string DecodePhrase(string value) =>
        value.Contains("=?", StringComparison.Ordinal) ? Rfc2047.DecodePhrase(Encoding.UTF8.GetBytes(value)) : value;

    /// <summary>An address list as text: <c>Name &lt;a@b&gt;, c@d, group: e@f;</c>.</summary>
    private static string Describe(IReadOnlyList<Address> addresses)
    {
        var text = new StringBuilder();
        foreach (var address in addresses)
        {
            if (address.Host is null)
            {
                // RFC 9051 §7.5.2: a null host marks a group's start (mailbox = its name) or end.
                if (address.Mailbox is { } group)
                {
                    Separate(text);
                    text.Append(DecodePhrase(group)).Append(':');
                }
                else
                {
                    text.Append(';');
                }
                continue;
            }
            Separate(text);
            var mailbox = address.Mailbox is null ? address.Host : address.Mailbox + "@" + address.Host;
            if (address.Name is { } name)
            {
                text.Append(DecodePhrase(name)).Append(" <").Append(mailbox).Append('>');
            }
            else
            {
                text.Append(mailbox);
            }
        }
        return text.ToString();
    }

    private static void Separate(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] != ':')
        {
            text.Append(", ");
        }
        else if (text.Length > 0)
        {
            text.Append(' ');
        }
    }
}
