using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AkkaImap.Storage;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// Remembers recent password logins (<c>auth.cache</c>), as Dovecot's <c>auth_cache</c> does, so
/// that a client that logs in again with the same password skips the PBKDF2 derivation (4096
/// rounds of HMAC-SHA-256, most of a LOGIN's CPU). An entry holds the account, an HMAC of login and
/// password under a key made at start (never the password, nor a hash an attacker could test
/// passwords against offline without that key), and the directory version it was verified at. It
/// answers only when that version is still the store's (<see cref="IDirectoryStore.GetDirectoryVersionAsync"/>,
/// bumped by every password change, account removal and unlock, from any node or the CLI) and it is
/// younger than <c>auth.cache.ttl</c>: a password change takes effect at once. Lockout is checked
/// before the cache on every login, and a wrong password always goes to the store, so failures
/// count as before. Thread-safe: used from store continuations of many sessions.
/// </summary>
public sealed class LoginCache(int size, TimeSpan ttl)
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>False when <c>auth.cache.size = 0</c>: every login derives its key.</summary>
    public bool Enabled => size > 0 && ttl > TimeSpan.Zero;

    /// <summary>Entries held now (at most the configured size).</summary>
    public int Count => _entries.Count;

    /// <summary>The account when <paramref name="login"/> logged in with this password at <paramref name="directoryVersion"/> within the TTL.</summary>
    public Account? Find(string login, string password, long directoryVersion)
    {
        if (!Enabled || !_entries.TryGetValue(login, out var entry))
        {
            return null;
        }

        if (entry.DirectoryVersion != directoryVersion || Environment.TickCount64 - entry.Added > (long)ttl.TotalMilliseconds)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(login, entry));
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(entry.Mac, Mac(login, password)) ? entry.Account : null;
    }

    /// <summary>After a verified login: <paramref name="directoryVersion"/> must have been read before the password was verified.</summary>
    public void Remember(string login, string password, long directoryVersion, Account account)
    {
        if (!Enabled)
        {
            return;
        }

        if (_entries.Count >= size && !_entries.ContainsKey(login))
        {
            MakeRoom();
        }

        _entries[login] = new Entry(Mac(login, password), directoryVersion, Environment.TickCount64, account);
    }

    /// <summary>Drops expired entries; when none were, the oldest tenth (at least one).</summary>
    private void MakeRoom()
    {
        var now = Environment.TickCount64;
        var expired = _entries.Where(e => now - e.Value.Added > (long)ttl.TotalMilliseconds).Select(e => e.Key).ToList();
        if (expired.Count == 0)
        {
            expired = _entries.OrderBy(e => e.Value.Added).Take(Math.Max(1, size / 10)).Select(e => e.Key).ToList();
        }

        foreach (var login in expired)
        {
            _entries.TryRemove(login, out _);
        }
    }

    private byte[] Mac(string login, string password)
    {
        var bytes = Encoding.UTF8.GetBytes(login + "\0" + password);
        try
        {
            return HMACSHA256.HashData(_key, bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private sealed record Entry(byte[] Mac, long DirectoryVersion, long Added, Account Account);
}
