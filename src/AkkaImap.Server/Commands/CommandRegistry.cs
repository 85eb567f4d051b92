using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Sessions;

namespace AkkaImap.Server.Commands;

// How to add a command (e.g. SELECT):
//  1. Write Commands/SelectHandler.cs: `internal sealed class SelectHandler : ICommandHandler<SelectCommand>`;
//     build typed responses with context.Write(...), finish with CommandOutcome.Ok/No/Bad, and wait
//     without blocking with CommandOutcome.AskAccount / Await / After (continuations run on the
//     session's thread, so they may use the context).
//  2. Register it in a `static partial void AddMailboxCommands(CommandRegistry registry)` (another
//     file of this partial class, e.g. CommandRegistry.Mailbox.cs), naming the states that allow it
//     and its flags: `registry.Add("SELECT", CommandStates.AuthenticatedOrSelected, new SelectHandler());`.
//     Commands that take message sequence numbers pass CommandFlags.UsesSequenceNumbers.
//  3. If the command brings a capability, tie it to the command type in Capabilities.cs: it is then
//     advertised exactly when the handler is registered.
// The session does the rest: the state gate, the tagged response, the flush of the selected view before
// it (EXPUNGE held back while UsesSequenceNumbers, RFC 9051 §7.5.1), metrics and error handling.

/// <summary>The states in which a command is valid (RFC 9051 §6).</summary>
[Flags]
public enum CommandStates
{
    NotAuthenticated = 1,
    Authenticated = 2,
    Selected = 4,
    AuthenticatedOrSelected = Authenticated | Selected,
    Any = NotAuthenticated | Authenticated | Selected,
}

/// <summary>Per-command behaviour the session applies around the handler.</summary>
[Flags]
public enum CommandFlags
{
    None = 0,

    /// <summary>
    /// The command names messages by sequence number (FETCH, STORE, SEARCH, COPY, MOVE without
    /// UID): no untagged EXPUNGE may be sent while it runs nor right before its tagged response
    /// (RFC 9051 §7.5.1); queued expunges wait for the next command that allows them.
    /// </summary>
    UsesSequenceNumbers = 1,
}

/// <summary>One row of the table: a command's name (for metrics and messages), states, flags and handler.</summary>
public sealed record CommandEntry(
    string Name,
    CommandStates AllowedIn,
    CommandFlags Flags,
    Func<ImapCommand, SessionContext, CommandOutcome> Invoke)
{
    /// <summary>Tells the UID form of a command type that has both (its <c>IsUid</c> property).</summary>
    internal Func<ImapCommand, bool>? IsUid { get; init; }

    // Made once: metrics and spans name every command, and UID FETCH/STORE are the busiest.
    private readonly string _uidName = Name.StartsWith("UID ", StringComparison.Ordinal) ? Name : "UID " + Name;

    /// <summary>The name of this command as sent: <c>UID FETCH</c> for the UID form (RFC 9051 §6.4.9).</summary>
    public string NameOf(ImapCommand command) =>
        IsUid is { } isUid && isUid(command) ? _uidName : Name;

    /// <summary>
    /// True when this instance of the command names messages by sequence number, so that no
    /// EXPUNGE may be sent with it. The UID forms are different commands that may be accompanied
    /// by EXPUNGE (RFC 3501 §7.4.1, RFC 9051 §7.5.1).
    /// </summary>
    public bool HoldsExpunges(ImapCommand command) =>
        Flags.HasFlag(CommandFlags.UsesSequenceNumbers) && !(IsUid is { } isUid && isUid(command));

    public bool IsAllowedIn(SessionState state) => state switch
    {
        SessionState.NotAuthenticated => AllowedIn.HasFlag(CommandStates.NotAuthenticated),
        SessionState.Authenticated => AllowedIn.HasFlag(CommandStates.Authenticated),
        SessionState.Selected => AllowedIn.HasFlag(CommandStates.Selected),
        _ => false,
    };

    /// <summary>Why the command is refused in <paramref name="state"/>, for the tagged BAD.</summary>
    public string StateError(SessionState state) => state switch
    {
        SessionState.NotAuthenticated => $"{Name} is not allowed before authentication",
        _ when AllowedIn == CommandStates.NotAuthenticated => $"{Name} is not allowed after authentication",
        SessionState.Authenticated when AllowedIn.HasFlag(CommandStates.Selected) => $"{Name} is only allowed when a mailbox is selected",
        SessionState.Selected when AllowedIn.HasFlag(CommandStates.Authenticated) => $"{Name} is not allowed while a mailbox is selected",
        _ => $"{Name} is not allowed now",
    };
}

