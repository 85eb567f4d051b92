using System.Net;
using System.Text;
using Akka.Event;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Sasl;
using AkkaImap.Server.Telemetry;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// AUTHENTICATE (RFC 9051 §6.2.2) with every SASL mechanism that is switched on (see
/// <see cref="SaslMechanisms"/>): PLAIN and LOGIN only over TLS or from a trusted network, then
/// the shared <see cref="PasswordLogin"/> check; CRAM-MD5, NTLM and SCRAM-SHA-256 verify stored
/// secrets. An initial response (SASL-IR, RFC 4959) starts the exchange; each challenge is a
/// <c>+ base64</c> line; <c>*</c> cancels (BAD); malformed base64 or a malformed mechanism
/// message is BAD. Wrong credentials, unknown and locked accounts all answer the same delayed
/// <c>NO [AUTHENTICATIONFAILED]</c> (RFC 5530), logged with the remote address, never a secret.
/// </summary>
internal sealed class AuthenticateHandler : ICommandHandler<AuthenticateCommand>
{
    private static readonly string HostName = LocalHostName();

    public CommandOutcome Handle(AuthenticateCommand command, SessionContext context)
    {
        var auth = context.Settings.Auth;
        var name = command.Mechanism;
        if (!SaslMechanisms.IsOn(name, auth))
        {
            LoginLog.Failed(context, LoginLog.Clean(name), null, LoginLog.MechanismOff);
            return CommandOutcome.No("Unsupported authentication mechanism");
        }
        if (SaslMechanisms.SendsPassword(name) && !context.PlaintextAuthAllowed)
        {
            LoginLog.Failed(context, name, null, LoginLog.PlaintextRefused);
            return CommandOutcome.No("Plaintext authentication is not allowed without TLS: use STARTTLS first", ResponseCode.PrivacyRequired);
        }
        // The parser has checked the base64; "=" arrives as "", an empty response.
        var initial = command.InitialResponse is { } text ? Convert.FromBase64String(text) : null;
        if (name == SaslMechanisms.Ntlm)
        {
            return CommandOutcome.Await(SaslAccounts.NtlmDomainAsync(context.Store, HostName),
                domain => Next(context, new Exchange(SaslMechanisms.Create(name, auth, HostName, domain)!), initial));
        }
        return Next(context, new Exchange(SaslMechanisms.Create(name, auth, HostName, HostName)!), initial);
    }

    /// <summary>One AUTHENTICATE: the mechanism, and what the log needs to know of how it went.</summary>
    private sealed class Exchange(ISaslServer server)
    {
        public ISaslServer Server { get; } = server;

        /// <summary>The store had no such account (the mechanism then fails as for a wrong password).</summary>
        public bool UnknownUser { get; set; }
    }

    private static CommandOutcome Next(SessionContext context, Exchange exchange, byte[]? initial) =>
        Next(context, exchange, exchange.Server.Start(initial));

    private static CommandOutcome Next(SessionContext context, Exchange exchange, SaslStep step)
    {
        var server = exchange.Server;
        switch (step)
        {
            case SaslStep.Challenge challenge:
                context.Write(new SaslChallengeResponse(challenge.Data));
                return ReadResponse(context, server.Name, response => Next(context, exchange, server.Step(response)));
            case SaslStep.NeedSecret need:
                return CommandOutcome.Await(SaslAccounts.FetchSecretAsync(context.Store, need),
                    secret =>
                    {
                        exchange.UnknownUser = secret is null;
                        return Next(context, exchange, server.ProvideSecret(secret));
                    });
            case SaslStep.CheckPassword check:
                return PasswordLogin.Verify(context, check.Login, check.Password, server.Name);
            case SaslStep.Success { FinalData: { } final } success:
                // IMAP has no "additional data with success" (RFC 4422 §5): it goes out as one
                // more challenge, and the client answers with an empty line.
                context.Write(new SaslChallengeResponse(final));
                return ReadResponse(context, server.Name, response => response.Length == 0
                    ? Succeed(context, server.Name, success.Login)
                    : CommandOutcome.Bad("Expected an empty response after the final server data"));
            case SaslStep.Success success:
                return Succeed(context, server.Name, success.Login);
            case SaslStep.Failure failure:
                return Fail(context, server.Name, failure, exchange.UnknownUser);
            default:
                throw new InvalidOperationException($"Unknown SASL step {step.GetType().Name}");
        }
    }

