using System.Security.Cryptography;

namespace AkkaImap.Storage.Migration;

/// <summary>Where an import is: for a progress bar or progress lines.</summary>
public sealed record ImportProgress(long UnitsDone, long TotalUnits, int Imported, int Skipped, int Bad);

/// <summary>A message that was not imported, named for the operator.</summary>
public sealed record BadMessage(string Where, string Reason);

/// <summary>What an import did: new messages, messages already there, bad ones, and the folders it appended to.</summary>
public sealed record ImportSummary(int Imported, int Skipped, IReadOnlyList<BadMessage> Bad, IReadOnlyList<long> ChangedFolders);

/// <summary>
/// Brings a source's messages into one mailbox through the store's ordinary write path
/// (<see cref="IMailStore.AppendAsync"/>: MIME analysis, quotas, UIDs and MODSEQs in the commit,
/// group-committed and fsynced), in batches, reading the next batch while one commits.
/// <para>
/// A re-run adds nothing: a message is already there when its folder holds a message with the same
/// size, the same internal date (to the second) and the same bytes (SHA-256). Only the messages whose
/// size and date match a candidate are read back to be hashed, so a first import reads nothing back.
/// After each batch a <see cref="DirectoryChangeKind.MailAdded"/> row tells a running server, whose
/// owner of the account then reads the new messages and tells its sessions (an IDLE client hears EXISTS).
/// A message twice in the source, same bytes and date, is imported once.
/// </para>
/// </summary>
public sealed class MailImporter(IStore store, Account account)
{
    private const int BatchMessages = 256;
    private const long BatchBytes = 8 << 20;

    private readonly MailboxOwner _owner = MailboxOwner.ForAccount(account.Id);

    /// <exception cref="StoreException">A store refusal that stops the import (<see cref="StoreError.OverQuota"/>, a full disk).</exception>
    public async Task<ImportSummary> RunAsync(IMailSource source, Action<ImportProgress> progress, CancellationToken ct = default)
    {
        var bad = new List<BadMessage>();
        var changed = new List<long>();
        int imported = 0, skipped = 0;
        long units = 0;
        void Report() => progress(new ImportProgress(units, source.TotalUnits, imported, skipped, bad.Count));

        foreach (var name in source.Folders) await EnsureFolderAsync(name, ct);

        FolderTarget? target = null;
        var batch = new List<AppendRequest>();
        long batchBytes = 0;
        Task pending = Task.CompletedTask;

        async Task FlushAsync()
        {
            await pending;
            if (batch.Count == 0) return;
            var requests = batch.ToArray();
            var folderId = target!.FolderId;
            batch = [];
            batchBytes = 0;
            pending = AppendAsync(folderId, requests, ct);
            imported += requests.Length;
            if (!changed.Contains(folderId)) changed.Add(folderId);
        }

        foreach (var message in source.Messages())
        {
            ct.ThrowIfCancellationRequested();
            if (target?.Name != message.Folder)
            {
                await FlushAsync();
                await pending;
                target = await OpenTargetAsync(message.Folder, ct);
            }
            units += message.Units;
            LoadedMessage loaded;
            try
            {
                if (target.Refusal is { } refused) throw new BadMessageException(refused);
                loaded = message.Load();
            }
            catch (BadMessageException ex)
            {
                bad.Add(new BadMessage(message.Where, ex.Message));
                Report();
                continue;
            }
            catch (SkippedMessageException)
            {
                continue;
            }
            if (!await target.AddIfNewAsync(store, loaded, ct))
            {
                skipped++;
                Report();
                continue;
            }
            batch.Add(new AppendRequest(loaded.Content, loaded.Flags, loaded.Keywords.Count > 0 ? loaded.Keywords : null, loaded.InternalDate));
            batchBytes += loaded.Content.Length;
            if (batch.Count >= BatchMessages || batchBytes >= BatchBytes) await FlushAsync();
            Report();
        }
        await FlushAsync();
        await pending;
        Report();
        return new ImportSummary(imported, skipped, bad, changed);
    }

    /// <summary>One batch, committed; then the change feed tells a running server's owner of the account.</summary>
    private async Task AppendAsync(long folderId, AppendRequest[] requests, CancellationToken ct)
    {
        await store.AppendAsync(folderId, requests, ct);
        await store.RecordMailAddedAsync(account.Id, account.PostOfficeId, folderId, ct);
    }

    private async Task<FolderInfo?> EnsureFolderAsync(string name, CancellationToken ct)
    {
        var info = await store.GetFolderAsync(_owner, name, ct);
        if (info is { NoSelect: false }) return info;
        try
        {
            return await store.CreateFolderAsync(_owner, name, ct: ct);
        }
        catch (StoreException ex) when (ex.Error == StoreError.AlreadyExists)
        {
            return await store.GetFolderAsync(_owner, name, ct);
        }
    }

    private async Task<FolderTarget> OpenTargetAsync(string name, CancellationToken ct)
    {
        FolderInfo? info;
        try
        {
            info = await EnsureFolderAsync(name, ct);
        }
        catch (StoreException ex) when (ex.Error is StoreError.NotAllowed or StoreError.NotFound or StoreError.NoSelect)
        {
            return new FolderTarget(name, 0, $"folder \"{name}\" cannot be made: {ex.Message}", []);
        }
        if (info is null) return new FolderTarget(name, 0, $"folder \"{name}\" cannot be made", []);
        // Size and date of every message there: only those that match a candidate are read back.
        var uids = (await store.GetMessageFlagsAsync(info.Id, ct)).Select(row => row.Uid).ToArray();
        var byShape = new Dictionary<(long, long), List<uint>>();
        foreach (var chunk in uids.Chunk(1000))
        {
            foreach (var m in await store.GetMessagesAsync(info.Id, chunk, ct))
            {
                var shape = (m.Size, m.InternalDate.ToUnixTimeSeconds());
                if (!byShape.TryGetValue(shape, out var list)) byShape[shape] = list = [];
                list.Add(m.Uid);
            }
        }
        return new FolderTarget(name, info.Id, null, byShape);
    }

    /// <summary>The folder being filled, and what it holds (for the re-run check).</summary>
    private sealed class FolderTarget(string name, long folderId, string? refusal, Dictionary<(long, long), List<uint>> unhashed)
    {
        private readonly HashSet<(long Size, long Seconds, string Hash)> _known = [];

        public string Name => name;
        public long FolderId => folderId;
        public string? Refusal => refusal;

        /// <summary>False when the folder already holds this message; else remembers it.</summary>
        public async Task<bool> AddIfNewAsync(IMailStore store, LoadedMessage message, CancellationToken ct)
        {
            var shape = (Size: (long)message.Content.Length, Seconds: message.InternalDate.ToUnixTimeSeconds());
            if (unhashed.Remove(shape, out var candidates))
            {
                foreach (var (_, bytes) in await store.ReadMessagesAsync(folderId, candidates, ct))
                    _known.Add((shape.Size, shape.Seconds, Hash(bytes)));
            }
            return _known.Add((shape.Size, shape.Seconds, Hash(message.Content)));
        }

        private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));
    }
}
