using System.Net;
using System.Text;
using Akka.Actor;
using Akka.TestKit;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Transport;
using AkkaImap.Server.Workers;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;
using Xunit;
using SendBytes = AkkaImap.Server.Transport.Send;
using SendParts = AkkaImap.Server.Transport.SendParts;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// Drives one <see cref="SessionActor"/> with a probe standing in for the connection actor, over a
/// real SQLite store (post office example.com, mailbox alice, password "secret") and real owner
/// entities.
/// </summary>
public abstract class SessionTestKit : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    protected const string Password = "secret";
    protected const string Login = "alice@example.com";
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-session-" + Guid.NewGuid().ToString("N"));

    protected SessionTestKit()
        : base(Owners.LocalOwners.Hocon + "akka.loglevel = WARNING")
    {
    }

    /// <summary>The temp folder of the store, deleted after the test.</summary>
    protected string DataFolder => _folder;

    protected SqliteStore Store { get; private set; } = null!;

    protected IActorRef Region { get; private set; } = null!;

    protected IActorRef Workers { get; private set; } = null!;

    /// <summary>Fast failures, short timeouts unless a test says otherwise.</summary>
    protected static ImapSettings Settings { get; } = ImapSettings.Default with
    {
        Auth = ImapSettings.Default.Auth with { FailureDelay = TimeSpan.FromMilliseconds(10), FailureDelayMax = TimeSpan.FromMilliseconds(40) },
        Limits = ImapSettings.Default.Limits with { MaxBadCommands = 5 },
    };

    public async Task InitializeAsync()
    {
        Store = await SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false });
        await Store.AddPostOfficeAsync("example.com", publicFolders: false);
        await Store.AddAccountAsync(Login, Password);
        Region = Sys.ActorOf(Owners.LocalOwners.Props(Store));
        Workers = WorkerPool.Create(Sys, 2, "workers-" + Guid.NewGuid().ToString("N"));
    }

    public async Task DisposeAsync()
    {
        Shutdown();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS for a moment: the temp folder is cleaned up later.
        }
    }

    protected static ConnectionInfo Trusted { get; } =
        new(new IPEndPoint(IPAddress.Loopback, 50000), new IPEndPoint(IPAddress.Loopback, 143), IsTls: false, CanStartTls: true, IsTrustedNetwork: true, "imap:143");

    protected static ConnectionInfo Untrusted { get; } =
        new(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000), new IPEndPoint(IPAddress.Loopback, 143), IsTls: false, CanStartTls: true, IsTrustedNetwork: false, "imap:143");

    /// <summary>
    /// Appends through the account actor, as another session or LMTP would, and returns once the
    /// sessions that have the folder selected have the news in their mailboxes (the account tells
    /// them right after replying: one more round trip orders it before the test's next command).
    /// </summary>
    protected async Task<MessagesAppended> AppendThroughAccountAsync(string folder, params AppendRequest[] messages)
    {
        var account = (await Store.FindAccountAsync(Login))!;
        var probe = CreateTestProbe();
        Region.Tell(new AccountEnvelope(account.Id, new AppendMessages(folder, messages)), probe.Ref);
        // A bulk append (2,000 messages: MIME analysis and index rows for each) takes seconds on a loaded machine.
        var appended = probe.ExpectMsg<MessagesAppended>(Wait + TimeSpan.FromMilliseconds(10 * messages.Length));
        Region.Tell(new AccountEnvelope(account.Id, new CountSubscribers(appended.FolderId)), probe.Ref);
        probe.ExpectMsg<SubscriberCount>(Wait);
        return appended;
    }

    /// <summary>
    /// Another session selects <paramref name="folder"/> read-write and leaves it, so the mail in it
    /// is no longer \Recent (RFC 3501 §2.3.2) for the test's session: tests about other flags then
    /// see exactly those.
    /// </summary>
    protected void ClaimRecent(string folder = "INBOX")
    {
        var account = Store.FindAccountAsync(Login).ConfigureAwait(false).GetAwaiter().GetResult()!;
        var probe = CreateTestProbe();
        Region.Tell(new AccountEnvelope(account.Id, new SelectFolder(folder, ReadOnly: false, RecentMode.Claim)), probe.Ref);
        // A large folder's snapshot comes in pieces first.
        var selected = (FolderSelected)probe.FishForMessage(m => m is FolderSelected, Wait);
        Region.Tell(new AccountEnvelope(account.Id, new UnselectFolder(selected.Snapshot.FolderId)), probe.Ref);
    }

    /// <summary>
    /// A signed-in session whose owner requests go to a probe standing in for the region (the test
    /// hands each on, or not), with INBOX selected through the real owners.
    /// </summary>
    protected (Client Client, TestProbe Region) SelectInboxThroughProbe()
    {
        var region = CreateTestProbe();
        var client = Connect(owners: region.Ref);
        client.LogIn();
        client.Send("s SELECT INBOX\r\n");
        Region.Tell(region.ExpectMsg<AccountEnvelope>(Wait), client.Session);
        Assert.StartsWith("s OK [READ-WRITE]", client.ReadUntilTagged("s")[^1]);
        return (client, region);
    }

    /// <summary>Starts a session and reads its greeting.</summary>
    /// <param name="owners">Where the session sends owner commands (the owner region unless given).</param>
    protected Client Connect(ImapSettings? settings = null, ConnectionInfo? connection = null, CommandRegistry? registry = null, IActorRef? owners = null)
    {
        var probe = CreateTestProbe();
        var services = new SessionServices(settings ?? Settings, Store, owners ?? Region, Workers, registry ?? CommandRegistry.CreateDefault());
        var session = Sys.ActorOf(SessionActor.Props(services, connection ?? Trusted, probe.Ref));
        var client = new Client(probe, session);
        client.Greeting = client.ReadLine();
        Assert.StartsWith("* OK [CAPABILITY ", client.Greeting);
        return client;
    }

    /// <summary>A client's view of the connection: what it sends, and the text and commands the session sends back.</summary>
    protected sealed class Client(TestProbe probe, IActorRef session)
    {
        private readonly Queue<string> _lines = new();
        private readonly Queue<object> _commands = new();
        private string _partial = "";

        public TestProbe Probe { get; } = probe;

        public string Greeting { get; set; } = "";

        public IActorRef Session { get; } = session;

        public void Send(string text) => Session.Tell(new ClientData(Encoding.UTF8.GetBytes(text)));

        public void Send(object message) => Session.Tell(message);

        /// <summary>The next response line (without CRLF).</summary>
        public string ReadLine()
        {
            while (_lines.Count == 0)
            {
                switch (Probe.ExpectMsg<object>(Wait))
                {
                    case SendBytes send:
                        Append(send.Data);
                        break;
                    case SendParts send:
                        foreach (var part in send.Parts) Append(part);
                        break;
                    case SignedIn:
                        // Tells the connection whom to name in its closing log line; no bytes.
                        break;
                    case StartTls start:
                        // The OK to STARTTLS comes with the switch: its bytes, then the command.
                        Append(start.Reply);
                        _commands.Enqueue(start);
                        break;
                    case NotifyWhenDrained notify:
                        // This stand-in connection writes at once: its output is always drained.
                        Session.Tell(new OutputSent(notify.Step));
                        break;
                    case var message:
                        throw new Xunit.Sdk.XunitException($"Expected response bytes, got {message}");
                }
            }
            return _lines.Dequeue();
        }

        /// <summary>All lines up to and including the tagged response of <paramref name="tag"/>.</summary>
        public List<string> ReadUntilTagged(string tag)
        {
            var lines = new List<string>();
            while (true)
            {
                var line = ReadLine();
                lines.Add(line);
                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    return lines;
                }
            }
        }

        /// <summary>Sends a command and returns its responses, the tagged one last.</summary>
        public List<string> Run(string tag, string command)
        {
            Send($"{tag} {command}\r\n");
            return ReadUntilTagged(tag);
        }

        /// <summary>Expects a message other than response bytes (Close, StartTls), after all text was read.</summary>
        public T ExpectCommand<T>()
        {
            Assert.Empty(_lines);
            return _commands.Count > 0 ? Assert.IsType<T>(_commands.Dequeue()) : Probe.ExpectMsg<T>(Wait);
        }

        public void ExpectNothing() => Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        public void LogIn()
        {
            var lines = Run("login", $"LOGIN {Login} {Password}");
            Assert.StartsWith("login OK", lines[^1]);
        }

        private void Append(ReadOnlyMemory<byte> data)
        {
            var text = _partial + Encoding.UTF8.GetString(data.Span);
            var parts = text.Split("\r\n");
            for (int i = 0; i < parts.Length - 1; i++)
            {
                _lines.Enqueue(parts[i]);
            }
            _partial = parts[^1];
        }
    }
}
