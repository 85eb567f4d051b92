using Npgsql;

namespace AkkaImap.Storage.Postgres;

/// <summary>
/// The message writes as functions in the database (schema version 8), so that an APPEND, STORE,
/// EXPUNGE, COPY or MOVE is ONE statement, and a group commit's operations one round trip
/// (<see cref="PgWriter"/> sends them in one <see cref="NpgsqlBatch"/>). Each function is the
/// C# code it replaced, statement by statement: it locks the folder row it takes UIDs or a MODSEQ
/// from (COPY and MOVE: both rows, the lower id first), checks a quota under the account row's lock,
/// and each statement inside sees what others committed before it got its locks (a VOLATILE
/// function takes a fresh snapshot per statement under READ COMMITTED).
/// <para>
/// A refusal is an exception with one of the <c>AKxxx</c> SQLSTATEs below (<see cref="Translate"/>
/// maps them to <see cref="StoreError"/>): it undoes the batch it was in, and the writer runs the
/// batch again without it. Refusals are rare (no such folder, over quota), so the common case
/// needs no savepoint per operation.
/// </para>
/// </summary>
internal static class PgWriteFunctions
{
    /// <summary>
    /// Version 8 of the schema (PostgresSchema.V8 runs it, V9 again for the owner lease check, and V11 for the quota check's counts):
    /// a separate constant, so that a merge renumbers it without touching its text. CREATE OR REPLACE: a later version may redefine a function by running its own
    /// text, as long as its arguments stay the same (more or other arguments make a second function: drop the old one first).
    /// </summary>
    public const string Schema = """
        -- The owner lease (schema version 9): a serving node's connections say which process they
        -- belong to (the akkaimap.holder setting; PostgresStore.OwnerLeases), and a write by a
        -- process that no longer holds the lease of the mailbox it writes is refused. Called with
        -- the written folder's row locked (FOR UPDATE), a plain read is enough: taking the lease
        -- locks every folder row of the mailbox in the same transaction (PostgresStore.
        -- TakeOwnershipAsync), so a write that locked its folder first commits before the lease
        -- changes hands, and one that locks it after reads the new holder (each statement of a
        -- function sees what was committed before it began). p_lock: the caller holds no folder
        -- row of this mailbox (a folder created, deleted, renamed or subscribed to), so the lease
        -- row itself is locked FOR SHARE. Without the setting (the command line tools) nothing is
        -- checked.
        CREATE OR REPLACE FUNCTION akkaimap_check_holder(p_kind integer, p_owner bigint, p_lock boolean) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            me bigint := NULLIF(current_setting('akkaimap.holder', true), '')::bigint;
        BEGIN
            IF me IS NULL THEN RETURN; END IF;
            IF p_lock THEN
                PERFORM 1 FROM owner_leases WHERE owner_kind = p_kind AND owner_id = p_owner AND holder = me FOR SHARE;
            ELSE
                PERFORM 1 FROM owner_leases WHERE owner_kind = p_kind AND owner_id = p_owner AND holder = me;
            END IF;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'This mailbox is served by another node now; nothing was written' USING ERRCODE = 'AK409';
            END IF;
        END $$;

        CREATE OR REPLACE FUNCTION akkaimap_selectable(p_folder bigint) RETURNS folders LANGUAGE plpgsql AS $$
        DECLARE
            f folders;
        BEGIN
            SELECT * INTO f FROM folders WHERE id = p_folder FOR UPDATE;
            IF NOT FOUND THEN RAISE EXCEPTION 'folder #% does not exist', p_folder USING ERRCODE = 'AK404'; END IF;
            IF f.noselect THEN RAISE EXCEPTION '% is not selectable', f.name USING ERRCODE = 'AK405'; END IF;
            PERFORM akkaimap_check_holder(f.owner_kind, f.owner_id, false);
            RETURN f;
        END $$;

        -- RFC 9208 §4.4, as StoreRules.CheckQuota: the account row stays locked until the commit, so
        -- two writers adding to one limited mailbox take turns and see each other's messages.
        CREATE OR REPLACE FUNCTION akkaimap_check_quota(f folders, p_bytes bigint, p_messages bigint) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            max_bytes bigint;
            max_messages bigint;
            used_bytes bigint;
            used_messages bigint;
        BEGIN
            IF p_messages = 0 OR f.owner_kind <> 0 THEN RETURN; END IF;
            SELECT COALESCE(a.quota_storage, p.quota_storage), COALESCE(a.quota_messages, p.quota_messages) INTO max_bytes, max_messages
                FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.id = f.owner_id FOR UPDATE OF a;
            IF max_bytes = -1 THEN max_bytes := NULL; END IF;
            IF max_messages = -1 THEN max_messages := NULL; END IF;
            IF max_bytes IS NULL AND max_messages IS NULL THEN RETURN; END IF;
            -- The folders' counts (schema version 11), kept by the triggers on messages.
            SELECT COALESCE(SUM(o.total_size), 0)::bigint, COALESCE(SUM(o.message_count), 0)::bigint INTO used_bytes, used_messages
                FROM folders o WHERE o.owner_kind = 0 AND o.owner_id = f.owner_id;
            IF used_bytes + p_bytes > max_bytes THEN
                RAISE EXCEPTION 'Over quota: the mailbox may hold % bytes and holds %', max_bytes, used_bytes USING ERRCODE = 'AK507';
            END IF;
            IF used_messages + p_messages > max_messages THEN
                RAISE EXCEPTION 'Over quota: the mailbox may hold % messages and holds %', max_messages, used_messages USING ERRCODE = 'AK507';
            END IF;
        END $$;

        -- A message body, with SORT's sent date (Unix ms, NULL when its Date is missing or unreadable), and its
        -- full-text row, stored once (copies point at it). With p_keep_up off
        -- (search.full-text-index off) the body is only noted as pending, as PgSearchIndex.AddAsync.
        CREATE OR REPLACE FUNCTION akkaimap_insert_blob(p_email_id text, p_size bigint, p_envelope bytea, p_body bytea, p_parts bytea, p_preview text,
            p_sent_date bigint, p_content bytea, p_unindexed boolean, p_header text, p_text text, p_from text, p_to text, p_cc text, p_bcc text, p_subject text,
            p_keep_up boolean)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
            blob bigint;
        BEGIN
            INSERT INTO blobs(email_id, thread_id, size, envelope, body, parts, preview, sent_date, content)
                VALUES (p_email_id, NULL, p_size, p_envelope, p_body, p_parts, p_preview, p_sent_date, p_content) RETURNING id INTO blob;
            IF p_keep_up THEN
                INSERT INTO blob_text(blob_id, unindexed, header, body, f_from, f_to, f_cc, f_bcc, subject)
                    VALUES (blob, p_unindexed, p_header, p_text, p_from, p_to, p_cc, p_bcc, p_subject);
            ELSE
                INSERT INTO blob_text_pending(blob_id) VALUES (blob) ON CONFLICT DO NOTHING;
            END IF;
            RETURN blob;
        END $$;

        -- APPEND (RFC 3502 MULTIAPPEND): message i is staged (p_staged[i], its body already stored)
        -- or inline (the other arrays' element i). Consecutive UIDs and one MODSEQ for all. With
        -- p_claim_recent a session claimed the new messages as \Recent: the first recent UID moves
        -- past them (schema 12; schemas before it have the function without that argument).
        CREATE OR REPLACE FUNCTION akkaimap_append(p_folder bigint, p_now bigint, p_staged bigint[], p_flags integer[], p_keywords text[],
            p_dates bigint[], p_tzs integer[], p_email_ids text[], p_sizes bigint[], p_envelopes bytea[], p_bodies bytea[], p_parts bytea[],
            p_previews text[], p_sent_dates bigint[], p_contents bytea[], p_unindexed boolean[], p_header text[], p_text text[], p_from text[], p_to text[],
            p_cc text[], p_bcc text[], p_subject text[], p_keep_up boolean, p_claim_recent boolean, OUT uidvalidity bigint, OUT first_uid bigint, OUT new_modseq bigint)
        LANGUAGE plpgsql AS $$
        DECLARE
            f folders := akkaimap_selectable(p_folder);
            n integer := COALESCE(cardinality(p_flags), 0);
            sizes bigint[] := p_sizes;
            blob bigint;
        BEGIN
            uidvalidity := f.uidvalidity;
            first_uid := f.uidnext;
            new_modseq := f.highest_modseq;
            IF n = 0 THEN RETURN; END IF;
            FOR i IN 1..n LOOP
                IF p_staged[i] IS NOT NULL THEN sizes[i] := COALESCE((SELECT size FROM blobs WHERE id = p_staged[i]), 0); END IF;
            END LOOP;
            PERFORM akkaimap_check_quota(f, (SELECT SUM(s) FROM unnest(sizes) s)::bigint, n);
            new_modseq := f.highest_modseq + 1;
            FOR i IN 1..n LOOP
                IF p_staged[i] IS NOT NULL THEN
                    -- Taken once: a second APPEND of the same staged body finds no row.
                    DELETE FROM staged WHERE blob_id = p_staged[i];
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'The message body is no longer staged; send it again' USING ERRCODE = 'AK403';
                    END IF;
                    blob := p_staged[i];
                ELSE
                    blob := akkaimap_insert_blob(p_email_ids[i], p_sizes[i], p_envelopes[i], p_bodies[i], p_parts[i], p_previews[i],
                        p_sent_dates[i], p_contents[i], p_unindexed[i], p_header[i], p_text[i], p_from[i], p_to[i], p_cc[i], p_bcc[i], p_subject[i], p_keep_up);
                END IF;
                INSERT INTO messages(folder_id, uid, flags, keywords, modseq, internal_date, internal_tz, size, save_date, blob_id)
                    VALUES (p_folder, first_uid + i - 1, p_flags[i], p_keywords[i], new_modseq, p_dates[i], p_tzs[i], sizes[i], p_now, blob);
            END LOOP;
            UPDATE folders SET uidnext = first_uid + n, highest_modseq = new_modseq,
                first_recent_uid = CASE WHEN p_claim_recent THEN first_uid + n ELSE first_recent_uid END WHERE id = p_folder;
        END $$;

        -- A body stored ahead of its APPEND; bodies staged a day ago and never appended go now.
        CREATE OR REPLACE FUNCTION akkaimap_stage(p_now bigint, p_expired_before bigint, p_email_id text, p_size bigint, p_envelope bytea, p_body bytea,
            p_parts bytea, p_preview text, p_sent_date bigint, p_content bytea, p_unindexed boolean, p_header text, p_text text, p_from text, p_to text,
            p_cc text, p_bcc text, p_subject text, p_keep_up boolean)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
            expired bigint[];
            blob bigint;
        BEGIN
            WITH gone AS (DELETE FROM staged WHERE created < p_expired_before RETURNING blob_id) SELECT array_agg(blob_id) INTO expired FROM gone;
            PERFORM akkaimap_delete_unused_blobs(expired);
            blob := akkaimap_insert_blob(p_email_id, p_size, p_envelope, p_body, p_parts, p_preview, p_sent_date, p_content, p_unindexed,
                p_header, p_text, p_from, p_to, p_cc, p_bcc, p_subject, p_keep_up);
            INSERT INTO staged(blob_id, created) VALUES (blob, p_now);
            RETURN blob;
        END $$;

        CREATE OR REPLACE FUNCTION akkaimap_delete_unused_blobs(p_blobs bigint[]) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF p_blobs IS NULL THEN RETURN; END IF;
            DELETE FROM blobs b WHERE b.id = ANY(p_blobs)
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.blob_id = b.id)
                AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.blob_id = b.id);
        END $$;

        -- Removes existing UIDs of a locked folder, keeps tombstones for QRESYNC VANISHED (RFC 7162
        -- §3.2.5.1), drops bodies no message uses any more; returns the new MODSEQ.
        CREATE OR REPLACE FUNCTION akkaimap_remove_uids(f folders, p_uids bigint[]) RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
            new_modseq bigint := f.highest_modseq + 1;
            freed bigint[];
        BEGIN
            WITH gone AS (DELETE FROM messages WHERE folder_id = f.id AND uid = ANY(p_uids) RETURNING blob_id)
                SELECT array_agg(DISTINCT blob_id) INTO freed FROM gone;
            DELETE FROM seen WHERE folder_id = f.id AND uid = ANY(p_uids);
            INSERT INTO expunged(folder_id, uid, modseq) SELECT f.id, u, new_modseq FROM unnest(p_uids) AS u
                ON CONFLICT (folder_id, uid) DO UPDATE SET modseq = excluded.modseq;
            PERFORM akkaimap_delete_unused_blobs(freed);
            UPDATE folders SET highest_modseq = new_modseq WHERE id = f.id;
            RETURN new_modseq;
        END $$;

        -- EXPUNGE (every \Deleted message, or those of p_uids for UID EXPUNGE, RFC 4315), or with
        -- p_deleted_only off exactly p_uids (a MOVE out of a public folder).
        CREATE OR REPLACE FUNCTION akkaimap_expunge(p_folder bigint, p_uids bigint[], p_deleted_only boolean, OUT removed bigint[], OUT new_modseq bigint)
        LANGUAGE plpgsql AS $$
        DECLARE
            f folders := akkaimap_selectable(p_folder);
        BEGIN
            -- Two statements, so that the first can find the \Deleted messages through their
            -- partial index (schema 12) instead of stepping through every message of the folder.
            IF p_deleted_only THEN
                SELECT COALESCE(array_agg(m.uid ORDER BY m.uid), '{}') INTO removed FROM messages m
                    WHERE m.folder_id = p_folder AND m.flags & 8 <> 0 AND (p_uids IS NULL OR m.uid = ANY(p_uids));
            ELSE
                SELECT COALESCE(array_agg(m.uid ORDER BY m.uid), '{}') INTO removed FROM messages m
                    WHERE m.folder_id = p_folder AND (p_uids IS NULL OR m.uid = ANY(p_uids));
            END IF;
            new_modseq := CASE WHEN cardinality(removed) = 0 THEN f.highest_modseq ELSE akkaimap_remove_uids(f, removed) END;
        END $$;

        -- COPY (the copies share the bodies, RFC 8474 EMAILID) and, with p_moving, MOVE (RFC 6851):
        -- both folders are locked first, the lower id first. A move within one mailbox changes nothing of
        -- its quota use. The copies keep only the flags of p_keep_flags, and their keywords only with
        -- p_keep_keywords (into a public folder: those the reader may set).
        CREATE OR REPLACE FUNCTION akkaimap_copy(p_source bigint, p_uids bigint[], p_target bigint, p_now bigint, p_moving boolean,
            p_keep_flags integer, p_keep_keywords boolean,
            OUT uidvalidity bigint, OUT source_uids bigint[], OUT first_uid bigint, OUT new_modseq bigint, OUT source_modseq bigint)
        LANGUAGE plpgsql AS $$
        DECLARE
            t folders;
            s folders;
            n integer;
        BEGIN
            -- Both folder rows are locked, in id order, before the source is read: every write that
            -- removes a message locks its folder, so what is copied is what is there until the commit
            -- (two MOVEs of one message by two writers: the second finds it gone and copies nothing),
            -- and two writers copying or moving in opposite directions wait for each other instead of
            -- deadlocking (a group commit that already holds another folder still may: it runs again).
            PERFORM 1 FROM folders WHERE id IN (p_source, p_target) ORDER BY id FOR UPDATE;
            IF NOT EXISTS (SELECT 1 FROM folders WHERE id = p_source) THEN
                RAISE EXCEPTION 'folder #% does not exist', p_source USING ERRCODE = 'AK404';
            END IF;
            t := akkaimap_selectable(p_target);
            uidvalidity := t.uidvalidity;
            first_uid := t.uidnext;
            new_modseq := t.highest_modseq;
            SELECT COALESCE(array_agg(m.uid ORDER BY m.uid), '{}') INTO source_uids FROM messages m WHERE m.folder_id = p_source AND m.uid = ANY(p_uids);
            n := cardinality(source_uids);
            IF n > 0 THEN
                IF NOT p_moving OR (SELECT COUNT(DISTINCT (owner_kind, owner_id)) FROM folders WHERE id IN (p_source, p_target)) <> 1 THEN
                    PERFORM akkaimap_check_quota(t,
                        (SELECT COALESCE(SUM(size), 0)::bigint FROM messages WHERE folder_id = p_source AND uid = ANY(source_uids)), n);
                END IF;
                new_modseq := t.highest_modseq + 1;
                INSERT INTO messages(folder_id, uid, flags, keywords, modseq, internal_date, internal_tz, size, save_date, blob_id)
                    SELECT p_target, first_uid - 1 + row_number() OVER (ORDER BY m.uid), m.flags & p_keep_flags,
                           CASE WHEN p_keep_keywords THEN m.keywords END, new_modseq, m.internal_date,
                           m.internal_tz, m.size, p_now, m.blob_id
                    FROM messages m WHERE m.folder_id = p_source AND m.uid = ANY(source_uids);
                UPDATE folders SET uidnext = first_uid + n, highest_modseq = new_modseq WHERE id = p_target;
            END IF;
            IF p_moving THEN
                SELECT * INTO s FROM folders WHERE id = p_source FOR UPDATE;
                source_modseq := CASE WHEN n = 0 THEN s.highest_modseq ELSE akkaimap_remove_uids(s, source_uids) END;
            END IF;
        END $$;

        -- STORE of system flags (no keywords given; StoreRules.ApplyStore for that case): p_mode 0
        -- adds, 1 removes, 2 replaces (and clears keywords). Messages changed after
        -- p_unchanged_since are left alone and reported (RFC 7162 §3.1.3); a message that would not
        -- change gets no new MODSEQ, nor does the folder when none changes.
        CREATE OR REPLACE FUNCTION akkaimap_store_flags(p_folder bigint, p_uids bigint[], p_mode integer, p_flags integer, p_unchanged_since bigint,
            OUT changed_uids bigint[], OUT changed_flags integer[], OUT changed_keywords text[], OUT modified bigint[], OUT highest bigint)
        LANGUAGE plpgsql AS $$
        DECLARE
            f folders := akkaimap_selectable(p_folder);
            new_modseq bigint := f.highest_modseq + 1;
        BEGIN
            -- Without UNCHANGEDSINCE (NULL) no message is modified since: no statement for it.
            modified := '{}';
            IF p_unchanged_since IS NOT NULL THEN
                SELECT COALESCE(array_agg(m.uid ORDER BY m.uid), '{}') INTO modified FROM messages m
                    WHERE m.folder_id = p_folder AND m.uid = ANY(p_uids) AND m.modseq > p_unchanged_since;
            END IF;
            WITH wanted AS (
                SELECT m.uid, m.flags AS old, COALESCE(m.keywords, '') <> '' AS has_keywords,
                       CASE p_mode WHEN 0 THEN m.flags | p_flags WHEN 1 THEN m.flags & ~p_flags ELSE p_flags END AS new
                FROM messages m WHERE m.folder_id = p_folder AND m.uid = ANY(p_uids) AND NOT (m.uid = ANY(modified))),
            changed AS (
                UPDATE messages m SET flags = w.new, keywords = CASE WHEN p_mode = 2 THEN NULL ELSE m.keywords END, modseq = new_modseq
                FROM wanted w WHERE m.folder_id = p_folder AND m.uid = w.uid AND (w.new <> w.old OR (p_mode = 2 AND w.has_keywords))
                RETURNING m.uid, m.flags, m.keywords)
            SELECT COALESCE(array_agg(c.uid ORDER BY c.uid), '{}'), COALESCE(array_agg(c.flags ORDER BY c.uid), '{}'),
                   COALESCE(array_agg(c.keywords ORDER BY c.uid), '{}')
                INTO changed_uids, changed_flags, changed_keywords FROM changed c;
            highest := f.highest_modseq;
            IF cardinality(changed_uids) > 0 THEN
                UPDATE folders SET highest_modseq = new_modseq WHERE id = p_folder;
                highest := new_modseq;
            END IF;
        END $$;
        """;

    /// <summary>
    /// A refusal raised by one of the functions, as the C# code threw it, or by the folders' UID
    /// range check (schema version 10); anything else unchanged.
    /// </summary>
    public static Exception Translate(Exception e) => e switch
    {
        PostgresException { SqlState: var state } pg when state.StartsWith("AK", StringComparison.Ordinal) => new StoreException(state switch
        {
            "AK404" => StoreError.NotFound,
            "AK405" => StoreError.NoSelect,
            "AK507" => StoreError.OverQuota,
            "AK409" => StoreError.Superseded,
            _ => StoreError.NotAllowed,
        }, pg.MessageText),
        PostgresException { SqlState: PostgresErrorCodes.CheckViolation, ConstraintName: PostgresSchema.UidRangeCheck } =>
            new StoreException(StoreError.UidsExhausted, StoreRules.UidsExhaustedText),
        _ => e,
    };
}
