using System.Net.Sockets;
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
    private readonly MessageChanges _changes = new("cluster", index, seed: 104_729, new ChangeMix(Append: 45, Store: 70, Copy: 70, Move: 85));

    public string Login { get; } = login;

    /// <summary>The node this worker talks to; a lost connection reconnects to <see cref="Reconnect"/>'s node.</summary>
    public ServerFixture Node { get; private set; } = node;

    /// <summary>Where to go when the connection is lost (the node left); null: the same node.</summary>
    public ServerFixture? Reconnect { get; set; }

    /// <summary>
    /// Connects through a load balancer instead of to <see cref="Node"/> (which then only knows the
    /// password): returns a client not yet logged in, and its own address:port.
    /// </summary>
    public Func<Task<(ImapClient Client, string Me)>>? Through { get; init; }

    /// <summary>The client's own address:port of every connection made <see cref="Through"/> the balancer.</summary>
    public List<string> Addresses { get; } = [];

    public List<TrackedMessage> Messages => _changes.Messages;

    /// <summary>Acknowledged UIDs: (folder, UID, Message-Id), for the ledger.</summary>
    public List<(string Folder, uint Uid, string MessageId)> Acks => _changes.Acks;

    /// <summary>Acknowledged changes.</summary>
    public int Acknowledged;

    /// <summary>Commands answered NO or cut off while the cluster changed (their outcome is open).</summary>
    public int Interrupted;

    /// <summary>Connections lost (BYE or closed) and made again.</summary>
    public int Reconnects;

    /// <summary>What went wrong beyond what a dying or leaving node explains.</summary>
    public string? Failure { get; private set; }

    /// <summary>Raised on the worker's own thread after each acknowledged change and when it fails (the waits listen instead of polling).</summary>
    public event Action? Progressed;

    /// <summary>Changes until <paramref name="stop"/>; NO and lost connections are allowed only while <paramref name="disturbed"/> says so.</summary>
    public async Task RunAsync(string round, CancellationToken stop, Func<bool> disturbed)
    {
        ImapClient? client = null;
        IMailFolder? trash = null;
        try
        {
            while (!stop.IsCancellationRequested && Failure is null)
            {
                try
                {
                    if (client is not { IsConnected: true, IsAuthenticated: true })
                    {
                        client?.Dispose();
                        client = await ConnectAsync();
                        trash = await client.GetFolderAsync("Trash");
                    }
                    // A SELECT answered NO while the node died leaves no folder selected (RFC 9051 §6.3.2).
                    if (client.Inbox is not { IsOpen: true, Access: FolderAccess.ReadWrite })
                    {
                        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
                    }
                    await _changes.MakeAsync(client, round, archive: null, trash!);
                    Interlocked.Increment(ref Acknowledged);
                    Progressed?.Invoke();
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
            Progressed?.Invoke();
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

    private async Task<ImapClient> ConnectAsync()
    {
        if (Through is null)
        {
            return await Node.ConnectAsync(Login);
        }

        var (client, me) = await Through();
        Addresses.Add(me);
        try
        {
            await client.AuthenticateAsync(Login, Node.Users[Login]);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return client;
    }
}
