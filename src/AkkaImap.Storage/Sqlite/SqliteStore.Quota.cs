using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// Quotas (RFC 9208): limits per mailbox with a default per post office, use counted from the
// messages of the mailbox's folders, and the check inside the commit of APPEND and COPY/MOVE.
public sealed partial class SqliteStore
{
    public Task<bool> SetAccountQuotaAsync(string login, QuotaChange change, CancellationToken ct = default) =>
        Write(c =>
        {
            if (FindAccountIds(c, login) is not { } ids) return false;
            ApplyQuota(c, "accounts", ids.Id, change);
            BumpDirectoryVersion(c);
            return true;
        }, ct);

    public Task<bool> SetPostOfficeQuotaAsync(string name, QuotaChange change, CancellationToken ct = default) =>
        Write(c =>
        {
            if (c.Scalar<long?>("SELECT id FROM post_offices WHERE name = @n", ("@n", name.Trim())) is not { } id) return false;
            // A post office's "none" is no default: stored as NULL, not as the mailbox's explicit exemption.
            ApplyQuota(c, "post_offices", id, change with
            {
                Storage = change.Storage == QuotaChange.Unlimited ? null : change.Storage,
                Messages = change.Messages == QuotaChange.Unlimited ? null : change.Messages,
            });
            BumpDirectoryVersion(c);
            return true;
        }, ct);

    public Task<(QuotaLimits Account, QuotaLimits PostOffice)?> GetQuotaLimitsAsync(string login, CancellationToken ct = default) =>
        Read<(QuotaLimits, QuotaLimits)?>(c =>
        {
            using var cmd = c.Cmd("""
                SELECT a.quota_storage, a.quota_messages, p.quota_storage, p.quota_messages
                FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.login = @l
                """, ("@l", login.Trim()));
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            return (new QuotaLimits(Nullable(r, 0), Nullable(r, 1)), new QuotaLimits(Nullable(r, 2), Nullable(r, 3)));
        }, ct);

    public Task<MailboxQuota?> GetQuotaAsync(long accountId, CancellationToken ct = default) =>
        Read(c =>
        {
            if (EffectiveLimits(c, accountId) is not { } limits) return null;
            var (bytes, count) = Usage(c, accountId);
            return new MailboxQuota(limits.Storage, limits.Messages, bytes, count);
        }, ct);

    private static void ApplyQuota(SqliteConnection c, string table, long id, QuotaChange change)
    {
        if (change.SetStorage) c.Exec($"UPDATE {table} SET quota_storage = @v WHERE id = @id", ("@v", change.Storage), ("@id", id));
        if (change.SetMessages) c.Exec($"UPDATE {table} SET quota_messages = @v WHERE id = @id", ("@v", change.Messages), ("@id", id));
    }

    /// <summary>The limits that apply to a mailbox (its own, else its post office's; -1 means none). Null when no such account.</summary>
    private static (long? Storage, long? Messages)? EffectiveLimits(SqliteConnection c, long accountId)
    {
        using var cmd = c.Cmd("""
            SELECT COALESCE(a.quota_storage, p.quota_storage), COALESCE(a.quota_messages, p.quota_messages)
            FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.id = @a
            """, ("@a", accountId));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return (StoreRules.Limit(Nullable(r, 0)), StoreRules.Limit(Nullable(r, 1)));
    }


    private static long? Nullable(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    /// <summary>Bytes and count of every message in the mailbox's folders (RFC 9208 §5.1 STORAGE, MESSAGE), from the folders' counts (schema 14).</summary>
    private static (long Bytes, long Messages) Usage(SqliteConnection c, long accountId)
    {
        using var cmd = c.Cmd("""
            SELECT COALESCE(SUM(total_size), 0), COALESCE(SUM(message_count), 0) FROM folders
            WHERE owner_kind = @k AND owner_id = @a
            """, ("@k", (int)OwnerKind.Account), ("@a", accountId));
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>
    /// Inside a write, before anything is written: refuses adding <paramref name="messages"/>
    /// messages of <paramref name="bytes"/> bytes to the folder's mailbox when that would pass one of
    /// its limits (RFC 9208 §4.4: the whole command fails, nothing is half-written). Public folders
    /// have no quota. A mailbox without limits costs one indexed read.
    /// </summary>
    private static void CheckQuota(SqliteConnection c, long folderId, long bytes, long messages)
    {
        if (messages == 0) return;
        using var cmd = c.Cmd("SELECT owner_kind, owner_id FROM folders WHERE id = @f", ("@f", folderId));
        long accountId;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read() || r.GetInt32(0) != (int)OwnerKind.Account) return;
            accountId = r.GetInt64(1);
        }
        if (EffectiveLimits(c, accountId) is not { } limits || limits is (null, null)) return;
        var (usedBytes, usedMessages) = Usage(c, accountId);
        StoreRules.CheckQuota(limits, (usedBytes, usedMessages), bytes, messages);
    }
}
