using AkkaImap.Server.Sasl;
using Xunit;
using static AkkaImap.Server.Tests.Sasl.SaslAssert;

namespace AkkaImap.Server.Tests.Sasl;

public sealed class LoginServerTests
{
    [Fact]
    public void Asks_for_user_name_then_password_with_the_customary_prompts()
    {
        var login = new LoginServer();

        var first = Assert.IsType<SaslStep.Challenge>(login.Start(null));
        var second = Assert.IsType<SaslStep.Challenge>(login.Step(Ascii("alice@example.com")));
        var check = Assert.IsType<SaslStep.CheckPassword>(login.Step(Ascii("s3cret")));

        // The base64 every LOGIN client expects: "Username:" and "Password:".
        Assert.Equal("VXNlcm5hbWU6", Convert.ToBase64String(first.Data));
        Assert.Equal("UGFzc3dvcmQ6", Convert.ToBase64String(second.Data));
        Assert.Equal(("alice@example.com", "s3cret"), (check.Login, check.Password));
    }

    [Fact]
    public void A_user_name_sent_as_initial_response_skips_the_first_prompt()
    {
        var login = new LoginServer();

        Assert.Equal("Password:", ChallengeText(login.Start(Ascii("alice@example.com"))));
        Assert.Equal("alice@example.com", Assert.IsType<SaslStep.CheckPassword>(login.Step(Ascii("pw"))).Login);
    }

    [Fact]
    public void Empty_user_name_or_password_is_malformed()
    {
        var noUser = new LoginServer();
        noUser.Start(null);
        Failed(noUser.Step([]), SaslFailure.Malformed);

        var noPassword = new LoginServer();
        noPassword.Start(Ascii("alice@example.com"));
        Failed(noPassword.Step([]), SaslFailure.Malformed);
    }

    [Fact]
    public void Calling_after_the_end_is_a_programming_error()
    {
        var login = new LoginServer();
        login.Start(Ascii("alice@example.com"));
        login.Step(Ascii("pw"));

        Assert.Throws<InvalidOperationException>(() => login.Step(Ascii("again")));
    }
}
