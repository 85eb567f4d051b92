using Akka.Actor;
using Akka.Event;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Transport;
using AkkaImap.Server.Workers;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// What a command handler may see and change of its session: the shared services (settings,
/// store, owner region, worker pool), the connection, and the state data (user, selected
/// folder, enabled extensions). Used only on the session actor's thread.
/// </summary>
public sealed class SessionContext
{
    private readonly SessionServices _services;
    private readonly ResponseBuffer _output;
    private readonly Action<IReadOnlyList<ReadOnlyMemory<byte>>> _send;
    private readonly HashSet<string> _enabled = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>How the selection takes part in \Recent, told again to an owner's successor.</summary>
    private RecentMode _selectedRecent;

    internal SessionContext(SessionServices services, ConnectionInfo connection, ResponseBuffer output, Action<IReadOnlyList<ReadOnlyMemory<byte>>> send, IActorRef self, ILoggingAdapter log)
    {
        _services = services;
        _output = output;
        _send = send;
        Connection = connection;
        Self = self;
        Log = log;
    }

    public ImapSettings Settings => _services.Settings;

    public IStore Store => _services.Store;

    /// <summary>Recent password logins, shared by the server's sessions (<c>auth.cache</c>).</summary>
    public LoginCache LoginCache => _services.LoginCache;

    /// <summary>The only way to reach folder owners (send <see cref="AccountEnvelope"/>, or use <see cref="CommandOutcome.AskAccount"/>).</summary>
    public IActorRef Owners => _services.Owners;

    public IActorRef Workers => _services.Workers;

    public CommandRegistry Registry => _services.Registry;

    /// <summary>The session actor (the sender the account subscribes to folder events).</summary>
    public IActorRef Self { get; }

    public ILoggingAdapter Log { get; }

    public ConnectionInfo Connection { get; private set; }

    public bool IsTls => Connection.IsTls;

    /// <summary>True on a plain endpoint until STARTTLS has succeeded.</summary>
    public bool CanStartTls => Connection.CanStartTls && !Connection.IsTls;

    /// <summary>Plaintext passwords (LOGIN, AUTH=PLAIN) are accepted over TLS or from <c>auth.trusted-networks</c>.</summary>
    public bool PlaintextAuthAllowed => Connection.IsTls || Connection.IsTrustedNetwork;

    public SessionState State { get; private set; } = SessionState.NotAuthenticated;

    /// <summary>The signed-in account; set in the authenticated and selected states.</summary>
    public Account? Account { get; private set; }

    /// <summary>The selected folder; set in the selected state.</summary>
    public SelectedFolderView? Selected { get; private set; }

    /// <summary>The selected folder is a public folder: its commands go to the post office's public-folder actor.</summary>
    public bool SelectedIsPublic { get; private set; }

    /// <summary>The selected public folder was made read-only by the administrator (not opened with EXAMINE).</summary>
    public bool SelectedWritesDenied { get; private set; }

    /// <summary>Extensions turned on by ENABLE (RFC 5161), as advertised (e.g. <c>IMAP4rev2</c>).</summary>
    public IReadOnlyCollection<string> Enabled => _enabled;

    /// <summary>The client sent <c>ENABLE IMAP4rev2</c>: answer with rev2 rules (no RECENT, ...).</summary>
    public bool IsRev2 => IsEnabled("IMAP4rev2");

    /// <summary>Counts a failed login from this client's address; returns the failures in a row (the delay doubles with each).</summary>
    public int RecordAuthFailure(string? login) => _services.AuthFailures.RecordFailure(Connection.Remote, login);

    /// <summary>The SEARCHRES result <c>$</c> (RFC 5182), saved by SEARCH RETURN (SAVE); read it with <c>Resolve(view)</c>.</summary>
    public Searching.SavedSearch SavedSearch { get; } = new();

    /// <summary>The capability list for the current state.</summary>
    public IReadOnlyList<string> Capabilities => Commands.Capabilities.For(this);

    public bool IsEnabled(string capability) => _enabled.Contains(capability);

    /// <summary>Queues an untagged (or continuation) response; the tagged one comes from the outcome.</summary>
    public void Write(ImapResponse response) => _output.Write(response);

    /// <summary>The writer behind <see cref="Write"/>, for streaming large literals (<see cref="FetchWriter"/>).</summary>
    public ImapWriter Output => _output.Writer;

    /// <summary>Sends what is written so far now (call between large FETCH responses to bound memory).</summary>
    public void SendNow() => _send([]);

    /// <summary>
    /// Sends what is written so far, then <paramref name="rendered"/>: responses serialized
    /// elsewhere (a FETCH chunk rendered on a worker), handed to the connection as they are,
    /// not copied through the session's buffer. The caller must not change them afterwards.
    /// </summary>
    public void SendNow(IReadOnlyList<ReadOnlyMemory<byte>> rendered) => _send(rendered);

    /// <summary>LOGIN/AUTHENTICATE succeeded: the authenticated state (RFC 9051 §3.2).</summary>
    public void Authenticate(Account account)
    {
        Account = account;
        _services.AuthFailures.RecordSuccess(Connection.Remote, account.Login);
        State = SessionState.Authenticated;
        // So that the removal of this mailbox (or of its post office) ends this session at once.
        _services.Tracker?.Tell(new SessionAuthenticated(account.Id, account.PostOfficeId), Self);
    }

