using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>Python's standard imaplib, as scripts and small tools use it, against the real executable.</summary>
public sealed class ImaplibTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Imaplib_logs_in_appends_searches_fetches_and_expunges()
    {
        const string script = """
            import imaplib, sys, time
            port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            m = imaplib.IMAP4("127.0.0.1", port)
            m.login(user, password)
            typ, _ = m.create("Py")
            assert typ == "OK", typ
            msg = b"From: Py <py@example.com>\r\nTo: alice@example.com\r\nSubject: from python\r\n\r\nhello from imaplib\r\n"
            typ, data = m.append("Py", "(\\Flagged)", imaplib.Time2Internaldate(time.time()), msg)
            assert typ == "OK", (typ, data)
            typ, data = m.select("Py")
            assert typ == "OK" and data[0] == b"1", (typ, data)
            typ, data = m.search(None, "SUBJECT", '"from python"')
            assert data[0] == b"1", data
            typ, data = m.fetch("1", "(FLAGS BODY.PEEK[TEXT])")
            assert typ == "OK", data
            flags, body = data[0][0], data[0][1]
            assert b"\\Flagged" in flags, flags
            assert body == b"hello from imaplib\r\n", body
            typ, data = m.uid("SEARCH", None, "ALL")
            uid = data[0].split()[0]
            typ, data = m.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
            assert typ == "OK", data
            typ, data = m.expunge()
            assert data[0] == b"1", data
            typ, data = m.status("Py", "(MESSAGES UIDNEXT)")
            assert b"MESSAGES 0" in data[0], data
            m.close()
            typ, data = m.list('""', "*")
            names = [line.decode() for line in data]
            assert any('"Py"' in n or n.endswith(" Py") for n in names), names
            m.logout()
            print("imaplib ok")
            """;
        var result = await ExternalTool.RunAsync("python3", ["-c", script, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "alice@example.com", server.Users["alice@example.com"]]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("imaplib ok", result.Stdout);
    }
}
