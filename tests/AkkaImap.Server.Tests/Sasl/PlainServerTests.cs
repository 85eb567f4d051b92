using AkkaImap.Server.Sasl;
using Xunit;
using static AkkaImap.Server.Tests.Sasl.SaslAssert;

namespace AkkaImap.Server.Tests.Sasl;

public sealed class PlainServerTests
{
    [Fact]
    public void Initial_response_goes_straight_to_the_password_check()
    {
        var step = new PlainServer().Start(Ascii("\0alice@example.com\0s3cret"));

        var check = Assert.IsType<SaslStep.CheckPassword>(step);
        Assert.Equal(("alice@example.com", "s3cret"), (check.Login, check.Password));
        Assert.DoesNotContain("s3cret", check.ToString());
    }

    [Fact]
    public void Without_initial_response_an_empty_challenge_comes_first()
    {
        var plain = new PlainServer();

        Assert.Equal("", ChallengeText(plain.Start(null)));
        var check = Assert.IsType<SaslStep.CheckPassword>(plain.Step(Ascii("alice@example.com\0alice@example.com\0pw")));
        Assert.Equal("alice@example.com", check.Login);
    }

    [Fact]
    public void Passwords_are_UTF8()
    {
        var step = new PlainServer().Start("\0bob@example.com\0pässwörd"u8.ToArray());

        Assert.Equal("pässwörd", Assert.IsType<SaslStep.CheckPassword>(step).Password);
    }

    [Fact]
    public void Acting_as_another_user_is_an_authorization_failure()
    {
        var failure = Failed(new PlainServer().Start(Ascii("bob@example.com\0alice@example.com\0pw")), SaslFailure.AuthorizationFailed);
        Assert.Equal("alice@example.com", failure.Login);
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice@example.com")]
    [InlineData("\0alice@example.com")]
    [InlineData("\0\0pw")]
    [InlineData("\0alice@example.com\0")]
    [InlineData("\0alice@example.com\0pw\0extra")]
    public void Malformed_messages_fail_as_malformed(string message)
    {
        Failed(new PlainServer().Start(Ascii(message)), SaslFailure.Malformed);
    }

    [Fact]
    public void Invalid_UTF8_is_malformed()
    {
        Failed(new PlainServer().Start([0, (byte)'a', 0, 0xff, 0xfe]), SaslFailure.Malformed);
    }
}
