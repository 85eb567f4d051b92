using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

public sealed class WriteWindowTests
{
    private readonly List<int> _issued = [];

    private WriteWindow Window(int max) => new(max, write => _issued.Add(write.Bytes));

    private static OutgoingWrite Bytes(int count) => new(new byte[count]);

    [Fact]
    public void Writes_within_the_bound_go_out_at_once()
    {
        var window = Window(100);

        window.Enqueue(Bytes(40));
        window.Enqueue(Bytes(60));

        Assert.Equal([40, 60], _issued);
        Assert.Equal(100, window.Unacked);
    }

    [Fact]
    public void Writes_past_the_bound_wait_for_acks_in_order()
    {
        var window = Window(100);
        window.Enqueue(Bytes(80));
        window.Enqueue(Bytes(30));
        window.Enqueue(Bytes(10));
        Assert.Equal([80], _issued);
        Assert.False(window.AllIssued);

        window.Acknowledge(80);

        Assert.Equal([80, 30, 10], _issued);
        Assert.True(window.AllIssued);
    }

    [Fact]
    public void A_write_larger_than_the_bound_goes_out_when_nothing_is_in_flight()
    {
        var window = Window(100);

        window.Enqueue(Bytes(500));

        Assert.Equal([500], _issued);
    }

    [Fact]
    public async Task Acceptance_completes_when_the_write_is_handed_over()
    {
        var window = Window(100);
        window.Enqueue(Bytes(100));
        var accepted = new TaskCompletionSource();

        window.Enqueue(Bytes(10), accepted);
        Assert.False(accepted.Task.IsCompleted);
        window.Acknowledge(100);

        await accepted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(window.IsIdle is false && window.AllIssued);
    }

    [Fact]
    public async Task Failing_the_window_fails_whoever_waits()
    {
        var window = Window(10);
        window.Enqueue(Bytes(10));
        var accepted = new TaskCompletionSource();
        window.Enqueue(Bytes(10), accepted);

        window.Fail(new IOException("connection closed"));

        await Assert.ThrowsAsync<IOException>(() => accepted.Task);
    }
}

public sealed class ConnectionGateTests
{
    [Fact]
    public void The_cap_refuses_once_reached_and_a_release_frees_a_slot()
    {
        var gate = new ConnectionGate(2);

        Assert.True(gate.TryAcquire());
        Assert.True(gate.TryAcquire());
        Assert.False(gate.TryAcquire());
        gate.Release();
        Assert.True(gate.TryAcquire());
        Assert.Equal(2, gate.Open);
    }

    [Fact]
    public void Unlimited_counts_but_never_refuses()
    {
        var gate = new ConnectionGate(null);

        for (var i = 0; i < 1000; i++)
        {
            Assert.True(gate.TryAcquire());
        }

        Assert.Equal(1000, gate.Open);
    }
}