    /// <summary>Reads one client response line: <c>*</c> cancels, anything but strict base64 is BAD.</summary>
    private static CommandOutcome ReadResponse(SessionContext context, string mechanism, Func<byte[], CommandOutcome> then) =>
        CommandOutcome.ReadLine(line =>
        {
            var text = Encoding.ASCII.GetString(line.Span);
            if (text == "*")
            {
                LoginLog.Failed(context, mechanism, null, LoginLog.Cancelled);
                return CommandOutcome.Bad("Authentication cancelled");
            }
            return TryDecode(text, out var response) ? then(response) : CommandOutcome.Bad("Invalid base64 in authentication response");
        });

    private static CommandOutcome Succeed(SessionContext context, string mechanism, string login) =>
        CommandOutcome.Await(SaslAccounts.CompleteLoginAsync(context.Store, login, DateTimeOffset.UtcNow), account =>
        {
            if (account is null)
            {
                // Locked, or removed a moment ago.
                LoginLog.Failed(context, mechanism, login, LoginLog.Locked);
                return PasswordLogin.Failed(context, mechanism, login);
            }
            LoginLog.Succeeded(context, mechanism, account.Login);
            context.Authenticate(account);
            ImapMetrics.LoginSucceeded(mechanism);
            return CommandOutcome.Ok("Logged in", new CapabilityCode(context.Capabilities));
        });

    private static CommandOutcome Fail(SessionContext context, string mechanism, SaslStep.Failure failure, bool unknownUser)
    {
        switch (failure.Reason)
        {
            case SaslFailure.Malformed:
                LoginLog.Failed(context, mechanism, failure.Login, LoginLog.Malformed);
                return CommandOutcome.Bad(failure.Text);
            case SaslFailure.Unsupported:
                LoginLog.Failed(context, mechanism, failure.Login, LoginLog.Unsupported);
                return CommandOutcome.No(failure.Text);
            case SaslFailure.AuthorizationFailed:
                // Acting as another user is not supported (RFC 4616 §2, RFC 5530 AUTHORIZATIONFAILED).
                LoginLog.Failed(context, mechanism, failure.Login, LoginLog.AuthorizationFailed);
                return CommandOutcome.No(failure.Text, ResponseCode.AuthorizationFailed);
            case SaslFailure.SecretUnavailable:
                LoginLog.Failed(context, mechanism, failure.Login, LoginLog.NoSecret);
                context.Log.Warning("{Mechanism} needs a secret that {User} does not have: set the password again to use {Mechanism}",
                    mechanism, LoginLog.Clean(failure.Login));
                break;
            default:
                LoginLog.Failed(context, mechanism, failure.Login, unknownUser ? LoginLog.UnknownUser : LoginLog.WrongPassword);
                break;
        }
        if (failure.Login is not { } login)
        {
            return PasswordLogin.Failed(context, mechanism);
        }
        var lockout = context.Settings.Auth.Lockout;
        var policy = new LockoutPolicy(lockout.Failures, lockout.Window, lockout.Duration);
        var now = DateTimeOffset.UtcNow;
        return CommandOutcome.Await(SaslAccounts.RecordFailureAsync(context.Store, login, now, policy), state =>
        {
            if (state.LockedNow)
            {
                LoginLog.LockedOut(context, login, state.State!);
            }
            return PasswordLogin.Failed(context, mechanism, login);
        });
    }

    /// <summary>Strict base64 (RFC 9051 §9): no whitespace, padded to a multiple of 4.</summary>
    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0)
        {
            // An empty line is an empty response (RFC 9051 §6.2.2).
            return true;
        }
        if (text.Length % 4 != 0 || text.Any(char.IsWhiteSpace))
        {
            return false;
        }
        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out int written))
        {
            return false;
        }
        bytes = buffer[..written];
        return true;
    }

    private static string LocalHostName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "localhost";
        }
    }
}
