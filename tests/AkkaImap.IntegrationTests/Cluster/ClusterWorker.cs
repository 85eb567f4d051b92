using System.Net.Sockets;
using AkkaImap.IntegrationTests.Clients;
using AkkaImap.IntegrationTests.Durability;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>
/// One MailKit client of the cluster tests, on one node: with INBOX selected it appends, flags,
/// moves to Trash and expunges its own messages (picked by a seeded random) until told to stop,
/// noting every answer (the <see cref="CrashLedger"/> checks them). While a node dies or leaves, a
/// command may be answered NO (its owner did not answer in time) or lose its connection: its
/// outcome is then open, the message is left alone from then on, and the worker carries on (after
/// reconnecting, to <see cref="Reconnect"/>'s node, when the connection went).
/// </summary>
internal sealed class ClusterWorker(int index, string login, ServerFixture node)
{
    private readonly Random _random = new(104_729 * (index + 1));
    private int _sequence;

    public string Login { get; } = login;

    /// <summary>The node this worker talks to; a lost connection reconnects to <see cref="Reconnect"/>'s node.</summary>
    public ServerFixture Node { get; private set; } = node;

    /// <summary>Where to go when the connection is lost (the node left); null: the same node.</summary>
    public ServerFixture? Reconnect { get; set; }

    public List<TrackedMessage> Messages { get; } = [];

    /// <summary>Acknowledged UIDs: (folder, UID, Message-Id), for the ledger.</summary>
    public List<(string Folder, uint Uid, string MessageId)> Acks { get; } = [];

    /// <summary>Acknowledged changes.</summary>
    public int Acknowledged;

    /// <summary>Commands answered NO or cut off while the cluster changed (their outcome is open).</summary>
    public int Interrupted;

    /// <summary>Connections lost (BYE or closed) and made again.</summary>
    public int Reconnects;

    /// <summary>What went wrong beyond what a dying or leaving node explains.</summary>
    public string? Failure { get; private set; }

    /// <summary>Changes until <paramref name="stop"/>; NO and lost connections are allowed only while <paramref name="disturbed"/> says so.</summary>
    public async Task RunAsync(string round, CancellationToken stop, Func<bool> disturbed)
    {
        ImapClient? client = null;
        try
        {
            while (!stop.IsCancellationRequested && Failure is null)
            {
                try
                {
                    if (client is not { IsConnected: true, IsAuthenticated: true })
                    {
                        client?.Dispose();
                        client = await Node.ConnectAsync(Login);
                        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
                    }
                    await ChangeAsync(client, round);
                    Interlocked.Increment(ref Acknowledged);
                }
                catch (ImapCommandException e) when (disturbed())
                {
                    // NO: the owner did not answer in time; the change may or may not have happened.
                    _ = e;
                    Interlocked.Increment(ref Interrupted);
                }
                catch (Exception e) when (disturbed() && e is IOException or SocketException or ImapProtocolException or ServiceNotConnectedException or OperationCanceledException)
                {
                    Interlocked.Increment(ref Interrupted);
                    Interlocked.Increment(ref Reconnects);
                    client?.Dispose();
                    client = null;
                    if (Reconnect is { } other) Node = other;
                    await Task.Delay(200, CancellationToken.None);
                }
            }
        }
        catch (Exception e)
        {
            Failure ??= $"worker {index} ({Login}) on node {Node.Port}, {round}: {e.GetType().Name}: {e.Message}";
        }
        finally
        {
            if (client is { IsConnected: true })
            {
                try
                {
                    await client.DisconnectAsync(true);
                }
                catch (Exception)
                {
                    // Closing politely is not what is tested.
                }
            }
            client?.Dispose();
        }
    }

    private async Task ChangeAsync(ImapClient client, string round)
    {
        // A message whose last change was not answered is left as it is: the ledger settles it.
        var mine = Messages.Where(m => m.InboxUid is not null && m.Pending is null).ToList();
        int roll = mine.Count < 3 ? 0 : _random.Next(100);
        if (roll < 45)
        {
            await AppendAsync(client, round);
            return;
        }

        var message = mine[_random.Next(mine.Count)];
        var uid = new UniqueId(message.InboxUid!.Value);
        var inbox = client.Inbox;
        switch (roll)
        {
            case < 70:
                message.Pending = new PendingChange(ChangeKind.Store, uid.Id);
                await inbox.AddFlagsAsync(uid, MessageFlags.Flagged, silent: true);
                message.Flagged = true;
                break;
            case < 85:
                message.Pending = new PendingChange(ChangeKind.Move, uid.Id);
                var trash = await client.GetFolderAsync("Trash");
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
        var id = $"cluster-{round.Replace(' ', '-')}-w{index}-n{_sequence++}@akkaimap.test";
        var mime = MailKitMailDayTests.PlainMessage("cluster test " + id, "Is it there exactly once?");
        mime.MessageId = id;
        var message = new TrackedMessage(id) { Pending = new PendingChange(ChangeKind.Append, 0) };
        Messages.Add(message);
        var uid = await client.Inbox.AppendAsync(mime) ?? throw new InvalidOperationException("APPEND answered without APPENDUID");
        message.Instances.Add(("INBOX", uid.Id));
        Acks.Add(("INBOX", uid.Id, id));
        message.Pending = null;
    }
}
