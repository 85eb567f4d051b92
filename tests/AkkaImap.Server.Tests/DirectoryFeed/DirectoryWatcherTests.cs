using Akka.Actor;
using AkkaImap.Server.DirectoryFeed;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.DirectoryFeed;

/// <summary>
/// The <see cref="DirectoryWatcher"/> over a feed the test writes and signals: what it publishes
/// on the EventStream, in which order, and how it catches up after pages and failures.
/// </summary>
public sealed class DirectoryWatcherTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public DirectoryWatcherTests()
        : base("akka.loglevel = WARNING")
    {
    }

    [Fact]
    public async Task Publishes_the_changes_committed_after_it_started_in_order_and_once()
    {
        var feed = new FakeFeed();
        feed.Add(DirectoryChangeKind.PostOfficeAdded, postOffice: 1);
        var events = Subscribe();
        Sys.ActorOf(DirectoryWatcher.Props(feed));
        await feed.Started.WaitAsync(Wait);

        feed.Add(DirectoryChangeKind.AccountRemoved, account: 7, postOffice: 1);
        feed.Add(DirectoryChangeKind.PublicFoldersOff, postOffice: 1);
        feed.Signal();
        feed.Signal();

        events.ExpectMsg<IDirectoryChanged>(Wait).Is(new AccountRemoved(7, 1));
        events.ExpectMsg<IDirectoryChanged>(Wait).Is(new PostOfficeChanged(1, PublicFolders: false));
        feed.Add(DirectoryChangeKind.PublicFolderRemoved, postOffice: 1, folder: 3);
        feed.Signal();
        events.ExpectMsg<IDirectoryChanged>(Wait).Is(new PublicFolderRemoved(1, 3));
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Reads_page_after_page_until_it_has_caught_up()
    {
        var feed = new FakeFeed();
        var events = Subscribe();
        Sys.ActorOf(DirectoryWatcher.Props(feed));
        await feed.Started.WaitAsync(Wait);
        var count = DirectoryWatcher.PageSize * 2 + 3;
        for (var i = 1; i <= count; i++) feed.Add(DirectoryChangeKind.AccountAdded, account: i, postOffice: 1);

        feed.Signal();

        for (var i = 1; i <= count; i++) events.ExpectMsg<IDirectoryChanged>(Wait).Is(new AccountAdded(i, 1));
    }

    [Fact]
    public async Task A_failed_read_is_retried_from_the_same_id_at_the_next_signal()
    {
        var feed = new FakeFeed();
        var events = Subscribe();
        Sys.ActorOf(DirectoryWatcher.Props(feed));
        await feed.Started.WaitAsync(Wait);
        feed.Add(DirectoryChangeKind.PasswordChanged, account: 2, postOffice: 1);
        feed.FailNextRead = true;

        feed.Signal();
        await feed.Failed.WaitAsync(Wait);
        feed.Add(DirectoryChangeKind.AccountUnlocked, account: 2, postOffice: 1);
        feed.Signal();

        events.ExpectMsg<IDirectoryChanged>(Wait).Is(new PasswordChanged(2, 1));
        events.ExpectMsg<IDirectoryChanged>(Wait).Is(new AccountUnlocked(2, 1));
    }

    [Fact]
    public void Each_row_kind_becomes_its_record_and_an_unknown_one_none()
    {
        DirectoryChange Row(DirectoryChangeKind kind, long? account = null, long? po = null, long? folder = null) =>
            new(1, kind, account, po, folder, DateTimeOffset.UnixEpoch);

        Assert.Equal(new PostOfficeAdded(4), DirectoryEvents.From(Row(DirectoryChangeKind.PostOfficeAdded, po: 4)));
        Assert.Equal(new PostOfficeChanged(4, true), DirectoryEvents.From(Row(DirectoryChangeKind.PublicFoldersOn, po: 4)));
        Assert.Equal(new PostOfficeRemoved(4), DirectoryEvents.From(Row(DirectoryChangeKind.PostOfficeRemoved, po: 4)));
        Assert.Equal(new AccountRemoved(5, 4), DirectoryEvents.From(Row(DirectoryChangeKind.AccountRemoved, 5, 4)));
        Assert.Equal(new PublicFolderAdded(4, 6), DirectoryEvents.From(Row(DirectoryChangeKind.PublicFolderAdded, po: 4, folder: 6)));
        Assert.Equal(new PublicFolderChanged(4, 6, true), DirectoryEvents.From(Row(DirectoryChangeKind.PublicFolderReadOnly, po: 4, folder: 6)));
        Assert.Equal(new PublicFolderChanged(4, 6, false), DirectoryEvents.From(Row(DirectoryChangeKind.PublicFolderWritable, po: 4, folder: 6)));
        Assert.Equal(new MailAdded(5, 4, 6), DirectoryEvents.From(Row(DirectoryChangeKind.MailAdded, 5, 4, 6)));
        Assert.Null(DirectoryEvents.From(Row(DirectoryChangeKind.MailAdded, 5, 4)));
        Assert.Null(DirectoryEvents.From(Row((DirectoryChangeKind)99, 5, 4)));
        Assert.Null(DirectoryEvents.From(Row(DirectoryChangeKind.AccountRemoved, po: 4)));
    }

    private Akka.TestKit.TestProbe Subscribe()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(IDirectoryChanged));
        return probe;
    }

    /// <summary>An in-memory feed: rows the test adds, a signal the test fires, a read the test can fail once.</summary>
    private sealed class FakeFeed : IChangeFeed
    {
        private readonly List<DirectoryChange> _rows = [];
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Action? _onSignal;

        /// <summary>The watcher has read where to start from.</summary>
        public Task Started => _started.Task;

        public Task Failed => _failed.Task;

        public bool FailNextRead { get; set; }

        public void Add(DirectoryChangeKind kind, long? account = null, long? postOffice = null, long? folder = null)
        {
            lock (_rows)
            {
                _rows.Add(new DirectoryChange(_rows.Count + 1, kind, account, postOffice, folder, DateTimeOffset.UtcNow));
            }
        }

        public void Signal() => Volatile.Read(ref _onSignal)?.Invoke();

        public Task RecordMailAddedAsync(long accountId, long postOfficeId, long folderId, CancellationToken ct = default)
        {
            Add(DirectoryChangeKind.MailAdded, accountId, postOfficeId, folderId);
            return Task.CompletedTask;
        }

        public Task<long> GetLatestChangeIdAsync(CancellationToken ct = default)
        {
            lock (_rows)
            {
                _started.TrySetResult();
                return Task.FromResult((long)_rows.Count);
            }
        }

        public Task<IReadOnlyList<DirectoryChange>> GetChangesSinceAsync(long afterId, int limit, CancellationToken ct = default)
        {
            lock (_rows)
            {
                if (FailNextRead)
                {
                    FailNextRead = false;
                    _failed.TrySetResult();
                    return Task.FromException<IReadOnlyList<DirectoryChange>>(new IOException("database is locked"));
                }
                return Task.FromResult<IReadOnlyList<DirectoryChange>>(_rows.Where(r => r.Id > afterId).Take(limit).ToList());
            }
        }

        public IDisposable Watch(Action onSignal, Action<Exception>? onError = null)
        {
            Volatile.Write(ref _onSignal, onSignal);
            return new Unwatch(this);
        }

        private sealed class Unwatch(FakeFeed feed) : IDisposable
        {
            public void Dispose() => Volatile.Write(ref feed._onSignal, null);
        }
    }
}

internal static class DirectoryChangedAssertions
{
    public static void Is(this IDirectoryChanged actual, IDirectoryChanged expected) => Assert.Equal(expected, actual);
}
