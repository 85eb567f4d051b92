using AkkaImap.Protocol.Responses;
using Xunit;

namespace AkkaImap.Protocol.Tests.Writing;

/// <summary>Status, continuation and simple untagged responses; examples from RFC 3501/9051 §7.</summary>
public sealed class StatusResponseTests
{
    [Fact]
    public void Tagged_ok_with_a_code() =>
        Assert.Equal("A142 OK [READ-WRITE] SELECT completed\r\n",
            Wire.Of(new TaggedStatusResponse("A142", StatusKind.Ok, "SELECT completed", ResponseCode.ReadWrite)));

    [Fact]
    public void Tagged_no_and_bad_without_a_code()
    {
        Assert.Equal("A223 NO COPY failed: disk is full\r\n",
            Wire.Of(new TaggedStatusResponse("A223", StatusKind.No, "COPY failed: disk is full")));
        Assert.Equal("a BAD Unknown command\r\n",
            Wire.Of(new TaggedStatusResponse("a", StatusKind.Bad, "Unknown command")));
    }

    [Fact]
    public void Untagged_conditions()
    {
        Assert.Equal("* OK [ALERT] System shutdown in 10 minutes\r\n",
            Wire.Of(new UntaggedStatusResponse(StatusKind.Ok, "System shutdown in 10 minutes", ResponseCode.Alert)));
        Assert.Equal("* NO Disk is 98% full, please delete unnecessary data\r\n",
            Wire.Of(new UntaggedStatusResponse(StatusKind.No, "Disk is 98% full, please delete unnecessary data")));
        Assert.Equal("* BAD Command line too long\r\n",
            Wire.Of(new UntaggedStatusResponse(StatusKind.Bad, "Command line too long")));
        Assert.Equal("* PREAUTH IMAP4rev1 server logged in as Smith\r\n",
            Wire.Of(new UntaggedStatusResponse(StatusKind.PreAuth, "IMAP4rev1 server logged in as Smith")));
        Assert.Equal("* BYE Autologout; idle for too long\r\n",
            Wire.Of(new UntaggedStatusResponse(StatusKind.Bye, "Autologout; idle for too long")));
    }

    [Fact]
    public void Empty_text_writes_nothing_after_the_code()
    {
        Assert.Equal("* OK [CLOSED]\r\n", Wire.Of(new UntaggedStatusResponse(StatusKind.Ok, "", ResponseCode.Closed)));
    }

    [Fact]
    public void Text_cannot_inject_a_second_line()
    {
        Assert.Equal("a NO x  * OK fake\r\n",
            Wire.Of(new TaggedStatusResponse("a", StatusKind.No, "x\r\n* OK fake")));
    }

    [Fact]
    public void Continuations()
    {
        Assert.Equal("+ Ready for additional command text\r\n",
            Wire.Of(new ContinuationResponse("Ready for additional command text")));
        Assert.Equal("+ \r\n", Wire.Of(new SaslChallengeResponse(ReadOnlyMemory<byte>.Empty)));
        Assert.Equal("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+\r\n",
            Wire.Of(new SaslChallengeResponse("<1896.697170952@postoffice.example.net>"u8.ToArray())));
    }

