namespace AkkaImap.Storage;

/// <summary>
/// The rights of RFC 4314 §2.1, one bit each. Public folders carry an access control list; a
/// mailbox's own folders have every right for their owner and no list.
/// </summary>
[Flags]
public enum AclRight : ushort
{
    None = 0,
    /// <summary>l: the folder is visible to LIST and LSUB.</summary>
    Lookup = 1 << 0,
    /// <summary>r: SELECT, EXAMINE, STATUS, FETCH, SEARCH, COPY from.</summary>
    Read = 1 << 1,
    /// <summary>s: keep \Seen (per reader in public folders).</summary>
    Seen = 1 << 2,
    /// <summary>w: every flag and keyword other than \Seen and \Deleted.</summary>
    Write = 1 << 3,
    /// <summary>i: APPEND, COPY and MOVE into.</summary>
    Insert = 1 << 4,
    /// <summary>p: send mail to the folder's submission address (no delivery path here; kept so lists round-trip).</summary>
    Post = 1 << 5,
    /// <summary>k: CREATE below, RENAME to below.</summary>
    CreateMailbox = 1 << 6,
    /// <summary>x: DELETE the folder, RENAME it away.</summary>
    DeleteMailbox = 1 << 7,
    /// <summary>t: set or clear \Deleted.</summary>
    DeleteMessages = 1 << 8,
    /// <summary>e: EXPUNGE (and CLOSE's expunge, MOVE out).</summary>
    Expunge = 1 << 9,
    /// <summary>a: GETACL, SETACL, DELETEACL, LISTRIGHTS.</summary>
    Admin = 1 << 10,
    All = Lookup | Read | Seen | Write | Insert | Post | CreateMailbox | DeleteMailbox | DeleteMessages | Expunge | Admin,
}

/// <summary>One entry of a public folder's list: <see cref="AccountId"/> 0 is <c>anyone</c>.</summary>
public sealed record AclEntry(long AccountId, string Identifier, AclRight Rights);

/// <summary>Rights as RFC 4314 letters, with the obsolete <c>c</c> and <c>d</c> of §2.1.1.</summary>
public static class AclRights
{
    /// <summary>The identifier every signed-in mailbox of the post office matches.</summary>
    public const string Anyone = "anyone";

    /// <summary>The standard letters in the order lists are written.</summary>
    public const string Letters = "lrswipkxtea";

    /// <summary>
    /// A new public folder without a parent, <c>lrswipkte</c>: every mailbox of the post office may
    /// read, flag, add, expunge and create sub-folders, but not delete or rename a folder (x: one
    /// user could otherwise throw away everyone's mail) nor administer it (a). The administrator
    /// grants those with the CLI. A sub-folder copies its parent's list.
    /// </summary>
    public const AclRight Default = AclRight.All & ~AclRight.Admin & ~AclRight.DeleteMailbox;

    /// <summary><c>--read-only on</c>: anyone may see, read and keep its own \Seen, nothing more.</summary>
    public const AclRight ReadOnly = AclRight.Lookup | AclRight.Read | AclRight.Seen;

    /// <summary>The rights that change a folder's messages: without any of them a SELECT is read-only.</summary>
    public const AclRight Changes = AclRight.Seen | AclRight.Write | AclRight.Insert | AclRight.DeleteMessages | AclRight.Expunge;

    // RFC 4314 §2.1.1, the first group (as RIGHTS=texk says): "create" is k and x, "delete" is t and e.
    private const AclRight Create = AclRight.CreateMailbox | AclRight.DeleteMailbox;
    private const AclRight Delete = AclRight.DeleteMessages | AclRight.Expunge;

    public static AclRight Of(char letter) => letter switch
    {
        'l' => AclRight.Lookup,
        'r' => AclRight.Read,
        's' => AclRight.Seen,
        'w' => AclRight.Write,
        'i' => AclRight.Insert,
        'p' => AclRight.Post,
        'k' => AclRight.CreateMailbox,
        'x' => AclRight.DeleteMailbox,
        't' => AclRight.DeleteMessages,
        'e' => AclRight.Expunge,
        'a' => AclRight.Admin,
        'c' => Create,
        'd' => Delete,
        _ => AclRight.None,
    };

    /// <summary>Parses a rights string (case-sensitive, as the RFC's letters are); false at the first unknown letter.</summary>
    public static bool TryParse(string text, out AclRight rights, out char unknown)
    {
        rights = AclRight.None;
        unknown = '\0';
        foreach (var ch in text)
        {
            var right = Of(ch);
            if (right == AclRight.None)
            {
                unknown = ch;
                return false;
            }
            rights |= right;
        }
        return true;
    }

    /// <summary>The letters in canonical order, as stored and as GETACL and MYRIGHTS answer.</summary>
    public static string Format(AclRight rights)
    {
        Span<char> letters = stackalloc char[Letters.Length];
        int n = 0;
        foreach (var ch in Letters)
        {
            if ((rights & Of(ch)) != 0) letters[n++] = ch;
        }
        return new string(letters[..n]);
    }

    /// <summary>
    /// As IMAP answers them: the standard letters plus <c>c</c> and <c>d</c> when every member of the
    /// "create" or "delete" right is held, so RFC 2086 clients read them too (RFC 4314 §2.1.1).
    /// </summary>
    public static string FormatForClient(AclRight rights)
    {
        var text = Format(rights);
        if ((rights & Create) == Create) text += "c";
        if ((rights & Delete) == Delete) text += "d";
        return text;
    }

    /// <summary>Stored text back to rights; unknown letters (none are written) are dropped.</summary>
    public static AclRight FromStored(string? text)
    {
        var rights = AclRight.None;
        foreach (var ch in text ?? "") rights |= Of(ch);
        return rights;
    }
}
