using Npgsql;

namespace AkkaImap.Storage.Postgres;

// Quotas (RFC 9208), as the SQLite store keeps them: limits per mailbox with a default per post
// office, use counted from the messages of the mailbox's folders, and the check inside the commit
// of APPEND and COPY/MOVE (akkaimap_check_quota, PgWriteFunctions). Writes to one mailbox's folders
// may run on different writer loops, so the check locks the account row first: two appends to a
// limited mailbox commit one after the other and can never both pass its limit.
public sealed partial class PostgresStore
{
    public Task<bool> SetAccountQuotaAsync(string login, QuotaChange change, CancellationToken ct = default) =>
        Write(async c =>
        {
            if (await FindAccountIds(c, login) is not { } ids) return false;
            await ApplyQuota(c, "accounts", ids.Id, change);
            await BumpDirectoryVersion(c);
            return true;
        }, ct);

    public Task<bool> SetPostOfficeQuotaAsync(string name, QuotaChange change, CancellationToken ct = default) =>
        Write(async c =>
        {
            if (await c.ScalarAsync<long?>("SELECT id FROM post_offices WHERE name = @n FOR UPDATE", ("@n", Key(name))) is not { } id) return false;
            // A post office's "none" is no default: stored as NULL, not as a mailbox's explicit exemption.
            await ApplyQuota(c, "post_offices", id, change with
            {
                Storage = change.Storage == QuotaChange.Unlimited ? null : change.Storage,
                Messages = change.Messages == QuotaChange.Unlimited ? null : change.Messages,
            });
            await BumpDirectoryVersion(c);
            return true;
        }, ct);

    public Task<(QuotaLimits Account, QuotaLimits PostOffice)?> GetQuotaLimitsAsync(string login, CancellationToken ct = default) =>
        Read<(QuotaLimits, QuotaLimits)?>(async c =>
        {
            var rows = await c.ListAsync("""
                SELECT a.quota_storage, a.quota_messages, p.quota_storage, p.quota_messages
                FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.login = @l
                """, r => (new QuotaLimits(Nullable(r, 0), Nullable(r, 1)), new QuotaLimits(Nullable(r, 2), Nullable(r, 3))), ("@l", Key(login)));
            return rows.Count == 0 ? null : rows[0];
        }, ct);

    public Task<MailboxQuota?> GetQuotaAsync(long accountId, CancellationToken ct = default) =>
        Read(async c =>
        {
            if (await EffectiveLimits(c, accountId, forUpdate: false) is not { } limits) return null;
            var (bytes, count) = await Usage(c, accountId);
            return new MailboxQuota(limits.Storage, limits.Messages, bytes, count);
        }, ct);

    private static async Task ApplyQuota(NpgsqlConnection c, string table, long id, QuotaChange change)
    {
        if (change.SetStorage) await c.ExecAsync($"UPDATE {table} SET quota_storage = @v WHERE id = @id", ("@v", Pg.Big(change.Storage)), ("@id", id));
        if (change.SetMessages) await c.ExecAsync($"UPDATE {table} SET quota_messages = @v WHERE id = @id", ("@v", Pg.Big(change.Messages)), ("@id", id));
    }

    /// <summary>
    /// The limits that apply to a mailbox (its own, else its post office's; -1 means none). Null
    /// when no such account. <paramref name="forUpdate"/> locks the account row for the transaction.
    /// </summary>
    private static async Task<(long? Storage, long? Messages)?> EffectiveLimits(NpgsqlConnection c, long accountId, bool forUpdate)
    {
        var rows = await c.ListAsync("""
            SELECT COALESCE(a.quota_storage, p.quota_storage), COALESCE(a.quota_messages, p.quota_messages)
            FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.id = @a
            """ + (forUpdate ? " FOR UPDATE OF a" : ""), r => (StoreRules.Limit(Nullable(r, 0)), StoreRules.Limit(Nullable(r, 1))), ("@a", accountId));
        return rows.Count == 0 ? null : rows[0];
    }


    private static long? Nullable(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    /// <summary>Bytes and count of every message in the mailbox's folders (RFC 9208 §5.1 STORAGE, MESSAGE), from the folders' counts (schema version 11).</summary>
    private static async Task<(long Bytes, long Messages)> Usage(NpgsqlConnection c, long accountId) =>
        (await c.ListAsync("""
            SELECT COALESCE(SUM(total_size), 0)::bigint, COALESCE(SUM(message_count), 0)::bigint FROM folders
            WHERE owner_kind = @k AND owner_id = @a
            """, r => (r.GetInt64(0), r.GetInt64(1)), ("@k", (int)OwnerKind.Account), ("@a", accountId)))[0];
}
