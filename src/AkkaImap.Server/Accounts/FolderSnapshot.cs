using AkkaImap.Storage;

namespace AkkaImap.Server.Accounts;

/// <summary>
/// A selected folder as it was at one commit: what SELECT/EXAMINE answers (RFC 9051 §6.3.2) and
/// what a <see cref="Sessions.SelectedFolderView"/> starts from. Events sent after it apply on top.
/// </summary>
/// <param name="Messages">Every message, ascending UID; position + 1 is the sequence number.</param>
/// <param name="Keywords">Keywords in use in the folder (for the FLAGS response), ordinal order.</param>
/// <param name="ReadOnly">EXAMINE, as asked: the session answers [READ-ONLY] and refuses changes.</param>
public sealed record FolderSnapshot(
    long FolderId,
    string Name,
    uint UidValidity,
    uint UidNext,
    ulong HighestModSeq,
    IReadOnlyList<MessageFlagState> Messages,
    IReadOnlyList<string> Keywords,
    bool ReadOnly,
    string MailboxId,
    string? SpecialUse)
{
    /// <summary>The reader's rights in the folder (RFC 4314): all in its own folders, its entry and anyone's in a public one.</summary>
    public AclRight Rights { get; init; } = AclRight.All;
}
