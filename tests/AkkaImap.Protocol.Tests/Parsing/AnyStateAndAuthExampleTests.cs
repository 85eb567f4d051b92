using AkkaImap.Protocol.Commands;
using Xunit;
using static AkkaImap.Protocol.Tests.Parsing.Wire;

namespace AkkaImap.Protocol.Tests.Parsing;

/// <summary>Examples of RFC 9051 §6.1–§6.2, RFC 3501, RFC 4959, RFC 2971, RFC 4978, RFC 5161.</summary>
public sealed class AnyStateAndAuthExampleTests
{
    [Fact]
    public void Capability_noop_logout_starttls() // RFC 9051 §6.1.1-§6.1.3, §6.2.1
    {
        Assert.Equal("abcd", Parse<CapabilityCommand>("abcd CAPABILITY\r\n").Tag);
        Assert.Equal("a002", Parse<NoopCommand>("a002 NOOP\r\n").Tag);
        Assert.Equal("A023", Parse<LogoutCommand>("A023 LOGOUT\r\n").Tag);
        Assert.Equal("a002", Parse<StartTlsCommand>("a002 STARTTLS\r\n").Tag);
    }

    [Fact]
    public void Command_names_are_case_insensitive()
    {
        Parse<NoopCommand>("x1 noop\r\n");
        Parse<SelectCommand>("x2 sElEcT inbox\r\n");
        Parse<FetchCommand>("x3 uid fetch 1 flags\r\n");
    }

    [Fact]
    public void Login_with_atoms() // RFC 9051 §6.2.3
    {
        var login = Parse<LoginCommand>("a001 LOGIN SMITH SESAME\r\n");
        Assert.Equal(("SMITH", "SESAME"), (login.UserName, login.Password));
    }

    [Fact]
    public void Login_with_synchronizing_literals() // RFC 9051 §4.3, §7.5
    {
        var login = Parse<LoginCommand>("A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n");
        Assert.Equal(("FRED FOOBAR", "fat man"), (login.UserName, login.Password));
    }

    [Fact]
    public void Login_with_quoted_strings_and_escapes()
    {
        var login = Parse<LoginCommand>("a LOGIN \"joe@example.com\" \"p\\\"w\\\\d\"\r\n");
        Assert.Equal(("joe@example.com", "p\"w\\d"), (login.UserName, login.Password));
    }

    [Fact]
    public void Authenticate_without_initial_response() // RFC 9051 §6.2.2
    {
        var auth = Parse<AuthenticateCommand>("A001 AUTHENTICATE GSSAPI\r\n");
        Assert.Equal("GSSAPI", auth.Mechanism);
        Assert.Null(auth.InitialResponse);
    }

    [Fact]
    public void Authenticate_with_sasl_ir() // RFC 4959 §3
    {
        var auth = Parse<AuthenticateCommand>("a01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n");
        Assert.Equal(("PLAIN", "dGVzdAB0ZXN0AHRlc3Q="), (auth.Mechanism, auth.InitialResponse));
        var empty = Parse<AuthenticateCommand>("a02 authenticate external =\r\n");
        Assert.Equal(("EXTERNAL", ""), (empty.Mechanism, empty.InitialResponse));
    }

    [Fact]
    public void Enable() // RFC 5161 §3.1
    {
        Assert.Equal(["CONDSTORE", "X-GOOD-IDEA"], Parse<EnableCommand>("t2 ENABLE CONDSTORE X-GOOD-IDEA\r\n").Capabilities);
        Assert.Equal(["UTF8=ACCEPT"], Parse<EnableCommand>("t3 ENABLE UTF8=ACCEPT\r\n").Capabilities);
    }

    [Fact]
    public void Id_with_parameters_and_nil() // RFC 2971 §3.1
    {
        var id = Parse<IdCommand>("a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\")\r\n");
        Assert.Equal(
            [new("name", "sodr"), new("version", "19.34"), new("vendor", "Pink Floyd Music Limited")],
            id.Parameters!);
        Assert.Null(Parse<IdCommand>("a023 ID NIL\r\n").Parameters);
        Assert.Equal([new("os", null)], Parse<IdCommand>("b ID (\"os\" NIL)\r\n").Parameters!);
    }

    [Fact]
    public void Compress() // RFC 4978 §4
    {
        Assert.Equal("DEFLATE", Parse<CompressCommand>("a COMPRESS DEFLATE\r\n").Mechanism);
    }

    [Fact]
    public void Namespace_and_idle() // RFC 9051 §6.3.10, §6.3.13
    {
        Parse<NamespaceCommand>("A001 NAMESPACE\r\n");
        Parse<IdleCommand>("A002 IDLE\r\n");
    }

    [Fact]
    public void Quota_commands() // RFC 9208 §4
    {
        Assert.Equal("!partition/sda4", Parse<GetQuotaCommand>("G0001 GETQUOTA \"!partition/sda4\"\r\n").Root);
        Assert.Equal("INBOX", Parse<GetQuotaRootCommand>("A003 GETQUOTAROOT INBOX\r\n").Mailbox);
        var set = Parse<SetQuotaCommand>("S0000 SETQUOTA \"#user/alice\" (Storage 510)\r\n");
        Assert.Equal("#user/alice", set.Root);
        Assert.Equal([new QuotaLimit("STORAGE", 510)], set.Limits);
        Assert.Empty(Parse<SetQuotaCommand>("S0001 SETQUOTA \"\" ()\r\n").Limits);
    }

    [Fact]
    public void Acl_commands_from_rfc4314() // RFC 4314 §3
    {
        Assert.Equal(new SetAclCommand("A035", "INBOX/Drafts", "John", "lrQswicda"), Parse<SetAclCommand>("A035 SETACL INBOX/Drafts John lrQswicda\r\n"));
        Assert.Equal("-w", Parse<SetAclCommand>("A036 SETACL INBOX/Drafts anyone -w\r\n").Rights);
        Assert.Equal(new DeleteAclCommand("A034", "INBOX/Drafts", "Fred"), Parse<DeleteAclCommand>("A034 DELETEACL INBOX/Drafts Fred\r\n"));
        Assert.Equal(new GetAclCommand("A002", "INBOX"), Parse<GetAclCommand>("A002 GETACL INBOX\r\n"));
        Assert.Equal(new ListRightsCommand("a001", "~/Mail/saved", "smith"), Parse<ListRightsCommand>("a001 LISTRIGHTS ~/Mail/saved smith\r\n"));
        Assert.Equal(new MyRightsCommand("A003", "Public Folders/News"), Parse<MyRightsCommand>("A003 MYRIGHTS \"Public Folders/News\"\r\n"));
    }
}
