using System.Net;
using AkkaImap.Server.Sessions;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

public sealed class AuthFailureTrackerTests
{
    private static readonly IPEndPoint FirstConnection = new(IPAddress.Parse("192.0.2.7"), 40001);
    private static readonly IPEndPoint SecondConnection = new(IPAddress.Parse("192.0.2.7"), 40002);
    private static readonly IPEndPoint OtherClient = new(IPAddress.Parse("192.0.2.8"), 40003);

    [Fact]
    public void Failures_count_per_address_across_connections()
    {
        var tracker = new AuthFailureTracker();

        Assert.Equal(1, tracker.RecordFailure(FirstConnection));
        Assert.Equal(2, tracker.RecordFailure(SecondConnection));
        Assert.Equal(1, tracker.RecordFailure(OtherClient));
    }

    [Fact]
    public void A_success_from_the_address_starts_the_count_again()
    {
        var tracker = new AuthFailureTracker();
        tracker.RecordFailure(FirstConnection);
        tracker.RecordFailure(FirstConnection);

        tracker.RecordSuccess(SecondConnection);

        Assert.Equal(1, tracker.RecordFailure(FirstConnection));
    }

    [Fact]
    public void An_ipv4_mapped_address_is_the_same_client_as_its_ipv4_form()
    {
        var tracker = new AuthFailureTracker();
        tracker.RecordFailure(FirstConnection);

        Assert.Equal(2, tracker.RecordFailure(new IPEndPoint(FirstConnection.Address.MapToIPv6(), 40009)));
    }
}
