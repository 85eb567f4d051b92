using System.Globalization;
using AkkaImap.IntegrationTests.Infrastructure;

namespace AkkaImap.IntegrationTests.Lmtp;

/// <summary>
/// A private Postfix (Debian's package, installed by .ci/run) for one test class: its own
/// config_directory, queue_directory and data_directory under a scratch folder, SMTP on a free
/// loopback port, every message handed to AkkaImap with <c>lmtp:inet:127.0.0.1:PORT</c>, a queue
/// run every second so deferred mail is retried at once, and its log in a file. No daemon is
/// chrooted and nothing of the system's Postfix (/etc/postfix) is read. Runs as root, as CI does.
/// </summary>
public sealed class PostfixInstance : IAsyncDisposable
{
    private PostfixInstance(string folder, int smtpPort)
    {
        Folder = folder;
        SmtpPort = smtpPort;
    }

    public string Folder { get; }

    public int SmtpPort { get; }

    public string ConfigDirectory => Path.Combine(Folder, "etc");

    public string LogFile => Path.Combine(Folder, "maillog");

    /// <summary>What Postfix logged so far (for assertion messages).</summary>
    public string Log => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";

    public static async Task<PostfixInstance> StartAsync(int lmtpPort)
    {
        var folder = Directory.CreateTempSubdirectory("akkaimap-postfix-").FullName;
        var instance = new PostfixInstance(folder, ServerFixture.FreePort());
        // Postfix's daemons run as the postfix user: they must be able to reach the queue, and own data_directory.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the Postfix tests run Debian's Postfix");
        }
        File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("755", 8));
        Directory.CreateDirectory(instance.ConfigDirectory);
        Directory.CreateDirectory(Path.Combine(folder, "queue"));
        var data = Directory.CreateDirectory(Path.Combine(folder, "data")).FullName;
        await RunAsync("chown", "postfix", data);
        File.WriteAllText(Path.Combine(instance.ConfigDirectory, "main.cf"), MainCf(folder, lmtpPort));
        File.WriteAllText(Path.Combine(instance.ConfigDirectory, "master.cf"), MasterCf(instance.SmtpPort));
        await instance.PostfixAsync("start");
        return instance;
    }

    /// <summary>Sends one message through Postfix's SMTP port with python3's smtplib; returns the refused recipients smtplib reports.</summary>
    public async Task<string> SendAsync(string from, IReadOnlyList<string> to, string message)
    {
        const string script = """
            import smtplib, sys, json
            args = json.loads(sys.stdin.read())
            with smtplib.SMTP('127.0.0.1', int(args['port']), timeout=30) as s:
                refused = s.sendmail(args['from'], args['to'], args['message'].encode('utf-8'))
            print(json.dumps(refused))
            """;
        var input = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["port"] = SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["from"] = from,
            ["to"] = to,
            ["message"] = message,
        });
        var result = await ExternalTool.RunAsync("python3", ["-c", script], input);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"smtplib failed: {result}\nPostfix log:\n{Log}");
        }
        return result.Stdout.Trim();
    }

    /// <summary>The queue IDs of messages Postfix still holds (deferred or active), from <c>postqueue -j</c>.</summary>
    public async Task<IReadOnlyList<string>> QueuedAsync()
    {
        var result = await ExternalTool.RunAsync("postqueue", ["-c", ConfigDirectory, "-j"]);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// <c>postqueue -f</c>: delivers what is queued now, as an administrator does once the
    /// destination is back, instead of at the next retry of Postfix's back-off.
    /// </summary>
    public async Task FlushAsync()
    {
        var result = await ExternalTool.RunAsync("postqueue", ["-c", ConfigDirectory, "-f"]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"postqueue -f failed: {result}\nPostfix log:\n{Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // The master holds a lock on its pid file, which .NET's File API respects: read it with cat.
            var pidFile = Path.Combine(Folder, "queue", "pid", "master.pid");
            var read = await ExternalTool.RunAsync("cat", [pidFile]);
            int? pid = int.TryParse(read.Stdout.Trim(), out var p) ? p : null;
            await ExternalTool.RunAsync("postfix", ["-c", ConfigDirectory, "stop"]);
            if (pid is { } master)
            {
                // postfix stop signals the master; wait for it so nothing is left running.
                for (int i = 0; i < 100 && IsRunning(master); i++)
                {
                    await Task.Delay(100);
                }
                if (IsRunning(master))
                {
                    await ExternalTool.RunAsync("postfix", ["-c", ConfigDirectory, "abort"]);
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A daemon still writing as it exits: the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>Alive and not a zombie (the master's parent, the postfix command, is gone and may not reap it at once).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task PostfixAsync(string command)
    {
        var result = await ExternalTool.RunAsync("postfix", ["-c", ConfigDirectory, command]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"postfix {command} failed: {result}\nPostfix log:\n{Log}");
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var result = await ExternalTool.RunAsync(file, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {result}");
        }
    }

    /// <summary>
    /// The README's settings (example.com as a virtual mailbox domain delivered over LMTP, every
    /// address accepted so that AkkaImap refuses unknown ones), relaying from loopback, short retry
    /// times for the tests. The bounce for an unknown recipient comes from the real delivery.
    /// </summary>
    private static string MainCf(string folder, int lmtpPort) => $"""
        compatibility_level = 3.6
        queue_directory = {folder}/queue
        data_directory = {folder}/data
        mail_owner = postfix
        setgid_group = postdrop
        myhostname = mx.test
        mydomain = test
        myorigin = $myhostname
        mydestination =
        local_recipient_maps =
        alias_maps =
        alias_database =
        biff = no
        inet_interfaces = 127.0.0.1
        inet_protocols = ipv4
        mynetworks = 127.0.0.0/8
        smtpd_relay_restrictions = permit_mynetworks, reject
        smtpd_recipient_restrictions = permit_mynetworks, reject
        virtual_mailbox_domains = example.com
        virtual_mailbox_maps = static:ok
        virtual_transport = lmtp:inet:127.0.0.1:{lmtpPort}
        recipient_delimiter = +
        lmtp_destination_recipient_limit = 50
        default_transport = lmtp:inet:127.0.0.1:{lmtpPort}
        smtp_dns_support_level = disabled
        lmtp_dns_support_level = disabled
        queue_run_delay = 1s
        minimal_backoff_time = 1s
        maximal_backoff_time = 2s
        maillog_file = {folder}/maillog
        maillog_file_prefixes = {folder}
        """ + "\n";

    /// <summary>Only the services this test needs, none chrooted (a chroot would need copies of /etc files in the queue).</summary>
    private static string MasterCf(int smtpPort) => $"""
        127.0.0.1:{smtpPort} inet n - n - - smtpd
        pickup    unix  n       -       n       60      1       pickup
        cleanup   unix  n       -       n       -       0       cleanup
        qmgr      unix  n       -       n       300     1       qmgr
        rewrite   unix  -       -       n       -       -       trivial-rewrite
        bounce    unix  -       -       n       -       0       bounce
        defer     unix  -       -       n       -       0       bounce
        trace     unix  -       -       n       -       0       bounce
        verify    unix  -       -       n       -       1       verify
        flush     unix  n       -       n       1000?   0       flush
        proxymap  unix  -       -       n       -       -       proxymap
        showq     unix  n       -       n       -       -       showq
        error     unix  -       -       n       -       -       error
        retry     unix  -       -       n       -       -       error
        discard   unix  -       -       n       -       -       discard
        lmtp      unix  -       -       n       -       -       lmtp
        anvil     unix  -       -       n       -       1       anvil
        scache    unix  -       -       n       -       1       scache
        postlog   unix-dgram n  -       n       -       1       postlogd
        """ + "\n";
}
