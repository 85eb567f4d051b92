using AkkaImap.Protocol.Commands;

namespace AkkaImap.Server.Commands;

/// <summary>
/// Runs one command type. Called on the session actor's thread with exclusive use of
/// <paramref name="context"/>; it writes untagged responses through
/// <see cref="SessionContext.Write"/> and returns how the command goes on: finished (the tagged
/// status), or waiting for a task, an account reply, a delay or a client line — whose
/// continuations again run on the actor's thread. Exceptions become <c>NO [SERVERBUG]</c>.
/// </summary>
public interface ICommandHandler<in TCommand> where TCommand : ImapCommand
{
    CommandOutcome Handle(TCommand command, SessionContext context);
}
