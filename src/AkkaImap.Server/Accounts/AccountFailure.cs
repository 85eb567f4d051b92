using AkkaImap.Protocol.Responses;
using AkkaImap.Storage;

namespace AkkaImap.Server.Accounts;

/// <summary>Why an account command failed; each maps to one response code (RFC 5530, RFC 9051 §7.1).</summary>
public enum AccountFailure
{
    /// <summary>The named folder does not exist (SELECT, DELETE, RENAME source).</summary>
    NonExistent,
    /// <summary>The target of APPEND/COPY/MOVE does not exist; the client may CREATE it and retry.</summary>
    TryCreate,
    AlreadyExists,
    /// <summary>A \Noselect folder with children cannot be deleted (RFC 9051 §6.3.5).</summary>
    HasChildren,
    /// <summary>Never allowed (delete INBOX, rename into itself, malformed name, select \Noselect).</summary>
    Cannot,
    /// <summary>A configured limit would be exceeded (<c>limits.max-folders</c>), or a folder has no UIDs left.</summary>
    Limit,
    /// <summary>The mailbox would go over its storage or message quota (RFC 9208 §4.4 OVERQUOTA); nothing changed.</summary>
    OverQuota,
    /// <summary>An unexpected error in the server or the store; logged.</summary>
    ServerBug,
    /// <summary>The store cannot take the change now (its disk is full); logged, nothing was kept, try again later.</summary>
    Unavailable,
}

public static class AccountFailureCodes
{
    /// <summary>The response code for <c>NO [code] text</c>.</summary>
    public static ResponseCode ToResponseCode(this AccountFailure failure) => failure switch
    {
        AccountFailure.NonExistent => ResponseCode.NonExistent,
        AccountFailure.TryCreate => ResponseCode.TryCreate,
        AccountFailure.AlreadyExists => ResponseCode.AlreadyExists,
        AccountFailure.HasChildren => ResponseCode.HasChildren,
        AccountFailure.Cannot => ResponseCode.Cannot,
        AccountFailure.Limit => ResponseCode.Limit,
        AccountFailure.Unavailable => ResponseCode.Unavailable,
        AccountFailure.OverQuota => ResponseCode.OverQuota,
        _ => ResponseCode.ServerBug,
    };

    /// <summary>
    /// Maps a store refusal. <paramref name="missingIsTarget"/> is true for APPEND/COPY/MOVE, where a
    /// missing or \Noselect target gets TRYCREATE (RFC 9051 §6.3.12, §6.4.7).
    /// </summary>
    internal static AccountFailure FromStoreError(StoreError error, bool missingIsTarget) => error switch
    {
        StoreError.NotFound or StoreError.NoSelect when missingIsTarget => AccountFailure.TryCreate,
        StoreError.NotFound => AccountFailure.NonExistent,
        StoreError.NoSelect => AccountFailure.Cannot,
        StoreError.AlreadyExists => AccountFailure.AlreadyExists,
        StoreError.NotEmpty => AccountFailure.HasChildren,
        StoreError.NotAllowed => AccountFailure.Cannot,
        StoreError.StorageFull or StoreError.Superseded => AccountFailure.Unavailable,
        StoreError.OverQuota => AccountFailure.OverQuota,
        StoreError.UidsExhausted => AccountFailure.Limit,
        _ => AccountFailure.ServerBug,
    };
}
