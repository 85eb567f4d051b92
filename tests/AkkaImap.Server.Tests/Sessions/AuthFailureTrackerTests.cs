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
    public void A_success_forgives_the_failures_of_its_own_account()
    {
        var tracker = new AuthFailureTracker();
        tracker.RecordFailure(FirstConnection, "alice@example.com");
        tracker.RecordFailure(FirstConnection, "alice@example.com");

        tracker.RecordSuccess(SecondConnection, "Alice@Example.com");

        Assert.Equal(1, tracker.RecordFailure(FirstConnection, "alice@example.com"));
    }

    [Fact]
    public void A_success_of_one_account_does_not_reset_guesses_sprayed_across_others()
    {
        // Issue 16, finding 4: wrong passwords for bob, carol and dave, then mallory (a valid account
        // the attacker holds) logs in from the same address: the next guess is the fourth in a row.
        var tracker = new AuthFailureTracker();
        tracker.RecordFailure(FirstConnection, "bob@example.com");
        tracker.RecordFailure(SecondConnection, "carol@example.com");
        tracker.RecordFailure(FirstConnection, "dave@example.com");

        tracker.RecordSuccess(FirstConnection, "mallory@example.com");

        Assert.Equal(4, tracker.RecordFailure(FirstConnection, "erin@example.com"));
    }

    [Fact]
    public void Only_the_succeeding_account_s_share_is_forgiven()
    {
        var tracker = new AuthFailureTracker();
        tracker.RecordFailure(FirstConnection, "alice@example.com");
        tracker.RecordFailure(FirstConnection, "bob@example.com");
        tracker.RecordFailure(FirstConnection);

        tracker.RecordSuccess(FirstConnection, "alice@example.com");

        Assert.Equal(3, tracker.RecordFailure(FirstConnection, "bob@example.com"));
    }

    [Fact]
    public void An_ipv4_mapped_address_is_the_same_client_as_its_ipv4_form()
    {
        var tracker = new AuthFailureTracker();
        tracker.RecordFailure(FirstConnection);

        Assert.Equal(2, tracker.RecordFailure(new IPEndPoint(FirstConnection.Address.MapToIPv6(), 40009)));
    }
}