    /// <summary>SELECT/EXAMINE succeeded: the selected state (RFC 9051 §3.3).</summary>
    public void Select(SelectedFolderView view, bool isPublic = false, bool writesDenied = false, RecentMode recent = RecentMode.None)
    {
        _selectedRecent = recent;
        if (Selected is { } previous && previous.FolderId != view.FolderId)
        {
            TellSelectedOwner(new UnselectFolder(previous.FolderId));
        }
        Selected = view;
        SelectedIsPublic = isPublic;
        SelectedWritesDenied = writesDenied;
        State = SessionState.Selected;
    }

    /// <summary>CLOSE/UNSELECT or a failed SELECT: back to authenticated; the account stops sending events.</summary>
    public void Unselect()
    {
        if (Selected is { } view)
        {
            TellSelectedOwner(new UnselectFolder(view.FolderId));
        }
        Selected = null;
        SelectedIsPublic = false;
        SelectedWritesDenied = false;
        if (State == SessionState.Selected)
        {
            State = SessionState.Authenticated;
        }
    }

    /// <summary>
    /// RFC 7162 §3.1: a CONDSTORE-enabling command (SELECT/EXAMINE (CONDSTORE), STATUS HIGHESTMODSEQ,
    /// FETCH MODSEQ or CHANGEDSINCE, SEARCH MODSEQ, STORE UNCHANGEDSINCE) turns CONDSTORE on; the
    /// first one with a mailbox selected says <c>* OK [HIGHESTMODSEQ n]</c>. False where CONDSTORE is
    /// not advertised (the command is then BAD).
    /// </summary>
    public bool EnableCondStore()
    {
        if (IsEnabled("CONDSTORE"))
        {
            return true;
        }
        if (!Capabilities.Contains("CONDSTORE"))
        {
            return false;
        }
        Enable("CONDSTORE");
        if (Selected is { } view)
        {
            Write(new UntaggedStatusResponse(StatusKind.Ok, "Highest", new HighestModSeqCode(view.HighestModSeq)));
        }
        return true;
    }

    /// <summary>Records an extension as enabled; IMAP4rev2 also lets 8-bit text through (RFC 9051 §4.3).</summary>
    public void Enable(string capability)
    {
        _enabled.Add(capability);
        if (string.Equals(capability, "QRESYNC", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 7162 §3.2.3: enabling QRESYNC enables CONDSTORE too.
            _enabled.Add("CONDSTORE");
        }
        if (string.Equals(capability, "IMAP4rev2", StringComparison.OrdinalIgnoreCase)
            || string.Equals(capability, "UTF8=ACCEPT", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 9051 §6.3.1, RFC 6855 §3: UTF-8 names and strings, no modified UTF-7.
            _output.Writer.Utf8Enabled = true;
        }
    }

    /// <summary>Sends a command that needs no reply (e.g. <see cref="UnselectFolder"/>) to the signed-in account.</summary>
    public void TellAccount(IAccountCommand command)
    {
        if (Account is { } account)
        {
            Owners.Tell(new AccountEnvelope(account.Id, command), Self);
        }
    }

    /// <summary>
    /// Sends a command about the selected folder to its single writer: the account, or the post
    /// office's public folders (<see cref="PublicFolderRouting"/>), and continues with the reply.
    /// </summary>
    public CommandOutcome AskSelected(IAccountCommand command, Func<IAccountReply, CommandOutcome> then, bool seeRefusals = false) =>
        SelectedIsPublic ? PublicFolderRouting.Ask(this, command, then, seeRefusals) : CommandOutcome.AskAccount(command, then);

    /// <summary>
    /// The NO for a change to a read-only selected folder: [READ-ONLY] after EXAMINE, [NOPERM] in a
    /// public folder the administrator made read-only (RFC 5530 §3).
    /// </summary>
    public CommandOutcome ReadOnlyRefusal() => SelectedWritesDenied
        ? CommandOutcome.No("This public folder is read-only", ResponseCode.NoPerm)
        : CommandOutcome.No("Mailbox is read-only (EXAMINE)", ResponseCode.ReadOnly);

    /// <summary>
    /// The selected folder's owner stopped: subscribe again to its successor, asking for every change
    /// above the HIGHESTMODSEQ the view knows (replies <see cref="Resubscribed"/>).
    /// </summary>
    public void ResubscribeSelected()
    {
        if (Selected is { } view)
        {
            TellSelectedOwner(new Resubscribe(view.FolderId, view.HighestModSeq, _selectedRecent));
        }
    }

    private void TellSelectedOwner(IAccountCommand command)
    {
        if (SelectedIsPublic && Account is { } account)
        {
            TellAccount(new ToPublicFolders(account.PostOfficeId, command));
            return;
        }
        TellAccount(command);
    }

    /// <summary>
    /// Runs heavy read work on the worker pool; await it with <see cref="CommandOutcome.Await{T}"/>.
    /// The worker completes the task where the work ends, and the session's step is told from there
    /// (its continuations run synchronously): no Ask, whose temporary actor and answer went through
    /// .NET's pool, one more thread wake-up per FETCH.
    /// </summary>
    public async Task<T> RunOnWorkerAsync<T>(Func<Task<T>> work) where T : notnull
    {
        var done = new TaskCompletionSource<object>();
        Workers.Tell(new RunWork(async () => await work().ConfigureAwait(false), Completion: done));
        return (T)await done.Task.WaitAsync(Settings.Limits.WorkerTimeout).ConfigureAwait(false);
    }

    /// <summary>COMPRESS=DEFLATE is on for this connection (RFC 4978): a second COMPRESS is NO [COMPRESSIONACTIVE].</summary>
    public bool CompressionActive { get; private set; }

    internal void CompressionStarted() => CompressionActive = true;

    internal void TlsStarted() => Connection = Connection with { IsTls = true, CanStartTls = false };

    internal void LoggingOut() => State = SessionState.Logout;
}