    [Fact]
    public void Capability_enabled_and_id()
    {
        Assert.Equal("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI XPIG-LATIN\r\n",
            Wire.Of(new CapabilityResponse(["IMAP4rev1", "STARTTLS", "AUTH=GSSAPI", "XPIG-LATIN"])));
        Assert.Equal("* ENABLED CONDSTORE QRESYNC\r\n", Wire.Of(new EnabledResponse(["CONDSTORE", "QRESYNC"])));
        Assert.Equal("* ENABLED\r\n", Wire.Of(new EnabledResponse([])));
        Assert.Equal("* ID NIL\r\n", Wire.Of(new IdResponse(null)));
        Assert.Equal("* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" NIL)\r\n",
            Wire.Of(new IdResponse(
            [
                new("name", "Cyrus"),
                new("version", "1.5"),
                new("os", null),
            ])));
    }

    [Fact]
    public void Mailbox_size_and_message_status()
    {
        Assert.Equal("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
            Wire.Of(new FlagsResponse(["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"])));
        Assert.Equal("* 23 EXISTS\r\n", Wire.Of(new ExistsResponse(23)));
        Assert.Equal("* 5 RECENT\r\n", Wire.Of(new RecentResponse(5)));
        Assert.Equal("* 44 EXPUNGE\r\n", Wire.Of(new ExpungeResponse(44)));
        Assert.Equal("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n",
            Wire.Of(new VanishedResponse("41,43:116,118,120:211,214:540", Earlier: true)));
        Assert.Equal("* VANISHED 405,407,410,425\r\n", Wire.Of(new VanishedResponse("405,407,410,425")));
    }

    public static TheoryData<ResponseCode, string> Codes => new()
    {
        { ResponseCode.Alert, "ALERT" },
        { new BadCharsetCode(["UTF-8", "US-ASCII"]), "BADCHARSET (UTF-8 US-ASCII)" },
        { new BadCharsetCode([]), "BADCHARSET" },
        { new BadCharsetCode(["x]y"]), "BADCHARSET (\"x]y\")" },
        { ResponseCode.CompressionActive, "COMPRESSIONACTIVE" },
        { new CapabilityCode(["IMAP4rev2", "IDLE"]), "CAPABILITY IMAP4rev2 IDLE" },
        { ResponseCode.Parse, "PARSE" },
        { new PermanentFlagsCode(["\\Deleted", "\\Seen", "\\*"]), "PERMANENTFLAGS (\\Deleted \\Seen \\*)" },
        { new PermanentFlagsCode([]), "PERMANENTFLAGS ()" },
        { ResponseCode.ReadOnly, "READ-ONLY" },
        { ResponseCode.ReadWrite, "READ-WRITE" },
        { ResponseCode.TryCreate, "TRYCREATE" },
        { new UidNextCode(4392), "UIDNEXT 4392" },
        { new UidValidityCode(3857529045), "UIDVALIDITY 3857529045" },
        { new UnseenCode(12), "UNSEEN 12" },
        { new AppendUidCode(38505, "3955"), "APPENDUID 38505 3955" },
        { new CopyUidCode(38505, "304,319:320", "3956:3958"), "COPYUID 38505 304,319:320 3956:3958" },
        { ResponseCode.UidNotSticky, "UIDNOTSTICKY" },
        { new HighestModSeqCode(715194045007), "HIGHESTMODSEQ 715194045007" },
        { ResponseCode.NoModSeq, "NOMODSEQ" },
        { new ModifiedCode("7,9"), "MODIFIED 7,9" },
        { ResponseCode.Closed, "CLOSED" },
        { ResponseCode.AlreadyExists, "ALREADYEXISTS" },
        { ResponseCode.NonExistent, "NONEXISTENT" },
        { ResponseCode.AuthenticationFailed, "AUTHENTICATIONFAILED" },
        { ResponseCode.AuthorizationFailed, "AUTHORIZATIONFAILED" },
        { ResponseCode.Expired, "EXPIRED" },
        { ResponseCode.PrivacyRequired, "PRIVACYREQUIRED" },
        { ResponseCode.ContactAdmin, "CONTACTADMIN" },
        { ResponseCode.NoPerm, "NOPERM" },
        { ResponseCode.InUse, "INUSE" },
        { ResponseCode.ExpungeIssued, "EXPUNGEISSUED" },
        { ResponseCode.Corruption, "CORRUPTION" },
        { ResponseCode.ServerBug, "SERVERBUG" },
        { ResponseCode.ClientBug, "CLIENTBUG" },
        { ResponseCode.Cannot, "CANNOT" },
        { ResponseCode.Limit, "LIMIT" },
        { ResponseCode.OverQuota, "OVERQUOTA" },
        { ResponseCode.Unavailable, "UNAVAILABLE" },
        { ResponseCode.UseAttr, "USEATTR" },
        { ResponseCode.HasChildren, "HASCHILDREN" },
        { ResponseCode.NotSaved, "NOTSAVED" },
        { ResponseCode.TooBig, "TOOBIG" },
        { new MailboxIdCode("F2212ea87-6097-4256-9d51-71338625"), "MAILBOXID (F2212ea87-6097-4256-9d51-71338625)" },
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_response_code_is_written_in_brackets(ResponseCode code, string expected)
    {
        Assert.Equal($"t1 NO [{expected}] text\r\n", Wire.Of(new TaggedStatusResponse("t1", StatusKind.No, "text", code)));
    }
}
