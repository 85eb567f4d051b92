using System.Text;
using AkkaImap.Protocol.Names;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// A LIST/LSUB pattern joined with its reference (RFC 9051 §6.3.9): <c>*</c> matches anything,
/// <c>%</c> anything but the hierarchy delimiter. The INBOX part of a name matches
/// case-insensitively (RFC 9051 §5.1). Matching runs the pattern as a small automaton, so it is
/// linear in pattern × name length whatever wildcards the client sends.
/// </summary>
internal sealed class MailboxPattern
{
    private static readonly MailboxPattern Nothing = new("", matchesNothing: true);

    private readonly string _pattern;
    private readonly bool _matchesNothing;

    private MailboxPattern(string pattern, bool matchesNothing = false)
    {
        _pattern = pattern;
        _matchesNothing = matchesNothing;
    }

    /// <summary>
    /// Joins <paramref name="reference"/> and <paramref name="pattern"/> (both as sent) by
    /// concatenation (RFC 9051 §6.3.9), with one delimiter where both bring one, as Dovecot does:
    /// there is no "/" root to be absolute to, since no name starts with the delimiter. A reference
    /// or pattern that does not decode matches nothing.
    /// </summary>
    public static MailboxPattern Create(string reference, string pattern, bool utf8)
    {
        if (!MailboxNameEncoding.TryFromWire(reference, utf8, out var decodedReference)
            || !MailboxNameEncoding.TryFromWire(pattern, utf8, out var decodedPattern))
        {
            return Nothing;
        }
        var full = decodedReference.EndsWith(FolderNames.Delimiter) && decodedPattern.StartsWith(FolderNames.Delimiter)
            ? decodedReference + decodedPattern[1..]
            : decodedReference + decodedPattern;
        var collapsed = Collapse(full, out int literals);
        // Every literal character consumes one character of a name, and no name is longer than this.
        return literals > MailboxNames.MaxBytes ? Nothing : new MailboxPattern(collapsed);
    }

    /// <summary>True when the pattern names exactly one mailbox (no wildcards).</summary>
    public bool IsLiteral => !_matchesNothing && _pattern.AsSpan().IndexOfAny('%', '*') < 0;

    public bool Matches(string name)
    {
        if (_matchesNothing)
        {
            return false;
        }
        bool inboxRooted = name.StartsWith(FolderNames.Inbox, StringComparison.Ordinal)
            && (name.Length == FolderNames.Inbox.Length || name[FolderNames.Inbox.Length] == FolderNames.Delimiter);
        int states = _pattern.Length + 1;
        var current = new bool[states];
        var next = new bool[states];
        current[0] = true;
        Close(current);
        for (int k = 0; k < name.Length; k++)
        {
            Array.Clear(next);
            char ch = name[k];
            bool ignoreCase = inboxRooted && k < FolderNames.Inbox.Length;
            bool any = false;
            for (int i = 0; i < _pattern.Length; i++)
            {
                if (!current[i])
                {
                    continue;
                }
                char p = _pattern[i];
                if (p == '*' || (p == '%' && ch != FolderNames.Delimiter))
                {
                    next[i] = any = true;
                }
                else if (p == ch || (ignoreCase && char.ToUpperInvariant(p) == ch))
                {
                    next[i + 1] = any = true;
                }
            }
            if (!any)
            {
                return false;
            }
            Close(next);
            (current, next) = (next, current);
        }
        return current[_pattern.Length];
    }

    /// <summary>A wildcard may match nothing: being before it also means being after it.</summary>
    private void Close(bool[] states)
    {
        for (int i = 0; i < _pattern.Length; i++)
        {
            if (states[i] && _pattern[i] is '*' or '%')
            {
                states[i + 1] = true;
            }
        }
    }

    /// <summary>Runs of wildcards become one: "%*%" is "*", "%%" is "%".</summary>
    private static string Collapse(string pattern, out int literals)
    {
        var builder = new StringBuilder(pattern.Length);
        literals = 0;
        for (int i = 0; i < pattern.Length;)
        {
            if (pattern[i] is not ('*' or '%'))
            {
                builder.Append(pattern[i++]);
                literals++;
                continue;
            }
            bool star = false;
            for (; i < pattern.Length && pattern[i] is '*' or '%'; i++)
            {
                star |= pattern[i] == '*';
            }
            builder.Append(star ? '*' : '%');
        }
        return builder.ToString();
    }
}
