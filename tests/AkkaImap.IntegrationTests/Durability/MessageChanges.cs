using AkkaImap.IntegrationTests.Clients;
using MailKit;
using MailKit.Net.Imap;

namespace AkkaImap.IntegrationTests.Durability;

/// <summary>
/// How often each change is picked, as cumulative percentages: below <see cref="Append"/> an APPEND,
/// then STORE +FLAGS \Flagged, COPY to Archive, MOVE to Trash, and the rest EXPUNGE. A mix without
/// copies has <see cref="Copy"/> equal to <see cref="Store"/>.
/// </summary>
internal sealed record ChangeMix(int Append, int Store, int Copy, int Move);

/// <summary>
/// The changes one client of a kill test makes with INBOX selected, shared by the crash test's
/// <see cref="CrashWorker"/> and the cluster tests' worker: it appends, flags, copies, moves and
/// expunges its own messages (picked by a seeded random), noting in <see cref="Messages"/> every
/// answer it gets and, while a change is in flight, that change (<see cref="TrackedMessage.Pending"/>),
/// so the <see cref="CrashLedger"/> can settle a change whose answer never came.
/// </summary>
internal sealed class MessageChanges(string test, int worker, int seed, ChangeMix mix)
{
    private readonly Random _random = new(seed * (worker + 1));
    private int _sequence;

    public List<TrackedMessage> Messages { get; } = [];

    /// <summary>Acknowledged UIDs: (folder, UID, Message-Id), for the ledger.</summary>
    public List<(string Folder, uint Uid, string MessageId)> Acks { get; } = [];

    /// <summary>One change; <paramref name="archive"/> is needed only by a mix with copies.</summary>
    public async Task MakeAsync(ImapClient client, string round, IMailFolder? archive, IMailFolder trash)
    {
        // A message whose last change was not answered is left as it is: the ledger settles it.
        var mine = Messages.Where(m => m.InboxUid is not null && m.Pending is null).ToList();
        int roll = mine.Count < 3 ? 0 : _random.Next(100);
        if (roll < mix.Append)
        {
            await AppendAsync(client, round);
            return;
        }

        var message = mine[_random.Next(mine.Count)];
        var uid = new UniqueId(message.InboxUid!.Value);
        var inbox = client.Inbox;
        if (roll < mix.Store)
        {
            message.Pending = new PendingChange(ChangeKind.Store, uid.Id);
            await inbox.AddFlagsAsync(uid, MessageFlags.Flagged, silent: true);
            message.Flagged = true;
        }
        else if (roll < mix.Copy)
        {
            message.Pending = new PendingChange(ChangeKind.Copy, uid.Id);
            var target = archive ?? throw new InvalidOperationException("a mix with copies needs the Archive folder");
            var copy = await inbox.CopyToAsync(uid, target) ?? throw new InvalidOperationException("COPY answered without COPYUID");
            message.Instances.Add(("Archive", copy.Id));
            Acks.Add(("Archive", copy.Id, message.MessageId));
        }
        else if (roll < mix.Move)
        {
            message.Pending = new PendingChange(ChangeKind.Move, uid.Id);
            var moved = await inbox.MoveToAsync(uid, trash) ?? throw new InvalidOperationException("MOVE answered without COPYUID");
            message.Instances.Remove(("INBOX", uid.Id));
            message.Instances.Add(("Trash", moved.Id));
            message.Flagged = false;
            Acks.Add(("Trash", moved.Id, message.MessageId));
        }
        else
        {
            message.Pending = new PendingChange(ChangeKind.Expunge, uid.Id);
            await inbox.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true);
            await inbox.ExpungeAsync([uid]);
            message.Instances.Remove(("INBOX", uid.Id));
            message.Flagged = false;
        }

        message.Pending = null;
    }

    private async Task AppendAsync(ImapClient client, string round)
    {
        var id = $"{test}-{round.Replace(' ', '-')}-w{worker}-n{_sequence++}@akkaimap.test";
        var mime = MailKitMailDayTests.PlainMessage($"{test} test {id}", "Is it there exactly once?");
        mime.MessageId = id;
        var message = new TrackedMessage(id) { Pending = new PendingChange(ChangeKind.Append, 0) };
        Messages.Add(message);
        var uid = await client.Inbox.AppendAsync(mime) ?? throw new InvalidOperationException("APPEND answered without APPENDUID");
        message.Instances.Add(("INBOX", uid.Id));
        Acks.Add(("INBOX", uid.Id, id));
        message.Pending = null;
    }
}
