using AkkaImap.Protocol.Responses;
using Xunit;

namespace AkkaImap.Protocol.Tests.Writing;

/// <summary>
/// LIST, STATUS, NAMESPACE and QUOTA. Mailbox names are astrings: where an RFC example quotes a
/// name that is a valid atom, we send the atom, which every parser reads the same way.
/// </summary>
public sealed class MailboxResponseTests
{
    [Fact]
    public void List_from_rfc3501()
    {
        Assert.Equal("* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n",
            Wire.Of(new ListResponse("~/Mail/foo", '/', ["\\Noselect"])));
    }

    [Fact]
    public void Lsub_and_xlist_use_their_own_verbs()
    {
        Assert.Equal("* LSUB () \".\" #news.comp.mail.misc\r\n",
            Wire.Of(new ListResponse("#news.comp.mail.misc", '.', []) { Kind = ListKind.Lsub }));
        Assert.Equal("* XLIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n",
            Wire.Of(new ListResponse("Sent Items", '/', ["\\HasNoChildren", "\\Sent"]) { Kind = ListKind.Xlist }));
    }

    [Fact]
    public void A_flat_namespace_has_a_nil_delimiter_and_a_backslash_delimiter_is_escaped()
    {
        Assert.Equal("* LIST (\\Noselect) NIL \"\"\r\n", Wire.Of(new ListResponse("", null, ["\\Noselect"])));
        Assert.Equal("* LIST () \"\\\\\" INBOX\r\n", Wire.Of(new ListResponse("INBOX", '\\', [])));
    }

    [Fact]
    public void List_extended_data_childinfo_and_oldname()
    {
        Assert.Equal("* LIST (\\HasChildren) \"/\" Fruit (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
            Wire.Of(new ListResponse("Fruit", '/', ["\\HasChildren"]) { ChildInfoSubscribed = true }));
        Assert.Equal("* LIST () \"/\" NewName (\"OLDNAME\" (OldName))\r\n",
            Wire.Of(new ListResponse("NewName", '/', []) { OldName = "OldName" }));
        Assert.Equal("* LIST () \"/\" a (\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" (b))\r\n",
            Wire.Of(new ListResponse("a", '/', []) { ChildInfoSubscribed = true, OldName = "b" }));
    }

    [Fact]
    public void List_sends_international_names_per_session()
    {
        var list = new ListResponse("Ent\u00fcrfe/\u65e5\u672c", '/', ["\\HasNoChildren"]);

        Assert.Equal("* LIST (\\HasNoChildren) \"/\" Ent&APw-rfe/&ZeVnLA-\r\n", Wire.Of(list));
        Assert.Equal("* LIST (\\HasNoChildren) \"/\" \"Ent\u00fcrfe/\u65e5\u672c\"\r\n", Wire.Of(list, utf8: true));
    }

    [Fact]
    public void Status_from_rfc3501()
    {
        Assert.Equal("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
            Wire.Of(new StatusResponse("blurdybloop",
            [
                new(StatusItemKind.Messages, 231),
                new(StatusItemKind.UidNext, 44292),
            ])));
    }

    [Fact]
    public void Status_with_every_item()
    {
        var status = new StatusResponse("Sent Items",
        [
            new(StatusItemKind.Messages, 3),
            new(StatusItemKind.Recent, 0),
            new(StatusItemKind.UidNext, 4),
            new(StatusItemKind.UidValidity, 1700000000),
            new(StatusItemKind.Unseen, 1),
            new(StatusItemKind.Deleted, 0),
            new(StatusItemKind.Size, 123456),
            new(StatusItemKind.HighestModSeq, 90),
            new(StatusItemKind.AppendLimit, null),
        ])
        { MailboxId = "F2212ea87" };

        Assert.Equal(
            "* STATUS \"Sent Items\" (MESSAGES 3 RECENT 0 UIDNEXT 4 UIDVALIDITY 1700000000 UNSEEN 1 DELETED 0 "
            + "SIZE 123456 HIGHESTMODSEQ 90 APPENDLIMIT NIL MAILBOXID (F2212ea87))\r\n",
            Wire.Of(status));
    }

    [Fact]
    public void Namespace_personal_and_shared()
    {
        Assert.Equal("* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))\r\n",
            Wire.Of(new NamespaceResponse([new("", '/')], null, [new("Public Folders/", '/')])));
        Assert.Equal("* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#news.\" \".\"))\r\n",
            Wire.Of(new NamespaceResponse([new("", '/')], [new("~", '/')], [new("#shared/", '/'), new("#news.", '.')])));
        Assert.Equal("* NAMESPACE NIL NIL NIL\r\n", Wire.Of(new NamespaceResponse([], null, null)));
    }

    [Fact]
    public void Quota_and_quotaroot_from_rfc9208()
    {
        Assert.Equal("* QUOTAROOT INBOX \"\"\r\n", Wire.Of(new QuotaRootResponse("INBOX", [""])));
        Assert.Equal("* QUOTAROOT comp.mail.mime\r\n", Wire.Of(new QuotaRootResponse("comp.mail.mime", [])));
        Assert.Equal("* QUOTA \"\" (STORAGE 10 512)\r\n",
            Wire.Of(new QuotaResponse("", [new("STORAGE", 10, 512)])));
        Assert.Equal("* QUOTA #user/alice (STORAGE 54 111 MESSAGE 42 1000)\r\n",
            Wire.Of(new QuotaResponse("#user/alice", [new("STORAGE", 54, 111), new("MESSAGE", 42, 1000)])));
    }

    [Fact]
    public void Acl_listrights_and_myrights_from_rfc4314() // RFC 4314 §3.6-3.8
    {
        Assert.Equal("* ACL INBOX Fred rwipsldexta\r\n", Wire.Of(new AclResponse("INBOX", [("Fred", "rwipsldexta")])));
        Assert.Equal("* ACL \"Public Folders/News\" anyone lrs alice@example.com a\r\n",
            Wire.Of(new AclResponse("Public Folders/News", [("anyone", "lrs"), ("alice@example.com", "a")])));
        Assert.Equal("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n", Wire.Of(new ListRightsResponse("~/Mail/saved", "smith", "la", ["r", "swicdkxte"])));
        Assert.Equal("* LISTRIGHTS News anyone \"\" l r\r\n", Wire.Of(new ListRightsResponse("News", "anyone", "", ["l", "r"])));
        Assert.Equal("* MYRIGHTS INBOX rwiptsldaex\r\n", Wire.Of(new MyRightsResponse("INBOX", "rwiptsldaex")));
    }
}
