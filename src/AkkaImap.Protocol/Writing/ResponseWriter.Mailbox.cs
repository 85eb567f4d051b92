using AkkaImap.Protocol.Responses;

namespace AkkaImap.Protocol.Writing;

// LIST/LSUB/XLIST, STATUS, NAMESPACE, QUOTA, QUOTAROOT, ACL, LISTRIGHTS, MYRIGHTS (RFC 9051 §7.3, RFC 9208 §5, RFC 4314 §3.6-3.8).
public static partial class ResponseWriter
{
    private static bool TryWriteMailboxResponse(ImapWriter writer, ImapResponse response)
    {
        switch (response)
        {
            case ListResponse r:
                WriteList(writer, r);
                return true;
            case StatusResponse r:
                WriteStatus(writer, r);
                return true;
            case NamespaceResponse r:
                writer.WriteRaw("* NAMESPACE "u8);
                WriteNamespaces(writer, r.Personal);
                writer.WriteSpace();
                WriteNamespaces(writer, r.OtherUsers);
                writer.WriteSpace();
                WriteNamespaces(writer, r.Shared);
                return true;
            case QuotaResponse r:
                writer.WriteRaw("* QUOTA "u8);
                writer.WriteAString(r.Root);
                writer.WriteRaw(" ("u8);
                for (var i = 0; i < r.Resources.Count; i++)
                {
                    if (i > 0)
                    {
                        writer.WriteSpace();
                    }
                    var resource = r.Resources[i];
                    writer.WriteAtom(resource.Name);
                    writer.WriteSpace();
                    writer.WriteNumber(resource.Usage);
                    writer.WriteSpace();
                    writer.WriteNumber(resource.Limit);
                }
                writer.WriteByte((byte)')');
                return true;
            case QuotaRootResponse r:
                writer.WriteRaw("* QUOTAROOT "u8);
                writer.WriteMailbox(r.Mailbox);
                foreach (var root in r.Roots)
                {
                    writer.WriteSpace();
                    writer.WriteAString(root);
                }
                return true;
            case AclResponse r:
                writer.WriteRaw("* ACL "u8);
                writer.WriteMailbox(r.Mailbox);
                foreach (var (identifier, rights) in r.Entries)
                {
                    writer.WriteSpace();
                    writer.WriteAString(identifier);
                    writer.WriteSpace();
                    writer.WriteAString(rights);
                }
                return true;
            case ListRightsResponse r:
                writer.WriteRaw("* LISTRIGHTS "u8);
                writer.WriteMailbox(r.Mailbox);
                writer.WriteSpace();
                writer.WriteAString(r.Identifier);
                writer.WriteSpace();
                writer.WriteAString(r.Required);
                foreach (var optional in r.Optional)
                {
                    writer.WriteSpace();
                    writer.WriteAString(optional);
                }
                return true;
            case MyRightsResponse r:
                writer.WriteRaw("* MYRIGHTS "u8);
                writer.WriteMailbox(r.Mailbox);
                writer.WriteSpace();
                writer.WriteAString(r.Rights);
                return true;
            default:
                return false;
        }
    }

    // mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
    //                [SP mbox-list-extended]   (RFC 9051 §9, RFC 5258 §9)
    private static void WriteList(ImapWriter writer, ListResponse r)
    {
        writer.WriteRaw(r.Kind switch
        {
            ListKind.Lsub => "* LSUB "u8,
            ListKind.Xlist => "* XLIST "u8,
            _ => "* LIST "u8,
        });
        writer.WriteAtomList(r.Attributes);
        writer.WriteSpace();
        writer.WriteDelimiter(r.Delimiter);
        writer.WriteSpace();
        writer.WriteMailbox(r.Name);
        if (!r.ChildInfoSubscribed && r.OldName is null)
        {
            return;
        }
        writer.WriteRaw(" ("u8);
        var first = true;
        if (r.ChildInfoSubscribed)
        {
            writer.WriteRaw("\"CHILDINFO\" (\"SUBSCRIBED\")"u8);
            first = false;
        }
        if (r.OldName is not null)
        {
            if (!first)
            {
                writer.WriteSpace();
            }
            writer.WriteRaw("\"OLDNAME\" ("u8);
            writer.WriteMailbox(r.OldName);
            writer.WriteByte((byte)')');
        }
        writer.WriteByte((byte)')');
    }

    private static void WriteStatus(ImapWriter writer, StatusResponse r)
    {
        writer.WriteRaw("* STATUS "u8);
        writer.WriteMailbox(r.Mailbox);
        writer.WriteRaw(" ("u8);
        var first = true;
        foreach (var item in r.Items)
        {
            if (item.Kind == StatusItemKind.MailboxId)
            {
                continue;
            }
            if (!first)
            {
                writer.WriteSpace();
            }
            first = false;
            writer.WriteRaw(item.Kind switch
            {
                StatusItemKind.Messages => "MESSAGES "u8,
                StatusItemKind.Recent => "RECENT "u8,
                StatusItemKind.UidNext => "UIDNEXT "u8,
                StatusItemKind.UidValidity => "UIDVALIDITY "u8,
                StatusItemKind.Unseen => "UNSEEN "u8,
                StatusItemKind.Deleted => "DELETED "u8,
                StatusItemKind.Size => "SIZE "u8,
                StatusItemKind.HighestModSeq => "HIGHESTMODSEQ "u8,
                StatusItemKind.DeletedStorage => "DELETED-STORAGE "u8,
                _ => "APPENDLIMIT "u8,
            });
            if (item.Value is { } value)
            {
                writer.WriteNumber(value);
            }
            else
            {
                writer.WriteNil();
            }
        }
        if (r.MailboxId is not null)
        {
            if (!first)
            {
                writer.WriteSpace();
            }
            writer.WriteRaw("MAILBOXID ("u8);
            writer.WriteAtom(r.MailboxId);
            writer.WriteByte((byte)')');
        }
        writer.WriteByte((byte)')');
    }

    // Namespace = nil / "(" 1*Namespace-Descr ")"  (RFC 9051 §9)
    private static void WriteNamespaces(ImapWriter writer, IReadOnlyList<NamespaceEntry>? entries)
    {
        if (entries is null || entries.Count == 0)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteByte((byte)'(');
        foreach (var entry in entries)
        {
            writer.WriteByte((byte)'(');
            // The prefix is a string, not an astring: always quoted (or literal), never an atom.
            writer.WriteString(Names.MailboxNameEncoding.ToWire(entry.Prefix, writer.Utf8Enabled));
            writer.WriteSpace();
            writer.WriteDelimiter(entry.Delimiter);
            writer.WriteByte((byte)')');
        }
        writer.WriteByte((byte)')');
    }
}
