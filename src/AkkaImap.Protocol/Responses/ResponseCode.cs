namespace AkkaImap.Protocol.Responses;

/// <summary>
/// A response code, the bracketed part of resp-text (RFC 9051 §7.1, RFC 5530 and the
/// extensions that define their own). Codes without arguments are <see cref="AtomCode"/>
/// instances exposed as static properties; codes with arguments have their own record.
/// </summary>
public abstract record ResponseCode
{
    // RFC 9051 §7.1
    public static AtomCode Alert { get; } = new("ALERT");
    public static AtomCode Parse { get; } = new("PARSE");
    public static AtomCode ReadOnly { get; } = new("READ-ONLY");
    public static AtomCode ReadWrite { get; } = new("READ-WRITE");
    public static AtomCode TryCreate { get; } = new("TRYCREATE");
    public static AtomCode UidNotSticky { get; } = new("UIDNOTSTICKY");
    public static AtomCode Closed { get; } = new("CLOSED");
    public static AtomCode HasChildren { get; } = new("HASCHILDREN");
    public static AtomCode NotSaved { get; } = new("NOTSAVED");

    // RFC 5530 (also listed by RFC 9051 §7.1)
    public static AtomCode Unavailable { get; } = new("UNAVAILABLE");
    public static AtomCode AuthenticationFailed { get; } = new("AUTHENTICATIONFAILED");
    public static AtomCode AuthorizationFailed { get; } = new("AUTHORIZATIONFAILED");
    public static AtomCode Expired { get; } = new("EXPIRED");
    public static AtomCode PrivacyRequired { get; } = new("PRIVACYREQUIRED");
    public static AtomCode ContactAdmin { get; } = new("CONTACTADMIN");
    public static AtomCode NoPerm { get; } = new("NOPERM");
    public static AtomCode InUse { get; } = new("INUSE");
    public static AtomCode ExpungeIssued { get; } = new("EXPUNGEISSUED");
    public static AtomCode Corruption { get; } = new("CORRUPTION");
    public static AtomCode ServerBug { get; } = new("SERVERBUG");
    public static AtomCode ClientBug { get; } = new("CLIENTBUG");
    public static AtomCode Cannot { get; } = new("CANNOT");
    public static AtomCode Limit { get; } = new("LIMIT");
    public static AtomCode OverQuota { get; } = new("OVERQUOTA");
    public static AtomCode AlreadyExists { get; } = new("ALREADYEXISTS");
    public static AtomCode NonExistent { get; } = new("NONEXISTENT");

    // RFC 7162 §3.1.2 (CONDSTORE)
    public static AtomCode NoModSeq { get; } = new("NOMODSEQ");
    // RFC 6154 §5.3 (CREATE-SPECIAL-USE)
    public static AtomCode UseAttr { get; } = new("USEATTR");
    // RFC 4978 §4 (COMPRESS): compression is already active on this connection
    public static AtomCode CompressionActive { get; } = new("COMPRESSIONACTIVE");
    // RFC 4469 §4 / RFC 7889 (APPENDLIMIT): the message is larger than the server accepts
    public static AtomCode TooBig { get; } = new("TOOBIG");
}

/// <summary>A code that is a bare atom, e.g. <c>[TRYCREATE]</c>.</summary>
public sealed record AtomCode(string Name) : ResponseCode;

/// <summary><c>[BADCHARSET (UTF-8 US-ASCII)]</c>; an empty list writes <c>[BADCHARSET]</c>.</summary>
public sealed record BadCharsetCode(IReadOnlyList<string> Charsets) : ResponseCode;

/// <summary><c>[CAPABILITY IMAP4rev2 ...]</c>.</summary>
public sealed record CapabilityCode(IReadOnlyList<string> Capabilities) : ResponseCode;

/// <summary><c>[PERMANENTFLAGS (\Deleted \Seen \*)]</c>; include <c>\*</c> when keywords may be created.</summary>
public sealed record PermanentFlagsCode(IReadOnlyList<string> Flags) : ResponseCode;

public sealed record UidNextCode(uint UidNext) : ResponseCode;

public sealed record UidValidityCode(uint UidValidity) : ResponseCode;

/// <summary><c>[UNSEEN n]</c>: first unseen message number (IMAP4rev1 SELECT only).</summary>
public sealed record UnseenCode(uint SequenceNumber) : ResponseCode;

/// <summary><c>[APPENDUID uidvalidity uid-set]</c> (RFC 4315 §3); <paramref name="Uids"/> is a formatted set.</summary>
public sealed record AppendUidCode(uint UidValidity, string Uids) : ResponseCode;

/// <summary><c>[COPYUID uidvalidity source-set dest-set]</c> (RFC 4315 §3); both sets formatted, in matching order.</summary>
public sealed record CopyUidCode(uint UidValidity, string SourceUids, string DestinationUids) : ResponseCode;

/// <summary><c>[HIGHESTMODSEQ n]</c> (RFC 7162 §3.1.2.1).</summary>
public sealed record HighestModSeqCode(ulong HighestModSeq) : ResponseCode;

/// <summary><c>[MODIFIED set]</c> (RFC 7162 §3.1.3): messages that failed UNCHANGEDSINCE; formatted set.</summary>
public sealed record ModifiedCode(string Set) : ResponseCode;

/// <summary><c>[MAILBOXID (id)]</c> (RFC 8474 §4.1).</summary>
public sealed record MailboxIdCode(string MailboxId) : ResponseCode;
