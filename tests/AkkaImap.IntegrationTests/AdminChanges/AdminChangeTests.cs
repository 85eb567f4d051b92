using System.Diagnostics;
using System.Text;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.AdminChanges;

/// <summary>
/// Admin commands run while <c>serve</c> runs take effect within a second (SPEC.md, Operator
/// interface): the sessions of a removed mailbox or post office hear <c>* BYE</c> at once, idle or
/// not; a removed public folder ends the sessions that have it selected and leaves the others'
/// LIST; switching a post office's public folders off ends the sessions inside one; a new password
/// counts at the next login. (The unlock case is <c>LockoutTests</c>.) Times are measured from the
/// CLI's exit to the moment the client saw the connection close. Run against both stores: the
/// SQLite store wakes the server through its signal file, the PostgreSQL store through NOTIFY.
/// </summary>
public abstract class AdminChangeContract(AdminChangeServer server)
{
    /// <summary>What SPEC.md promises.</summary>
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    /// <summary>Bounds each wait so that a broken server fails the test rather than hanging it; not the promise.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private Task<RawImapClient> LoginAsync(string login) => RawImapClient.LoginAsync(server.Port, login, server.PasswordOf(login));

    [Fact]
    public async Task Removing_a_mailbox_says_bye_to_its_sessions_idle_or_not_and_it_can_no_longer_log_in()
    {
        var dave = AdminChangeServer.Dave;
        await using var selected = await LoginAsync(dave);
        const string Mail = "Subject: kept mail\r\n\r\nA mailbox that holds mail is removed all the same.\r\n";
        await selected.OkAsync("a", $"APPEND INBOX {{{Mail.Length}+}}\r\n{Mail}");
        await selected.OkAsync("s", "SELECT INBOX");
        await using var other = await LoginAsync("alice@example.com");
        await other.OkAsync("s", "SELECT INBOX");
        var idleWatch = new ContinuationWatch("+ idling");
        using var idler = await MailKitAsync(dave, idleWatch);
        await idler.Inbox.OpenAsync(FolderAccess.ReadWrite);
        // MailKit wants a token it could cancel; this one never is: the server ends the IDLE.
        using var neverDone = new CancellationTokenSource();
        var idleEnded = IdleUntilClosedAsync(idler, neverDone.Token);
        await idleWatch.Seen.WaitAsync(Deadline);
        var selectedClosed = UntilClosedAsync(selected);

        await server.CliAsync("", "mailbox", "remove", dave, "--force");
        var cliExited = Stopwatch.GetTimestamp();

        var (lines, closedAt) = await selectedClosed.WaitAsync(Deadline);
        Assert.Equal(["* BYE Mailbox removed"], lines);
        WithinOneSecond(cliExited, closedAt, "the selected session");
        WithinOneSecond(cliExited, await idleEnded.WaitAsync(Deadline), "the idling MailKit session");
        Assert.False(idler.IsConnected);
        Assert.Contains("* BYE Mailbox removed", idleWatch.Received, StringComparison.Ordinal);

        await using var again = await RawImapClient.ConnectAsync(server.Port);
        Assert.StartsWith("l NO ", (await again.RunAsync("l", $"LOGIN {dave} {server.PasswordOf(dave)}"))[^1]);
        // Another mailbox's session is not touched.
        Assert.StartsWith("n OK ", (await other.RunAsync("n", "NOOP"))[^1]);
    }

    [Fact]
    public async Task Removing_a_post_office_by_force_says_bye_to_its_sessions()
    {
        await using var ivan = await LoginAsync(AdminChangeServer.Ivan);
        var closed = UntilClosedAsync(ivan);

        await server.CliAsync("", "postoffice", "remove", AdminChangeServer.QuitOffice, "--force");
        var cliExited = Stopwatch.GetTimestamp();

        var (lines, closedAt) = await closed.WaitAsync(Deadline);
        Assert.StartsWith("* BYE ", Assert.Single(lines));
        WithinOneSecond(cliExited, closedAt, "ivan's session");
    }

    [Fact]
    public async Task A_removed_public_folder_ends_the_session_that_has_it_selected_and_leaves_the_others_list()
    {
        var name = "Gone" + Guid.NewGuid().ToString("N")[..6];
        await server.CliAsync("", "publicfolder", "add", AdminChangeServer.PostOffice, name);
        await using var alice = await LoginAsync("alice@example.com");
        await alice.OkAsync("s", $"SELECT \"Public Folders/{name}\"");
        await using var bob = await LoginAsync("bob@example.com");
        await bob.OkAsync("s", "SELECT INBOX");
        Assert.Contains(await bob.OkAsync("l", "LIST \"\" \"Public Folders/*\""), l => l.Contains(name, StringComparison.Ordinal));
        var aliceClosed = UntilClosedAsync(alice);

        await server.CliAsync("", "publicfolder", "remove", AdminChangeServer.PostOffice, name);
        var cliExited = Stopwatch.GetTimestamp();

        var (lines, closedAt) = await aliceClosed.WaitAsync(Deadline);
        Assert.Equal(["* BYE Public folder removed"], lines);
        WithinOneSecond(cliExited, closedAt, "the session with the folder selected");
        var list = await bob.OkAsync("l2", "LIST \"\" \"Public Folders/*\"");
        Assert.DoesNotContain(list, l => l.Contains(name, StringComparison.Ordinal));
        Assert.StartsWith("n OK ", (await bob.RunAsync("n", "NOOP"))[^1]);
    }

