using System.Collections.Concurrent;
using System.Net;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// Consecutive failed logins per client address, shared by every session of a server, so that
/// <c>auth.failure-delay</c> doubles per failure from one address (SPEC.md, Settings) and a client
/// gains nothing by opening a new connection for each guess. A success from the address resets it.
/// </summary>
public sealed class AuthFailureTracker
{
    // An address space scan must not grow this without bound; forgetting everyone is harmless
    // (the delay starts again from auth.failure-delay; the account lockout is kept in the store).
    private const int MaxAddresses = 100_000;

    private readonly ConcurrentDictionary<IPAddress, int> _failures = new();

    /// <summary>Counts one more failure from <paramref name="remote"/>; returns how many in a row.</summary>
    public int RecordFailure(EndPoint remote)
    {
        if (_failures.Count >= MaxAddresses)
        {
            _failures.Clear();
        }
        return _failures.AddOrUpdate(AddressOf(remote), 1, (_, count) => count + 1);
    }

    public void RecordSuccess(EndPoint remote) => _failures.TryRemove(AddressOf(remote), out _);

    private static IPAddress AddressOf(EndPoint remote) => remote switch
    {
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => ip.Address.MapToIPv4(),
        IPEndPoint ip => ip.Address,
        _ => IPAddress.None,
    };
}