/// <summary>
/// The table of commands: parsed command type → <see cref="CommandEntry"/>. A command the
/// parser knows but the table does not is answered BAD. Built once per server and shared by
/// its sessions (read-only after construction).
/// </summary>
public sealed partial class CommandRegistry
{
    private readonly Dictionary<Type, CommandEntry> _entries = [];

    /// <summary>Every command the server implements.</summary>
    public static CommandRegistry CreateDefault()
    {
        var registry = new CommandRegistry();
        AddSessionCommands(registry);
        AddMailboxCommands(registry);
        AddMessageCommands(registry);
        AddSearchCommands(registry);
        return registry;
    }

    /// <summary>Adds (or replaces) the handler of <typeparamref name="TCommand"/>.</summary>
    public CommandRegistry Add<TCommand>(string name, CommandStates allowedIn, ICommandHandler<TCommand> handler, CommandFlags flags = CommandFlags.None)
        where TCommand : ImapCommand
    {
        _entries[typeof(TCommand)] = new CommandEntry(name, allowedIn, flags, (command, context) => handler.Handle((TCommand)command, context))
        {
            IsUid = UidFlag<TCommand>(),
        };
        return this;
    }

    /// <summary>Reads the <c>bool IsUid</c> property of the record types that carry one (FETCH, STORE, SEARCH, ...).</summary>
    private static Func<ImapCommand, bool>? UidFlag<TCommand>() where TCommand : ImapCommand
    {
        var getter = typeof(TCommand).GetProperty("IsUid", typeof(bool))?.GetMethod;
        if (getter is null)
        {
            return null;
        }
        var read = getter.CreateDelegate<Func<TCommand, bool>>();
        return command => read((TCommand)command);
    }

    public bool TryGet(ImapCommand command, out CommandEntry entry) => _entries.TryGetValue(command.GetType(), out entry!);

    /// <summary>True when <typeparamref name="TCommand"/> has a handler (drives the capability list).</summary>
    public bool Handles<TCommand>() where TCommand : ImapCommand => _entries.ContainsKey(typeof(TCommand));

    /// <summary>The commands of RFC 9051 §6.1/§6.2 and the session-level ones of §6.3/§6.4.</summary>
    private static void AddSessionCommands(CommandRegistry registry) => registry
        .Add("CAPABILITY", CommandStates.Any, new CapabilityHandler())
        .Add("NOOP", CommandStates.Any, new NoopHandler())
        .Add("LOGOUT", CommandStates.Any, new LogoutHandler())
        .Add("ID", CommandStates.Any, new IdHandler())
        .Add("STARTTLS", CommandStates.NotAuthenticated, new StartTlsHandler())
        .Add("LOGIN", CommandStates.NotAuthenticated, new LoginHandler())
        .Add("AUTHENTICATE", CommandStates.NotAuthenticated, new AuthenticateHandler())
        // RFC 5161 §3.1: ENABLE is valid only in the authenticated state, before any SELECT.
        .Add("ENABLE", CommandStates.Authenticated, new EnableHandler())
        // RFC 4978 §3: after authentication, in either state.
        .Add("COMPRESS", CommandStates.AuthenticatedOrSelected, new CompressHandler())
        .Add("NAMESPACE", CommandStates.AuthenticatedOrSelected, new NamespaceHandler())
        .Add("IDLE", CommandStates.AuthenticatedOrSelected, new IdleHandler())
        .Add("UNSELECT", CommandStates.Selected, new UnselectHandler())
        .Add("CLOSE", CommandStates.Selected, new CloseHandler())
        .Add("CHECK", CommandStates.Selected, new CheckHandler());

    /// <summary>SELECT, LIST, FETCH, ...: implemented in another file of this partial class.</summary>
    static partial void AddMailboxCommands(CommandRegistry registry);

    /// <summary>FETCH, STORE, COPY, MOVE: implemented in CommandRegistry.Messages.cs.</summary>
    static partial void AddMessageCommands(CommandRegistry registry);

    /// <summary>SEARCH (ESEARCH, SEARCHRES), SORT, THREAD: implemented in CommandRegistry.Search.cs.</summary>
    static partial void AddSearchCommands(CommandRegistry registry);
}