    [Fact]
    public async Task Switching_public_folders_off_ends_the_sessions_inside_one_and_empties_list()
    {
        var hank = AdminChangeServer.Hank;
        await using var inPublic = await LoginAsync(hank);
        await inPublic.OkAsync("s", "EXAMINE \"Public Folders/Board\"");
        await using var inInbox = await LoginAsync(hank);
        await inInbox.OkAsync("s", "SELECT INBOX");
        var closed = UntilClosedAsync(inPublic);

        await server.CliAsync("", "postoffice", "set", AdminChangeServer.SwitchOffice, "--public-folders", "off");
        var cliExited = Stopwatch.GetTimestamp();

        var (lines, closedAt) = await closed.WaitAsync(Deadline);
        Assert.Equal(["* BYE Public folders switched off"], lines);
        WithinOneSecond(cliExited, closedAt, "the session in the public folder");
        Assert.Single(await inInbox.OkAsync("l", "LIST \"\" \"Public Folders/*\""));
        Assert.StartsWith("n OK ", (await inInbox.RunAsync("n", "NOOP"))[^1]);
    }

    [Fact]
    public async Task A_new_password_counts_at_the_next_login_and_sessions_already_in_stay()
    {
        var frank = AdminChangeServer.Frank;
        const string NewPassword = "frank-New-Secret-6";
        await using var before = await LoginAsync(frank);

        await server.CliAsync(NewPassword + "\n", "mailbox", "passwd", frank, "--password-stdin");

        using (var client = new ImapClient { Timeout = 30_000 })
        {
            await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(frank, server.PasswordOf(frank)));
            await client.AuthenticateAsync(frank, NewPassword);
            Assert.True(client.IsAuthenticated);
        }
        Assert.StartsWith("n OK ", (await before.RunAsync("n", "NOOP"))[^1]);
    }

    private async Task<ImapClient> MailKitAsync(string login, IProtocolLogger logger)
    {
        var client = new ImapClient(logger) { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(login, server.PasswordOf(login));
        return client;
    }

    /// <summary>What a session heard until the server closed it, and when (a Stopwatch timestamp).</summary>
    private static async Task<(IReadOnlyList<string> Lines, long ClosedAt)> UntilClosedAsync(RawImapClient client)
    {
        var lines = await client.ReadUntilClosedAsync();
        return (lines, Stopwatch.GetTimestamp());
    }

    /// <summary>IDLE until the server ends the connection (MailKit then fails the IDLE); when that was.</summary>
    private static async Task<long> IdleUntilClosedAsync(ImapClient client, CancellationToken done)
    {
        try
        {
            await client.IdleAsync(done);
        }
        catch (Exception ex) when (ex is ImapProtocolException or IOException or ServiceNotConnectedException)
        {
            // The server said BYE and closed: what the test waits for.
        }

        return Stopwatch.GetTimestamp();
    }

    private static void WithinOneSecond(long cliExited, long closedAt, string what)
    {
        // Negative when the client heard it before the CLI process had finished exiting.
        var after = Stopwatch.GetElapsedTime(cliExited, closedAt);
        Assert.True(after < OneSecond, $"{what} was closed {after.TotalMilliseconds:F0} ms after the CLI exited");
    }

    /// <summary>MailKit's protocol log, watched for a server line (IDLE's continuation) and kept.</summary>
    private sealed class ContinuationWatch(string line) : IProtocolLogger
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StringBuilder _received = new();

        public Task Seen => _seen.Task;

        public string Received
        {
            get
            {
                lock (_received)
                {
                    return _received.ToString();
                }
            }
        }

        public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

        public void LogConnect(Uri uri)
        {
        }

        public void LogClient(byte[] buffer, int offset, int count)
        {
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
            lock (_received)
            {
                _received.Append(Encoding.Latin1.GetString(buffer, offset, count));
                if (_received.ToString().Contains(line, StringComparison.Ordinal))
                {
                    _seen.TrySetResult();
                }
            }
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>The admin changes on the embedded SQLite store.</summary>
public sealed class AdminChangeTests(AdminChangeServer server) : AdminChangeContract(server), IClassFixture<AdminChangeServer>;

/// <summary>The admin changes on PostgreSQL: the CLI's transaction NOTIFYs, the server LISTENs.</summary>
public sealed class PostgresAdminChangeTests(PostgresAdminChangeServer server) : AdminChangeContract(server), IClassFixture<PostgresAdminChangeServer>;
