namespace AkkaImap.Protocol.Model;

/// <summary>
/// The system flags of RFC 9051 §2.3.2 as bits, so a store can keep them in one integer and
/// the writer can emit them without building strings. Keywords travel separately as atoms.
/// \Recent exists only in IMAP4rev1 (RFC 3501 §2.3.2); rev2 sessions never see it set.
/// </summary>
[Flags]
public enum SystemFlags
{
    None = 0,
    Answered = 1,
    Flagged = 2,
    Deleted = 4,
    Seen = 8,
    Draft = 16,
    Recent = 32,
}
