using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace AkkaImap.IntegrationTests.Durability;

/// <summary>
/// SPEC "Durability", over and over: three rounds of mixed load (APPEND, STORE, COPY, MOVE,
/// EXPUNGE from four MailKit clients on two accounts, three of them sharing one account's
/// folders), each ended by <c>kill -9</c> of the real server and followed by a restart on the
/// same data folder. After each restart every acknowledged change is there exactly once, a
/// change whose answer never came either happened whole or not at all, UIDVALIDITY is unchanged,
/// no UID is attached to another message than before, and UIDNEXT never goes back
/// (<see cref="CrashLedger"/>).
/// </summary>
public sealed class RepeatedCrashTests(ServerFixture server, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private const int Rounds = 3;
    private const int ChangesBeforeKill = 40;
    private static readonly string[] Folders = ["INBOX", "Archive", "Trash"];

    [Fact]
    public async Task Every_acknowledged_change_survives_repeated_kill_9_under_mixed_load_exactly_once()
    {
        var ledger = new CrashLedger();
        var workers = new[] { "alice@example.com", "alice@example.com", "alice@example.com", "bob@example.com" }
            .Select((login, i) => new CrashWorker(i, login))
            .ToArray();
        foreach (var login in workers.Select(w => w.Login).Distinct())
        {
            ledger.Check("before the first round", await FolderState.ScanAsync(server, login, Folders), []);
        }

        for (int round = 1; round <= Rounds; round++)
        {
            var name = $"round {round}";
            int acknowledged = 0;
            bool killing = false;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var load = workers.Select(w => Task.Run(() => w.RunAsync(
                server,
                name,
                () =>
                {
                    if (Interlocked.Increment(ref acknowledged) >= ChangesBeforeKill) enough.TrySetResult();
                },
                () => Volatile.Read(ref killing)))).ToArray();

            // Pull the plug while every client has a change in flight.
            await Task.WhenAny(enough.Task, Task.WhenAll(load)).WaitAsync(TimeSpan.FromSeconds(60));
            Volatile.Write(ref killing, true);
            await server.KillAsync();
            await Task.WhenAll(load);
            Assert.All(workers, w => Assert.True(w.Failure is null, w.Failure));
            Assert.True(acknowledged >= ChangesBeforeKill, $"{name}: only {acknowledged} changes were acknowledged before the kill");

            var pending = workers.SelectMany(w => w.Messages).Where(m => m.Pending is not null).Select(m => m.Pending!.Kind);
            output.WriteLine($"{name}: {acknowledged} changes acknowledged, killed with [{string.Join(", ", pending)}] in flight");
            foreach (var worker in workers)
            {
                foreach (var (folder, uid, messageId) in worker.Acks)
                {
                    ledger.Acknowledged(name, $"{worker.Login}/{folder}", uid, messageId);
                }
            }

            await server.StartAsync();
            ledger.Settled.Clear();
            foreach (var login in workers.Select(w => w.Login).Distinct())
            {
                ledger.Check(name, await FolderState.ScanAsync(server, login, Folders), workers.Where(w => w.Login == login).SelectMany(w => w.Messages));
            }

            output.WriteLine($"{name}: after the restart, [{string.Join(", ", ledger.Settled)}]");
        }

        // The load did what it says: every kind of change was acknowledged at least once.
        var all = workers.SelectMany(w => w.Messages).ToList();
        Assert.Contains(all, m => m.Instances.Any(i => i.Folder == "Archive"));
        Assert.Contains(all, m => m.Instances.Any(i => i.Folder == "Trash"));
        Assert.Contains(all, m => m.Flagged);
        Assert.Contains(all, m => m.Instances.Count == 0);
    }
}
