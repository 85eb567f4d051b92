using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Durability;

/// <summary>One message of the crash test, known by its Message-Id, and where the server said it is.</summary>
internal sealed class TrackedMessage(string messageId)
{
    public string MessageId { get; } = messageId;

    /// <summary>Every copy of it the server acknowledged: (folder, UID).</summary>
    public List<(string Folder, uint Uid)> Instances { get; } = [];

    /// <summary>\Flagged was set on the INBOX copy and acknowledged.</summary>
    public bool Flagged { get; set; }

    /// <summary>The command sent for it whose answer never came (the server was killed): its outcome is open.</summary>
    public PendingChange? Pending { get; set; }

    public uint? InboxUid => Instances.Where(i => i.Folder == "INBOX").Select(i => (uint?)i.Uid).FirstOrDefault();
}

internal enum ChangeKind { Append, Store, Copy, Move, Expunge }

/// <summary>A change sent and not answered; <paramref name="Uid"/> is its source message's INBOX UID.</summary>
internal sealed record PendingChange(ChangeKind Kind, uint Uid);

/// <summary>What one message looks like on the server after a restart.</summary>
internal sealed record ObservedCopy(string Folder, uint Uid, bool Flagged);

/// <summary>
/// What the crash test knows for certain: every acknowledged change, every (folder, UID) ever
/// attached to a Message-Id, each folder's UIDVALIDITY and the highest UIDNEXT seen. After a
/// restart <see cref="Check"/> compares the server with it: each message is where its
/// acknowledged changes put it, exactly once; a change whose answer never came either happened
/// or did not, nothing in between; no UID moved to another message; UIDNEXT did not go back.
/// </summary>
internal sealed class CrashLedger
{
    private readonly Dictionary<string, Dictionary<uint, string>> _uidOwners = [];
    private readonly Dictionary<string, uint> _uidValidity = [];
    private readonly Dictionary<string, uint> _uidNext = [];

    /// <summary>How each unanswered change turned out ("Append: kept", "Move: not done"), for the test's output.</summary>
    public List<string> Settled { get; } = [];

    /// <summary>
    /// Checks one account's folders as found after the restart, then makes what was found the
    /// new certain state (an open change is settled by what the server shows).
    /// </summary>
    public void Check(string round, IReadOnlyDictionary<string, FolderState> folders, IEnumerable<TrackedMessage> ofThisAccount)
    {
        foreach (var (folder, state) in folders)
        {
            if (_uidValidity.TryGetValue(folder, out var validity))
            {
                Assert.True(validity == state.UidValidity, $"{round}: UIDVALIDITY of {folder} changed from {validity} to {state.UidValidity}");
            }

            _uidValidity[folder] = state.UidValidity;
            var owners = _uidOwners.TryGetValue(folder, out var o) ? o : _uidOwners[folder] = [];
            foreach (var (uid, messageId, _) in state.Messages)
            {
                if (owners.TryGetValue(uid, out var previous))
                {
                    Assert.True(previous == messageId, $"{round}: UID {uid} of {folder} was {previous}, now it is {messageId}");
                }
            }

            var highest = owners.Count == 0 ? 0 : owners.Keys.Max();
            var before = _uidNext.GetValueOrDefault(folder);
            Assert.True(state.UidNext >= before, $"{round}: UIDNEXT of {folder} went back from {before} to {state.UidNext}");
            Assert.True(state.UidNext > highest, $"{round}: UIDNEXT of {folder} is {state.UidNext}, yet UID {highest} was given out");
        }

        var observed = folders
            .SelectMany(f => f.Value.Messages.Select(m => (m.MessageId, Copy: new ObservedCopy(FolderName(f.Key), m.Uid, m.Flagged))))
            .ToLookup(m => m.MessageId, m => m.Copy);
        var tracked = ofThisAccount.ToList();
        var known = tracked.Select(t => t.MessageId).ToHashSet();
        foreach (var unknown in observed.Where(g => !known.Contains(g.Key)))
        {
            Assert.Fail($"{round}: {unknown.Key} is on the server but was never sent by this test");
        }

        foreach (var message in tracked)
        {
            CheckMessage(round, message, observed[message.MessageId].ToList());
        }

        foreach (var (folder, state) in folders)
        {
            foreach (var (uid, messageId, _) in state.Messages)
            {
                _uidOwners[folder][uid] = messageId;
            }

            _uidNext[folder] = state.UidNext;
        }
    }

