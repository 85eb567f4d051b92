using Akka.Actor;
using AkkaImap.Protocol.Lmtp;
using AkkaImap.Server.Configuration;
using AkkaImap.Storage;

namespace AkkaImap.Server.Lmtp;

/// <summary>
/// What every LMTP session of one server shares: the settings, the store (recipient look-ups,
/// staging of large bodies), the owner region (every delivery is an APPEND through the mailbox's
/// owner), the session tracker (BYE on shutdown) and the name the server greets with.
/// </summary>
public sealed record LmtpServices(ImapSettings Settings, IStore Store, IActorRef Owners, IActorRef? Tracker, string HostName)
{
    public LmtpLimits Limits { get; } = new(
        Settings.Lmtp.MaxLine,
        Settings.Limits.MaxLiteral,
        Settings.Lmtp.MaxRecipients,
        Settings.Limits.MaxBadCommands);
}
