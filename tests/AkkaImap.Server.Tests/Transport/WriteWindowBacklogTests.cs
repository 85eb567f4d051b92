using System.IO;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

/// <summary><see cref="WriteWindow.Waiting"/>: the bytes held for a client that does not read, which drive output back-pressure.</summary>
public sealed class WriteWindowBacklogTests
{
    private static WriteWindow Window(int max) => new(max, _ => { });

    private static OutgoingWrite Bytes(int count) => new(new byte[count]);

    [Fact]
    public void Bytes_past_the_bound_are_counted_as_waiting_until_issued()
    {
        var window = Window(100);
        window.Enqueue(Bytes(100));
        Assert.Equal(0, window.Waiting);

        window.Enqueue(Bytes(30));
        window.Enqueue(Bytes(50));
        Assert.Equal(80, window.Waiting);

        window.Acknowledge(100);
        Assert.Equal(0, window.Waiting);
    }

    [Fact]
    public void A_failed_connection_holds_nothing()
    {
        var window = Window(10);
        window.Enqueue(Bytes(10));
        window.Enqueue(Bytes(500));

        window.Fail(new IOException("gone"));

        Assert.Equal(0, window.Waiting);
    }
}
