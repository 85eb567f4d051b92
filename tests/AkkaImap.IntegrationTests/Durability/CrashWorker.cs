using AkkaImap.IntegrationTests.Clients;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;

namespace AkkaImap.IntegrationTests.Durability;

/// <summary>
/// One MailKit client of the crash test: with INBOX selected it appends, flags, copies to
/// Archive, moves to Trash and expunges its own messages (picked by a seeded random), noting
/// every answer it gets and the one change that was sent and not answered when the server died.
/// Several workers share one account's folders; each only touches the messages it appended.
/// </summary>
internal sealed class CrashWorker(int index, string login)
{
    private readonly Random _random = new(7919 * (index + 1));
    private int _sequence;

    public string Login { get; } = login;

    public List<TrackedMessage> Messages { get; } = [];

    /// <summary>This round's acknowledged UIDs: (folder, UID, Message-Id), for the ledger.</summary>
    public List<(string Folder, uint Uid, string MessageId)> Acks { get; } = [];

    /// <summary>What went wrong other than the kill (a NO, a missing APPENDUID or COPYUID, a drop before the kill).</summary>
    public string? Failure { get; private set; }

    public async Task RunAsync(ServerFixture server, string round, Action acknowledged, Func<bool> killing)
    {
        Acks.Clear();
        try
        {
            using var client = await server.ConnectAsync(Login);
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            var archive = await client.GetFolderAsync("Archive");
            var trash = await client.GetFolderAsync("Trash");
            while (!killing())
            {
                await ChangeAsync(client, archive, trash, round);
                acknowledged();
            }
        }
        catch (Exception e) when (killing() && e is not ImapCommandException)
        {
            // The server was killed under this client: the change in flight stays pending.
        }
        catch (Exception e)
        {
            Failure ??= $"worker {index} ({Login}), {round}: {e.GetType().Name}: {e.Message}";
        }
    }

    private async Task ChangeAsync(ImapClient client, IMailFolder archive, IMailFolder trash, string round)
    {
        var inInbox = Messages.Where(m => m.InboxUid is not null).ToList();
        int roll = inInbox.Count < 3 ? 0 : _random.Next(100);
        if (roll < 35)
        {
            await AppendAsync(client, round);
            return;
        }

        var message = inInbox[_random.Next(inInbox.Count)];
        var uid = new UniqueId(message.InboxUid!.Value);
        var inbox = client.Inbox;
        switch (roll)
        {
            case < 55:
                message.Pending = new PendingChange(ChangeKind.Store, uid.Id);
                await inbox.AddFlagsAsync(uid, MessageFlags.Flagged, silent: true);
                message.Flagged = true;
                break;
            case < 70:
                message.Pending = new PendingChange(ChangeKind.Copy, uid.Id);
                var copy = await inbox.CopyToAsync(uid, archive) ?? throw new InvalidOperationException("COPY answered without COPYUID");
                message.Instances.Add(("Archive", copy.Id));
                Acks.Add(("Archive", copy.Id, message.MessageId));
                break;
            case < 85:
                message.Pending = new PendingChange(ChangeKind.Move, uid.Id);
                var moved = await inbox.MoveToAsync(uid, trash) ?? throw new InvalidOperationException("MOVE answered without COPYUID");
                message.Instances.Remove(("INBOX", uid.Id));
                message.Instances.Add(("Trash", moved.Id));
                message.Flagged = false;
                Acks.Add(("Trash", moved.Id, message.MessageId));
                break;
            default:
                message.Pending = new PendingChange(ChangeKind.Expunge, uid.Id);
                await inbox.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true);
                await inbox.ExpungeAsync([uid]);
                message.Instances.Remove(("INBOX", uid.Id));
                message.Flagged = false;
                break;
        }

        message.Pending = null;
    }

    private async Task AppendAsync(ImapClient client, string round)
    {
        var id = $"crash-{round.Replace(' ', '-')}-w{index}-n{_sequence++}@akkaimap.test";
        var mime = MailKitMailDayTests.PlainMessage("crash test " + id, "Is it there exactly once?");
        mime.MessageId = id;
        var message = new TrackedMessage(id) { Pending = new PendingChange(ChangeKind.Append, 0) };
        Messages.Add(message);
        var uid = await client.Inbox.AppendAsync(mime) ?? throw new InvalidOperationException("APPEND answered without APPENDUID");
        message.Instances.Add(("INBOX", uid.Id));
        Acks.Add(("INBOX", uid.Id, id));
        message.Pending = null;
    }
}
