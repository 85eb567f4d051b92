using System.Diagnostics.Metrics;
using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Telemetry;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

public sealed class SessionMetricsTests : SessionTestKit
{
    [Fact]
    public void Every_command_is_counted_and_timed_by_name_and_result()
    {
        // A name no other test uses, since the meter is process-wide.
        var name = "XTEST" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var counted = new List<string>();
        var timed = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ImapMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (instrument.Name == "akkaimap.commands" && Tag(tags, "command") as string == name)
            {
                lock (counted) counted.Add((string)Tag(tags, "result")!);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (instrument.Name == "akkaimap.command.duration" && Tag(tags, "command") as string == name)
            {
                Interlocked.Increment(ref timed);
            }
        });
        listener.Start();

        var registry = CommandRegistry.CreateDefault().Add(name, CommandStates.Any, new RefusingNoop());
        var client = Connect(registry: registry);
        client.Run("a", "NOOP");
        client.Run("b", "NOOP");

        lock (counted) Assert.Equal(["NO", "NO"], counted);
        Assert.Equal(2, Volatile.Read(ref timed));
    }

    private static object? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key) return tag.Value;
        }
        return null;
    }

    private sealed class RefusingNoop : ICommandHandler<NoopCommand>
    {
        public CommandOutcome Handle(NoopCommand command, SessionContext context) => CommandOutcome.No("refused");
    }
}
