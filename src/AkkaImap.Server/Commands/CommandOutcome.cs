using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// What a handler (or one of its continuations) tells the session to do next. The session
/// never blocks: awaited work is piped back to the actor and the continuation runs there.
/// </summary>
public abstract record CommandOutcome
{
    private protected CommandOutcome() { }

    public static CommandOutcome.Completed Ok(string text, ResponseCode? code = null) => new(StatusKind.Ok, text, code);

    public static CommandOutcome.Completed No(string text, ResponseCode? code = null) => new(StatusKind.No, text, code);

    public static CommandOutcome.Completed Bad(string text, ResponseCode? code = null) => new(StatusKind.Bad, text, code);

    /// <summary>An unexpected failure; the details belong in the log, not on the wire.</summary>
    public static CommandOutcome.Completed ServerBug(string text = "Internal error, the command was not completed") =>
        No(text, ResponseCode.ServerBug);

    /// <summary>
    /// The answer to a step that threw: <c>NO [UNAVAILABLE]</c> when the store's disk is full (RFC
    /// 9051 §7.1: a subsystem's temporary failure; nothing was kept, the client may try again
    /// later), otherwise <c>NO [SERVERBUG]</c>.
    /// </summary>
    public static CommandOutcome.Completed Failed(Exception error) =>
        StorageFull.IsCause(error) ? No(StorageFull.Message, ResponseCode.Unavailable) : ServerBug();

    /// <summary>
    /// Waits for <paramref name="task"/> without blocking, then runs <paramref name="then"/> on the
    /// session's thread. Only the task itself runs elsewhere: it must not touch the context. A
    /// faulted task answers as <see cref="Failed"/> says.
    /// </summary>
    public static CommandOutcome Await<T>(Task<T> task, Func<T, CommandOutcome> then) =>
        new Awaiting(Bind(task, then));

    /// <summary>Waits for <paramref name="task"/> (no result), then runs <paramref name="then"/> on the session's thread.</summary>
    public static CommandOutcome Await(Task task, Func<CommandOutcome> then) =>
        new Awaiting(Bind(task, then));

    /// <summary>
    /// Sends <paramref name="command"/> to the signed-in account's owner through the owner region with the
    /// session as sender (so SelectFolder subscribes the session itself), then runs
    /// <paramref name="then"/> with the reply on the session's thread.
    /// </summary>
    public static CommandOutcome AskAccount(IAccountCommand command, Func<IAccountReply, CommandOutcome> then) =>
        new AccountRequest(command, then);

    /// <summary>Runs <paramref name="then"/> after <paramref name="delay"/> (a scheduler timer, never a sleep).</summary>
    public static CommandOutcome After(TimeSpan delay, Func<CommandOutcome> then) =>
        delay <= TimeSpan.Zero ? then() : new Delayed(delay, then);

    /// <summary>
    /// Runs <paramref name="then"/> once what the session has sent so far is down to the
    /// connection's low water (a quarter of <c>limits.max-unsent-output</c>): a long answer makes
    /// its next piece only when the client has read the previous ones, so a client that stops
    /// reading holds back the making of the answer, and the memory it takes, not only its sending.
    /// </summary>
    public static CommandOutcome WhenSent(Func<CommandOutcome> then) => new Drained(then);

    /// <summary>
    /// Reads the client's next raw line (RFC 9051 §6.2.2 AUTHENTICATE responses). With
    /// <paramref name="idle"/> the session is in IDLE (RFC 2177): folder events are sent at once.
    /// Write the continuation request (<c>+ ...</c>) before returning this.
    /// </summary>
    public static CommandOutcome ReadLine(Func<ReadOnlyMemory<byte>, CommandOutcome> then, bool idle = false) =>
        new LineWanted(then, idle);

    private static async Task<Func<CommandOutcome>> Bind<T>(Task<T> task, Func<T, CommandOutcome> then)
    {
        var result = await task.ConfigureAwait(false);
        return () => then(result);
    }

    private static async Task<Func<CommandOutcome>> Bind(Task task, Func<CommandOutcome> then)
    {
        await task.ConfigureAwait(false);
        return then;
    }

    /// <summary>The command is done: the tagged status, and what the session does after writing it.</summary>
    public sealed record Completed(StatusKind Kind, string Text, ResponseCode? Code) : CommandOutcome
    {
        public AfterCommand AfterResponse { get; init; } = AfterCommand.None;

        /// <summary>LOGOUT: close the connection after the tagged response.</summary>
        public Completed ThenClose() => this with { AfterResponse = AfterCommand.Close };

        /// <summary>STARTTLS: start the TLS handshake right after the tagged OK (RFC 9051 §6.2.1).</summary>
        public Completed ThenStartTls() => this with { AfterResponse = AfterCommand.StartTls };

        /// <summary>COMPRESS: both directions deflate right after the tagged OK (RFC 4978 §3).</summary>
        public Completed ThenCompress() => this with { AfterResponse = AfterCommand.Compress };
    }

    internal sealed record Awaiting(Task<Func<CommandOutcome>> Next) : CommandOutcome;

    internal sealed record AccountRequest(IAccountCommand Command, Func<IAccountReply, CommandOutcome> Then) : CommandOutcome;

    internal sealed record Delayed(TimeSpan Delay, Func<CommandOutcome> Then) : CommandOutcome;

    internal sealed record Drained(Func<CommandOutcome> Then) : CommandOutcome;

    internal sealed record LineWanted(Func<ReadOnlyMemory<byte>, CommandOutcome> Then, bool Idle) : CommandOutcome;
}

/// <summary>What the session does once a command's tagged response is written.</summary>
public enum AfterCommand
{
    None,
    Close,
    StartTls,
    Compress,
}
