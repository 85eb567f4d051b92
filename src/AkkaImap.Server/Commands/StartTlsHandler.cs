using AkkaImap.Protocol.Commands;

namespace AkkaImap.Server.Commands;

/// <summary>
/// STARTTLS (RFC 9051 §6.2.1): OK, then the session asks the connection for the handshake and
/// drops every byte it had buffered (CVE-2011-0411). Refused on TLS connections and on endpoints
/// that do not offer it (implicit TLS).
/// </summary>
internal sealed class StartTlsHandler : ICommandHandler<StartTlsCommand>
{
    public CommandOutcome Handle(StartTlsCommand command, SessionContext context)
    {
        if (context.IsTls)
        {
            return CommandOutcome.Bad("TLS is already active");
        }
        if (!context.CanStartTls)
        {
            return CommandOutcome.Bad("STARTTLS is not offered on this port");
        }
        return CommandOutcome.Ok("Begin TLS negotiation now").ThenStartTls();
    }
}