    /// <summary>Remembers an acknowledged UID (APPENDUID, COPYUID) before any restart shows it.</summary>
    public void Acknowledged(string round, string folder, uint uid, string messageId)
    {
        // Called after the round, on the test's thread: the clients only note what they were told.
        var owners = _uidOwners.TryGetValue(folder, out var o) ? o : _uidOwners[folder] = [];
        if (owners.TryGetValue(uid, out var previous))
        {
            Assert.Fail($"{round}: the server acknowledged UID {uid} of {folder} for {messageId}, but gave it to {previous} before");
        }

        owners[uid] = messageId;
    }

    /// <summary>"alice@example.com/INBOX" → "INBOX": the ledger keys folders by account, messages know only the folder.</summary>
    private static string FolderName(string key) => key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private void CheckMessage(string round, TrackedMessage message, List<ObservedCopy> found)
    {
        var expected = message.Instances.Select(i => (i.Folder, i.Uid)).Order().ToList();
        var actual = found.Select(c => (c.Folder, c.Uid)).Order().ToList();
        var what = $"{round}: {message.MessageId} expected at [{string.Join(", ", expected)}]" +
            (message.Pending is { } p ? $" (its {p.Kind} of UID {p.Uid} was not answered)" : string.Empty) +
            $", found at [{string.Join(", ", actual)}]";
        var newCopies = actual.Except(expected).ToList();
        var gone = expected.Except(actual).ToList();
        Assert.True(actual.Distinct().Count() == actual.Count, what);

        var settled = message.Pending switch
        {
            null or { Kind: ChangeKind.Store } => newCopies.Count == 0 && gone.Count == 0,
            { Kind: ChangeKind.Append } => gone.Count == 0 && (newCopies.Count == 0 || newCopies is [("INBOX", _)]),
            { Kind: ChangeKind.Copy } => gone.Count == 0 && (newCopies.Count == 0 || newCopies is [("Archive", _)]),
            { Kind: ChangeKind.Move, Uid: var uid } => (newCopies.Count == 0 && gone.Count == 0)
                || (newCopies is [("Trash", _)] && gone.SequenceEqual([("INBOX", uid)])),
            { Kind: ChangeKind.Expunge, Uid: var uid } => newCopies.Count == 0 && (gone.Count == 0 || gone.SequenceEqual([("INBOX", uid)])),
            _ => throw new ArgumentOutOfRangeException(nameof(message), message.Pending, "unknown change"),
        };
        Assert.True(settled, what);
        if (message.Pending is { Kind: var kind })
        {
            var done = kind == ChangeKind.Store
                ? found.Any(c => c.Folder == "INBOX" && c.Flagged)
                : newCopies.Count > 0 || gone.Count > 0;
            Settled.Add($"{kind}: {(done ? "done" : "not done")}");
        }

        var inbox = found.FirstOrDefault(c => c.Folder == "INBOX");
        if (message.Flagged && inbox is not null)
        {
            Assert.True(inbox is { Flagged: true }, $"{round}: {message.MessageId} lost its acknowledged \\Flagged");
        }

        // What the server shows is now the certain state.
        message.Instances.Clear();
        message.Instances.AddRange(found.Select(c => (c.Folder, c.Uid)));
        message.Flagged = inbox is { Flagged: true };
        message.Pending = null;
    }
}

/// <summary>One folder as found after a restart.</summary>
internal sealed record FolderState(uint UidValidity, uint UidNext, IReadOnlyList<(uint Uid, string MessageId, bool Flagged)> Messages)
{
    /// <summary>
    /// An account's <paramref name="folders"/> as <paramref name="server"/> shows them, keyed
    /// "login/folder", with only the messages whose Message-Id <paramref name="keep"/> accepts (all by default).
    /// </summary>
    public static async Task<Dictionary<string, FolderState>> ScanAsync(ServerFixture server, string login, IEnumerable<string> folders, Func<string, bool>? keep = null)
    {
        var states = new Dictionary<string, FolderState>();
        using var client = await server.ConnectAsync(login);
        foreach (var name in folders)
        {
            var folder = name == "INBOX" ? client.Inbox : await client.GetFolderAsync(name);
            await folder.OpenAsync(FolderAccess.ReadOnly);
            var summaries = folder.Count == 0
                ? []
                : await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
            var messages = summaries
                .Select(s => (s.UniqueId.Id, (s.Envelope?.MessageId ?? "(none)").Trim('<', '>'), s.Flags?.HasFlag(MessageFlags.Flagged) == true))
                .Where(m => keep?.Invoke(m.Item2) ?? true)
                .ToList();
            states[$"{login}/{name}"] = new FolderState(folder.UidValidity, folder.UidNext?.Id ?? 0, messages);
            await folder.CloseAsync();
        }

        await client.DisconnectAsync(true);
        return states;
    }
}
