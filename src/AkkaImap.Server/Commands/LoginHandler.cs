using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// LOGIN (RFC 9051 §6.2.3): only over TLS or from a trusted network (LOGINDISABLED otherwise,
/// §11.1 and RFC 8314), then the shared <see cref="PasswordLogin"/> check.
/// </summary>
internal sealed class LoginHandler : ICommandHandler<LoginCommand>
{
    public CommandOutcome Handle(LoginCommand command, SessionContext context)
    {
        if (!context.PlaintextAuthAllowed)
        {
            LoginLog.Failed(context, "LOGIN", command.UserName, LoginLog.PlaintextRefused);
            return CommandOutcome.No("Plaintext login is not allowed without TLS: use STARTTLS first", ResponseCode.PrivacyRequired);
        }
        return PasswordLogin.Verify(context, command.UserName, command.Password, "LOGIN");
    }
}
