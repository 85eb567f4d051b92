using System.Text;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

public sealed class SessionLoginTests : SessionTestKit
{
    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Greeting_is_ok_with_capabilities()
    {
        var client = Connect();
        // Connect checked the greeting starts "* OK [CAPABILITY "; CAPABILITY gives the same list.
        Assert.EndsWith("] AkkaImap ready", client.Greeting);
        var lines = client.Run("a", "CAPABILITY");
        Assert.Equal(2, lines.Count);
        Assert.Equal(client.Greeting["* OK [CAPABILITY ".Length..^"] AkkaImap ready".Length], lines[0]["* CAPABILITY ".Length..]);
        Assert.StartsWith("* CAPABILITY IMAP4rev1 IMAP4rev2 ", lines[0]);
        Assert.Equal("a OK CAPABILITY completed", lines[^1]);
    }

    [Fact]
    public void Trusted_plain_connection_offers_starttls_and_auth_plain()
    {
        var client = Connect(connection: Trusted);
        var caps = client.Run("a", "CAPABILITY")[0].Split(' ');
        Assert.Contains("STARTTLS", caps);
        Assert.Contains("AUTH=PLAIN", caps);
        Assert.Contains("SASL-IR", caps);
        Assert.Contains("LITERAL+", caps);
        Assert.DoesNotContain("LOGINDISABLED", caps);
    }

    [Fact]
    public void Untrusted_plain_connection_advertises_logindisabled_and_refuses_login()
    {
        var client = Connect(connection: Untrusted);
        var caps = client.Run("a", "CAPABILITY")[0].Split(' ');
        Assert.Contains("STARTTLS", caps);
        Assert.Contains("LOGINDISABLED", caps);
        Assert.DoesNotContain("AUTH=PLAIN", caps);

        var login = client.Run("b", $"LOGIN {Login} {Password}");
        Assert.StartsWith("b NO [PRIVACYREQUIRED]", login[^1]);
    }

    [Fact]
    public void Login_succeeds_and_returns_full_capabilities()
    {
        var client = Connect();
        var lines = client.Run("a", $"LOGIN {Login} {Password}");
        Assert.StartsWith("a OK [CAPABILITY IMAP4rev1 IMAP4rev2 ", lines[^1]);
        Assert.EndsWith("] Logged in", lines[^1]);
        Assert.Contains(" NAMESPACE ", lines[^1]);
        Assert.DoesNotContain("STARTTLS", lines[^1]);
        Assert.DoesNotContain("AUTH=", lines[^1]);
    }

    [Theory]
    [InlineData("alice@example.com", "wrong")]
    [InlineData("nobody@example.com", "secret")]
    public void Wrong_password_and_unknown_user_fail_alike(string user, string password)
    {
        var client = Connect();
        var lines = client.Run("a", $"LOGIN {user} {password}");
        Assert.Equal(["a NO [AUTHENTICATIONFAILED] Authentication failed"], lines);
        // Still not authenticated.
        Assert.StartsWith("b BAD", client.Run("b", "NAMESPACE")[^1]);
    }

    [Fact]
    public void Authenticate_plain_with_initial_response()
    {
        var client = Connect();
        var lines = client.Run("a", "AUTHENTICATE PLAIN " + Base64($"\0{Login}\0{Password}"));
        Assert.StartsWith("a OK [CAPABILITY ", lines[^1]);
    }

    [Fact]
    public void Authenticate_plain_with_continuation()
    {
        var client = Connect();
        client.Send("a AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", client.ReadLine());
        client.Send(Base64($"{Login}\0{Login}\0{Password}") + "\r\n");
        Assert.StartsWith("a OK [CAPABILITY ", client.ReadUntilTagged("a")[^1]);
    }

    [Fact]
    public void Authenticate_cancelled_with_star_is_bad()
    {
        var client = Connect();
        client.Send("a AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", client.ReadLine());
        client.Send("*\r\n");
        Assert.Equal(["a BAD Authentication cancelled"], client.ReadUntilTagged("a"));
        Assert.Equal("b OK NOOP completed", client.Run("b", "NOOP")[^1]);
    }

    [Fact]
    public void Authenticate_with_bad_base64_is_bad()
    {
        var client = Connect();
        client.Send("a AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", client.ReadLine());
        client.Send("not base64!\r\n");
        Assert.StartsWith("a BAD", client.ReadUntilTagged("a")[^1]);
    }

    [Fact]
    public void Authenticate_as_another_user_is_refused()
    {
        var client = Connect();
        var lines = client.Run("a", "AUTHENTICATE PLAIN " + Base64($"bob@example.com\0{Login}\0{Password}"));
        Assert.Equal(["a NO [AUTHORIZATIONFAILED] Authorization as another user is not allowed"], lines);
    }

    [Fact]
    public void Authenticate_with_an_unknown_mechanism_is_refused()
    {
        var client = Connect();
        Assert.Equal(["a NO Unsupported authentication mechanism"], client.Run("a", "AUTHENTICATE X-UNKNOWN"));
    }

    [Fact]
    public void Authenticate_with_wrong_password_fails()
    {
        var client = Connect();
        var lines = client.Run("a", "AUTHENTICATE PLAIN " + Base64($"\0{Login}\0nope"));
        Assert.Equal(["a NO [AUTHENTICATIONFAILED] Authentication failed"], lines);
    }

    [Fact]
    public void Starttls_drops_pipelined_plaintext_and_then_offers_auth()
    {
        var client = Connect(connection: Untrusted);
        // CVE-2011-0411: "b NOOP" was sent in plaintext behind STARTTLS and must never run.
        client.Send("a STARTTLS\r\nb NOOP\r\n");
        Assert.Equal("a OK Begin TLS negotiation now", client.ReadLine());
        client.ExpectCommand<StartTls>();
        client.Send(new ClientData(Encoding.ASCII.GetBytes("c NOOP\r\n")));
        client.Send(TlsEstablished.Instance);

        var caps = client.Run("d", "CAPABILITY");
        Assert.Equal(2, caps.Count);
        Assert.DoesNotContain("STARTTLS", caps[0]);
        Assert.DoesNotContain("LOGINDISABLED", caps[0]);
        Assert.Contains("AUTH=PLAIN", caps[0]);
        Assert.Equal(["e BAD TLS is already active"], client.Run("e", "STARTTLS"));
        Assert.StartsWith("f OK", client.Run("f", $"LOGIN {Login} {Password}")[^1]);
    }
}
