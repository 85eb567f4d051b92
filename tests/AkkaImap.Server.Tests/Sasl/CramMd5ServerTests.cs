using System.Text.RegularExpressions;
using AkkaImap.Server.Sasl;
using AkkaImap.Storage.Secrets;
using Xunit;
using static AkkaImap.Server.Tests.Sasl.SaslAssert;

namespace AkkaImap.Server.Tests.Sasl;

public sealed class CramMd5ServerTests
{
    private const string RfcChallenge = "<1896.697170952@postoffice.reston.mci.net>";

    private static SaslSecret TimsSecret => new(CramMd5: HmacMd5Context.FromPassword("tanstaaftanstaaf"));

    [Fact]
    public void Accepts_the_RFC_2195_example_exchange()
    {
        var cram = new CramMd5Server(RfcChallenge);

        Assert.Equal(RfcChallenge, ChallengeText(cram.Start(null)));
        var need = Assert.IsType<SaslStep.NeedSecret>(cram.Step(Ascii("tim b913a602c7eda7a495b4e6e7334d3890")));
        Assert.Equal(("tim", SaslSecretKind.CramMd5), (need.Login, need.Kind));
        var success = Assert.IsType<SaslStep.Success>(cram.ProvideSecret(TimsSecret));
        Assert.Equal("tim", success.Login);
        Assert.Null(success.FinalData);
    }

    [Fact]
    public void A_wrong_digest_is_rejected()
    {
        var cram = new CramMd5Server(RfcChallenge);
        cram.Start(null);
        cram.Step(Ascii("tim b913a602c7eda7a495b4e6e7334d3891"));

        Assert.Equal("tim", Failed(cram.ProvideSecret(TimsSecret), SaslFailure.Rejected).Login);
    }

    [Fact]
    public void Unknown_account_is_rejected_and_one_without_a_CRAM_MD5_secret_says_why()
    {
        var unknown = new CramMd5Server(RfcChallenge);
        unknown.Start(null);
        unknown.Step(Ascii("nobody b913a602c7eda7a495b4e6e7334d3890"));
        Failed(unknown.ProvideSecret(null), SaslFailure.Rejected);

        var noSecret = new CramMd5Server(RfcChallenge);
        noSecret.Start(null);
        noSecret.Step(Ascii("tim b913a602c7eda7a495b4e6e7334d3890"));
        Failed(noSecret.ProvideSecret(new SaslSecret()), SaslFailure.SecretUnavailable);
    }

    [Fact]
    public void An_initial_response_is_malformed_for_this_server_first_mechanism()
    {
        Failed(new CramMd5Server(RfcChallenge).Start(Ascii("tim")), SaslFailure.Malformed);
    }

    [Theory]
    [InlineData("b913a602c7eda7a495b4e6e7334d3890")]
    [InlineData("tim b913a602c7eda7a495b4e6e7334d389")]
    [InlineData("tim zz13a602c7eda7a495b4e6e7334d3890")]
    [InlineData(" b913a602c7eda7a495b4e6e7334d3890")]
    public void Malformed_answers_fail_as_malformed(string answer)
    {
        var cram = new CramMd5Server(RfcChallenge);
        cram.Start(null);

        Failed(cram.Step(Ascii(answer)), SaslFailure.Malformed);
    }

    [Fact]
    public void Fresh_challenges_are_unique_msg_ids_naming_the_host()
    {
        var a = ChallengeText(CramMd5Server.Create("imap.example.com").Start(null));
        var b = ChallengeText(CramMd5Server.Create("imap.example.com").Start(null));

        Assert.Matches(new Regex(@"^<\d+\.\d+@imap\.example\.com>$"), a);
        Assert.NotEqual(a, b);
    }
}
