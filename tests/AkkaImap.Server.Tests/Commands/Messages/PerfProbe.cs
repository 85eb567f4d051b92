using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Fetch;
using AkkaImap.Protocol.Sequences;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Transport;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Messages;

public sealed class PerfProbe
{
    [Fact]
    public void Measure()
    {
        var rows = Enumerable.Range(1, 100_000).Select(i => new MessageFlagState((uint)i, i % 3 == 0 ? MessageFlags.Seen : MessageFlags.None, [], 1)).ToArray();
        var snapshot = new FolderSnapshot(1, "INBOX", 1, 100_001, 1, rows, [], false, "x", null);
        var output = new ResponseBuffer();
        long sent = 0;
        var ctx = new SessionContext(new SessionServices(ImapSettingsDefault(), null!, ActorRefs.Nobody, ActorRefs.Nobody, CommandRegistry.CreateDefault()),
            new ConnectionInfo(new System.Net.IPEndPoint(0, 1), new System.Net.IPEndPoint(0, 2), false, false, true, "x"), output, () => sent += output.Take().Length, ActorRefs.Nobody, NoLogger.Instance);
        ctx.Select(new SelectedFolderView(snapshot));
        SequenceSet.TryParse("1:*", out var set);
        var cmd = new FetchCommand("a", false, set, [new SimpleAttribute(FetchItem.Uid), new SimpleAttribute(FetchItem.Flags)], null, false);
        var handler = new FetchHandler();
        for (int round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            handler.Handle(cmd, ctx);
            sent += output.Take().Length;
            File.AppendAllText("/tmp/perf.txt", $"{sw.ElapsedMilliseconds} ms, {sent} bytes\n");
        }
    }

    private static AkkaImap.Server.Configuration.ImapSettings ImapSettingsDefault() => AkkaImap.Server.Configuration.ImapSettings.Default;
}
