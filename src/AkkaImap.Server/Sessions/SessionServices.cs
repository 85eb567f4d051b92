using Akka.Actor;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Configuration;
using AkkaImap.Storage;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// What every session of one server shares. <paramref name="Tracker"/> is the
/// <see cref="SessionTracker"/> that tells sessions of a stopping server to say BYE; null in
/// tests that drive a single session.
/// </summary>
public sealed record SessionServices(
    ImapSettings Settings,
    IStore Store,
    IActorRef Owners,
    IActorRef Workers,
    CommandRegistry Registry,
    IActorRef? Tracker = null)
{
    /// <summary>Failed logins per client address, for the doubling failure delay.</summary>
    public AuthFailureTracker AuthFailures { get; } = new();

    /// <summary>Recent password logins (<c>auth.cache</c>), shared by every session of this server.</summary>
    public LoginCache LoginCache { get; } = new(Settings.Auth.CacheSize, Settings.Auth.CacheTtl);
}
