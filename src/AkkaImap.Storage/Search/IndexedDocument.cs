using System.Text;
using AkkaImap.Protocol.Model;

namespace AkkaImap.Storage.Search;

/// <summary>The SEARCH keys the full-text index answers (RFC 9051 §6.4.4).</summary>
public enum IndexedField : byte
{
    /// <summary>TEXT: the header or the body.</summary>
    Text,
    Body,
    From,
    To,
    Cc,
    Bcc,
    Subject,
}

/// <summary>
/// What the full-text index holds for one message: exactly the strings SEARCH's plain scan
/// compares (<see cref="MessageText.HeaderText"/>, each of <see cref="MessageText.BodyTexts"/>,
/// <see cref="EnvelopeText.Of"/> for the five envelope fields), made by the same code from the same
/// parse, then folded with <see cref="Fold"/>. The scan matches with
/// <c>string.Contains(value, OrdinalIgnoreCase)</c>; with invariant globalization (the build sets
/// it) that compares the simple upper-case mapping of each character, which is what
/// <see cref="string.ToUpperInvariant"/> produces, so "the folded text contains the folded needle"
/// is the scan's answer. A trigram index then answers "contains" exactly for needles of three
/// characters or more (<see cref="NeedleFor"/>); shorter ones go to the scan.
/// </summary>
public sealed record IndexedDocument(string Header, string Body, string? From, string? To, string? Cc, string? Bcc, string? Subject)
{
    /// <summary>
    /// Joins the text parts in <see cref="Body"/>: a Unicode noncharacter, so a needle can only
    /// match across two parts if it contains it, and such needles go to the scan.
    /// </summary>
    public const char PartSeparator = '\uFFFF';

    /// <summary>
    /// Messages with more text than this (headers and decoded text parts, in characters) are not
    /// indexed: the trigrams of a multi-megabyte body would cost the commit seconds and the disk many
    /// times the text, so such a message is listed as unindexed and the scan answers for it.
    /// </summary>
    public const long MaxIndexedChars = 1L << 20;

    /// <summary>The message's document, or null when its text is over <see cref="MaxIndexedChars"/> (scanned instead).</summary>
    public static IndexedDocument? OfOrNull(MessageText text, Envelope envelope)
    {
        long chars = text.HeaderText.Length;
        foreach (var part in text.BodyTexts ?? []) chars += part.Length;
        return chars > MaxIndexedChars ? null : Of(text, envelope);
    }

    public static IndexedDocument Of(MessageText text, Envelope envelope) => new(
        Stored(text.HeaderText),
        Stored(string.Join(PartSeparator, text.BodyTexts ?? [])),
        FoldOrNull(EnvelopeText.Of(envelope, "From")),
        FoldOrNull(EnvelopeText.Of(envelope, "To")),
        FoldOrNull(EnvelopeText.Of(envelope, "Cc")),
        FoldOrNull(EnvelopeText.Of(envelope, "Bcc")),
        FoldOrNull(EnvelopeText.Of(envelope, "Subject")));

    /// <summary>The index's case folding: the simple upper-case mapping, character by character.</summary>
    public static string Fold(string text) => text.ToUpperInvariant();

    /// <summary>
    /// Folded, and storable as text in both stores: NUL (PostgreSQL text cannot hold it) and
    /// unpaired surrogates (not UTF-8) become U+FFFD. No needle the index answers contains any of
    /// the three (<see cref="NeedleFor"/>), so this changes no answer.
    /// </summary>
    private static string Stored(string text)
    {
        var folded = Fold(text);
        if (!folded.Contains('\0') && !HasSurrogates(folded))
        {
            return folded;
        }
        var chars = folded.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (chars[i] == '\0' || char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }
        return new string(chars);
    }

    private static bool HasSurrogates(string text) => text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    private static string? FoldOrNull(string? text) => text is null ? null : Stored(text);

    /// <summary>
    /// The folded needle the index can answer exactly, or null when only the scan can: fewer than
    /// three characters (a trigram index has nothing to look up), or characters the index text
    /// cannot be trusted on — the part separator, U+FFFD and unpaired surrogates (text is stored
    /// as UTF-8, where an unpaired surrogate becomes U+FFFD), and NUL.
    /// </summary>
    public static string? NeedleFor(string value)
    {
        var folded = Fold(value);
        int characters = 0;
        foreach (var _ in folded.EnumerateRunes())
        {
            characters++;
        }
        if (characters < 3)
        {
            return null;
        }
        for (int i = 0; i < folded.Length; i++)
        {
            var c = folded[i];
            if (c is PartSeparator or '\uFFFD' or '\0')
            {
                return null;
            }
            if (char.IsHighSurrogate(c) && i + 1 < folded.Length && char.IsLowSurrogate(folded[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                return null;
            }
        }
        return folded;
    }
}

/// <summary>
/// An index lookup in one folder: the UIDs whose text contains the needle, and the UIDs the index
/// holds no text for (their bodies could not be read at append): those go to the plain scan.
/// </summary>
public sealed record IndexedMatches(IReadOnlySet<uint> Matches, IReadOnlySet<uint> Unindexed);
