namespace AkkaImap.Storage;

/// <summary>Why a store operation was refused; the server maps these to NO responses.</summary>
public enum StoreError
{
    NotFound,
    AlreadyExists,
    /// <summary>The target still holds data (post office with mailboxes; \Noselect folder with children).</summary>
    NotEmpty,
    /// <summary>The operation is never allowed (delete INBOX, rename into itself, bad name).</summary>
    NotAllowed,
    /// <summary>The folder is \Noselect and holds no messages.</summary>
    NoSelect,
    /// <summary>
    /// The disk (or the file system quota) under the store is full: nothing of the operation was
    /// kept, and it may succeed once space is freed. Never a reason to stop the server.
    /// </summary>
    StorageFull,
    /// <summary>The change would take the mailbox over its storage or message quota (RFC 9208); nothing was written.</summary>
    OverQuota,
    /// <summary>
    /// Another process took the mailbox's owner lease (<see cref="IMailStore.TakeOwnershipAsync"/>):
    /// the mailbox is served elsewhere now, and nothing was written. The writer's cached view of
    /// the mailbox is out of date.
    /// </summary>
    Superseded,
    /// <summary>
    /// The folder has given out every UID it can: UIDs and UIDNEXT are 32-bit numbers (RFC 9051
    /// §2.3.1.1), so no message is given a UID above 4,294,967,294. Nothing was written.
    /// </summary>
    UidsExhausted,
}

/// <summary>
/// A refused store operation. Thrown for expected refusals with a code, and for a full disk
/// (<see cref="StoreError.StorageFull"/>); other I/O failures surface as the provider's exceptions.
/// </summary>
public sealed class StoreException(StoreError error, string message) : Exception(message)
{
    public StoreError Error { get; } = error;
}
