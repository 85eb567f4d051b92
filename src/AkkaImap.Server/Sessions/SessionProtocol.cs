using Akka.Actor;
using AkkaImap.Server.Commands;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// The server is stopping: the session answers <c>* BYE Server shutting down</c> (after the
/// tagged response of a command in progress) and closes its connection.
/// </summary>
public sealed record ServerShuttingDown : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
{
    public static readonly ServerShuttingDown Instance = new();
}

/// <summary>A session tells its <see cref="SessionTracker"/> it exists (the tracker watches the sender).</summary>
public sealed record SessionStarted : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
{
    public static readonly SessionStarted Instance = new();
}

// The session's messages to itself. None counts as client activity for the receive timeout.

/// <summary>An awaited step finished; <see cref="Next"/> runs on the session's thread.</summary>
internal sealed record StepReady(int Step, Func<CommandOutcome> Next) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

internal sealed record StepFailed(int Step, Exception Cause) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

/// <summary>pre-auth-timeout has passed since the connection started (a fixed deadline, not an idle timer).</summary>
internal sealed record PreAuthDeadline : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
{
    public static readonly PreAuthDeadline Instance = new();
}

/// <summary>limits.command-timeout has passed since the first byte of a command line that is still incomplete.</summary>
internal sealed record CommandLineDeadline : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
{
    public static readonly CommandLineDeadline Instance = new();
}

/// <summary>The account did not answer in time.</summary>
internal sealed record StepTimedOut(int Step) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

/// <summary>
/// Deliberately NOT <see cref="INotInfluenceReceiveTimeout"/>: sent to itself after the receive
/// timeout changed, so the timer restarts with the new value.
/// </summary>
internal sealed record TimeoutChanged : INoSerializationVerificationNeeded
{
    public static readonly TimeoutChanged Instance = new();
}

/// <summary>
/// No <see cref="Accounts.Resubscribed"/> came for a while: the <see cref="Accounts.Resubscribe"/>
/// may have gone to a node that just died (the region had not yet heard), so it is sent again.
/// </summary>
internal sealed record ResubscribeAgain : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
{
    public static readonly ResubscribeAgain Instance = new();
}
