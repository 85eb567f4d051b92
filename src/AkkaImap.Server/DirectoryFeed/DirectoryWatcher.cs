using Akka.Actor;
using Akka.Event;
using AkkaImap.Storage;

namespace AkkaImap.Server.DirectoryFeed;

/// <summary>
/// Turns the store's change feed into <see cref="IDirectoryChanged"/> records on this node's
/// EventStream. It watches the feed (a callback that only tells this actor), and on each wake-up
/// reads the rows after the last id it saw, in pages, publishing them in order. Nothing runs
/// while nothing changes: no timer, no polling (the wake-up is the store's, e.g. inotify).
/// Store reads run on the .NET pool and come back piped, never blocking this actor's thread.
/// <para>
/// Starting: the watch is set up first, then the newest id read, so that no change committed
/// after that id can go unsignalled (a wake-up that comes meanwhile is held until the start is
/// done). A failed read is logged and retried at the next wake-up, from the same id.
/// </para>
/// </summary>
public sealed class DirectoryWatcher : ReceiveActor
{
    /// <summary>Rows read per store call: a page, not a cap (a full page is followed by another read).</summary>
    internal const int PageSize = 256;

    private readonly IChangeFeed _feed;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IDisposable? _watch;
    private long _lastId;

    /// <summary>A wake-up came while starting or reading: read (again) once that is done.</summary>
    private bool _signalled;

    public DirectoryWatcher(IChangeFeed feed)
    {
        _feed = feed;
        Starting();
    }

    public static Props Props(IChangeFeed feed) => Akka.Actor.Props.Create(() => new DirectoryWatcher(feed));

    protected override void PreStart()
    {
        var self = Self;
        _watch = _feed.Watch(() => self.Tell(Signalled.Instance), error => self.Tell(new WatchFailed(error)));
        ReadStart();
    }

    protected override void PostStop() => _watch?.Dispose();

    private void Starting()
    {
        Receive<Started>(started =>
        {
            _lastId = started.LatestId;
            _log.Debug("Watching the directory's change feed from change {0}", _lastId);
            if (_signalled)
            {
                ReadNext();
            }
            else
            {
                Become(Waiting);
            }
        });
        Receive<ReadFailed>(failed =>
        {
            // Without a starting id there is nothing to read from: the next wake-up tries again.
            _log.Error(failed.Cause, "Could not read the directory's change feed; retrying at its next change");
            if (_signalled)
            {
                ReadStart();
            }
            else
            {
                Become(StartPending);
            }
        });
        Receive<Signalled>(_ => _signalled = true);
        Receive<WatchFailed>(OnWatchFailed);
    }

    /// <summary>The first read failed: the next signal starts again.</summary>
    private void StartPending()
    {
        Receive<Signalled>(_ =>
        {
            Become(Starting);
            ReadStart();
        });
        Receive<WatchFailed>(OnWatchFailed);
    }

    private void Waiting()
    {
        Receive<Signalled>(_ => ReadNext());
        Receive<WatchFailed>(OnWatchFailed);
    }

    private void Reading()
    {
        Receive<ChangesRead>(read =>
        {
            foreach (var change in read.Changes)
            {
                Publish(change);
            }
            if (read.Changes.Count == PageSize || _signalled)
            {
                ReadNext();
            }
            else
            {
                Become(Waiting);
            }
        });
        Receive<ReadFailed>(failed =>
        {
            _log.Error(failed.Cause, "Could not read the directory's change feed after change {0}; retrying at its next change", _lastId);
            if (_signalled)
            {
                ReadNext();
            }
            else
            {
                Become(Waiting);
            }
        });
        Receive<Signalled>(_ => _signalled = true);
        Receive<WatchFailed>(OnWatchFailed);
    }

    /// <summary>Reads the newest id, to start from (in the Starting behaviour).</summary>
    private void ReadStart()
    {
        _signalled = false;
        Run(feed => feed.GetLatestChangeIdAsync()).PipeTo(Self, success: id => new Started(id), failure: error => new ReadFailed(error));
    }

    private void ReadNext()
    {
        // Whatever was signalled so far is committed and will be in this read.
        _signalled = false;
        var after = _lastId;
        Run(feed => feed.GetChangesSinceAsync(after, PageSize))
            .PipeTo(Self, success: changes => new ChangesRead(changes), failure: error => new ReadFailed(error));
        Become(Reading);
    }

    private void Publish(DirectoryChange change)
    {
        _lastId = change.Id;
        if (DirectoryEvents.From(change) is { } changed)
        {
            // The administrator's changes (the CLI's, or another node's) as this server applies them.
            _log.Info("directory change {Change} applied: {What}", change.Id, DirectoryEvents.Describe(changed));
            Context.System.EventStream.Publish(changed);
        }
        else
        {
            _log.Warning("Directory change {0} of kind {1} is not known to this version; ignored", change.Id, change.Kind);
        }
    }

    private void OnWatchFailed(WatchFailed failed) =>
        _log.Warning("The watch on the directory's change feed failed ({0}); reading the feed again", failed.Cause.Message);

    /// <summary>The SQLite store answers synchronously inside its Task: run it on the pool, off this thread.</summary>
    private Task<T> Run<T>(Func<IChangeFeed, Task<T>> read)
    {
        var feed = _feed;
        return Task.Run(() => read(feed));
    }

    private sealed record Signalled : INoSerializationVerificationNeeded
    {
        public static readonly Signalled Instance = new();
    }

    private sealed record WatchFailed(Exception Cause) : INoSerializationVerificationNeeded;

    private sealed record Started(long LatestId) : INoSerializationVerificationNeeded;

    private sealed record ChangesRead(IReadOnlyList<DirectoryChange> Changes) : INoSerializationVerificationNeeded;

    private sealed record ReadFailed(Exception Cause) : INoSerializationVerificationNeeded;
}
