using System.Collections.Concurrent;
using System.Net;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// Consecutive failed logins per client address, shared by every session of a server, so that
/// <c>auth.failure-delay</c> doubles per failure from one address (SPEC.md, Settings) and a client
/// gains nothing by opening a new connection for each guess. Each failure is also kept against the
/// login it tried: a success forgives only the failures made for the account that succeeded, so one
/// valid account cannot reset the penalty of guesses sprayed across other accounts.
/// </summary>
public sealed class AuthFailureTracker
{
    // An address space scan must not grow these without bound; forgetting everyone is harmless
    // (the delay starts again from auth.failure-delay; the account lockout is kept in the store).
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<IPAddress, int> _byAddress = new();
    private readonly ConcurrentDictionary<(IPAddress Address, string Login), int> _byLogin = new();

    /// <summary>
    /// Counts one more failure from <paramref name="remote"/> (for <paramref name="login"/> when one
    /// was named); returns how many in a row from that address.
    /// </summary>
    public int RecordFailure(EndPoint remote, string? login = null)
    {
        if (_byAddress.Count >= MaxEntries || _byLogin.Count >= MaxEntries)
        {
            _byAddress.Clear();
            _byLogin.Clear();
        }
        var address = AddressOf(remote);
        if (Normalize(login) is { } key)
        {
            _byLogin.AddOrUpdate((address, key), 1, (_, count) => count + 1);
        }
        return _byAddress.AddOrUpdate(address, 1, (_, count) => count + 1);
    }

    /// <summary><paramref name="login"/> signed in from <paramref name="remote"/>: its own failures from there are forgiven.</summary>
    public void RecordSuccess(EndPoint remote, string login)
    {
        var address = AddressOf(remote);
        if (Normalize(login) is not { } key || !_byLogin.TryRemove((address, key), out var forgiven))
        {
            return;
        }
        _byAddress.AddOrUpdate(address, 0, (_, count) => Math.Max(0, count - forgiven));
        _byAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
    }

    private static string? Normalize(string? login) =>
        string.IsNullOrWhiteSpace(login) ? null : login.Trim().ToLowerInvariant();

    private static IPAddress AddressOf(EndPoint remote) => remote switch
    {
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => ip.Address.MapToIPv4(),
        IPEndPoint ip => ip.Address,
        _ => IPAddress.None,
    };
}
