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
    private const int MaxChangesPerRound = 5_000;
    private readonly MessageChanges _changes = new("crash", index, seed: 7919, new ChangeMix(Append: 35, Store: 55, Copy: 70, Move: 85));

    public string Login { get; } = login;

    public List<TrackedMessage> Messages => _changes.Messages;

    /// <summary>This round's acknowledged UIDs: (folder, UID, Message-Id), for the ledger.</summary>
    public List<(string Folder, uint Uid, string MessageId)> Acks => _changes.Acks;

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
            // Changes go on until the kill cuts the connection: then one is in flight.
            for (int i = 0; i < MaxChangesPerRound; i++)
            {
                await _changes.MakeAsync(client, round, archive, trash);
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
}
