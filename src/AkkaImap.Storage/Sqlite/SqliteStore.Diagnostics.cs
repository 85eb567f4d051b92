namespace AkkaImap.Storage.Sqlite;

// Introspection for tests and operators; not part of IStore.
public sealed partial class SqliteStore
{
    /// <summary>Number of stored message bodies (each shared by all its copies).</summary>
    internal Task<long> CountBlobsAsync(CancellationToken ct = default) =>
        Read(c => c.Scalar<long>("SELECT count(*) FROM blobs"), ct);

    /// <summary>The value of a PRAGMA as a reader connection sees it (name: letters and '_' only).</summary>
    internal Task<string?> PragmaAsync(string name, CancellationToken ct = default) =>
        Read(c => c.Scalar<string>(PragmaQuery(name)), ct);

    /// <summary>The value of a PRAGMA as the writer's connection sees it.</summary>
    internal Task<string?> WriterPragmaAsync(string name, CancellationToken ct = default) =>
        Write(c => c.Scalar<string>(PragmaQuery(name)), ct);

    private static string PragmaQuery(string name) =>
        name.Length > 0 && name.All(ch => char.IsAsciiLetter(ch) || ch == '_')
            ? "PRAGMA " + name
            : throw new ArgumentException("not a pragma name", nameof(name));

    /// <summary>Completes once background work (an index pass) waits in the writer's queue.</summary>
    internal Task WhenBackgroundQueued() => _writer.WhenBackgroundQueued();

    /// <summary>
    /// Keeps the writer busy until <paramref name="until"/> ends, so that tests can line its queue
    /// up behind it: completes once the writer holds (with the task of the hold), so that nothing
    /// queued after it shares its transaction.
    /// </summary>
    internal async Task<Task> HoldWriterAsync(Task until)
    {
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Write(_ =>
        {
            holding.SetResult();
            until.Wait();
        }, CancellationToken.None);
        await holding.Task.ConfigureAwait(false);
        return held;
    }

    /// <summary>Runs <paramref name="work"/> on a reader thread, as the store's own reads and preparations run.</summary>
    internal Task<T> OnReaderThreadAsync<T>(Func<T> work, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _readers.Run(_ => work(), ct);
    }

    /// <summary>
    /// Caps the database at <paramref name="pages"/> pages on the writer's connection (SQLite's
    /// <c>max_page_count</c>): past it writes fail with SQLITE_FULL, as on a full disk. Returns the
    /// cap in force (SQLite never sets it below the current size).
    /// </summary>
    internal Task<long> SetMaxPageCountAsync(long pages, CancellationToken ct = default) =>
        Write(c => c.Scalar<long>("PRAGMA max_page_count = " + pages.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
}
