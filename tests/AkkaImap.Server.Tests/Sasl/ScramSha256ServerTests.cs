using AkkaImap.Server.Sasl;
using AkkaImap.Storage;
using Xunit;
using static AkkaImap.Server.Tests.Sasl.SaslAssert;

namespace AkkaImap.Server.Tests.Sasl;

public sealed class ScramSha256ServerTests
{
    // RFC 7677 §3: user "user", password "pencil", fixed nonces and salt.
    private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static SaslSecret PencilSecret =>
        new(Scram: Scram.Derive("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096));

    [Fact]
    public void Reproduces_the_RFC_7677_example_exchange()
    {
        var scram = new ScramSha256Server(ServerNonce);

        var need = Assert.IsType<SaslStep.NeedSecret>(scram.Start(Ascii(ClientFirst)));
        Assert.Equal(("user", SaslSecretKind.Scram), (need.Login, need.Kind));
        Assert.Equal(ServerFirst, ChallengeText(scram.ProvideSecret(PencilSecret)));
        var success = Assert.IsType<SaslStep.Success>(scram.Step(Ascii(ClientFinal)));
        Assert.Equal("user", success.Login);
        Assert.Equal(ServerFinal, System.Text.Encoding.ASCII.GetString(success.FinalData!));
    }

    [Fact]
    public void Without_initial_response_an_empty_challenge_comes_first()
    {
        var scram = new ScramSha256Server(ServerNonce);

        Assert.Equal("", ChallengeText(scram.Start(null)));
        Assert.IsType<SaslStep.NeedSecret>(scram.Step(Ascii(ClientFirst)));
    }

    [Fact]
    public void A_wrong_proof_is_rejected()
    {
        var scram = new ScramSha256Server(ServerNonce);
        scram.Start(Ascii(ClientFirst));
        scram.ProvideSecret(new SaslSecret(Scram: Scram.Derive("pencil2", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096)));

        Assert.Equal("user", Failed(scram.Step(Ascii(ClientFinal)), SaslFailure.Rejected).Login);
    }

    [Fact]
    public void An_unknown_user_gets_a_plausible_salt_and_fails_only_at_the_proof()
    {
        var first = new ScramSha256Server(ServerNonce);
        first.Start(Ascii("n,,n=ghost,r=abc"));
        var second = new ScramSha256Server(ServerNonce);
        second.Start(Ascii("n,,n=ghost,r=abc"));

        var challenge = ChallengeText(first.ProvideSecret(null));

        Assert.Matches(@"^r=abc%hvYDpWUa2RaTCAfuxFIlj\)hNlF\$k0,s=[A-Za-z0-9+/]{22}==,i=4096$", challenge);
        Assert.Equal(challenge, ChallengeText(second.ProvideSecret(null)));
        Failed(first.Step(Ascii("c=biws,r=abc" + ServerNonce + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")), SaslFailure.Rejected);
    }

    [Fact]
    public void Channel_binding_data_must_echo_the_gs2_header()
    {
        var scram = new ScramSha256Server(ServerNonce);
        // "y,," (client could bind, believes we cannot) must come back as c=eSws, not c=biws.
        scram.Start(Ascii("y" + ClientFirst[1..]));
        scram.ProvideSecret(PencilSecret);

        Failed(scram.Step(Ascii(ClientFinal)), SaslFailure.Rejected);
    }

    [Fact]
    public void A_changed_nonce_is_rejected()
    {
        var scram = new ScramSha256Server(ServerNonce);
        scram.Start(Ascii(ClientFirst));
        scram.ProvideSecret(PencilSecret);

        Failed(scram.Step(Ascii(ClientFinal.Replace("k0,p=", "k1,p="))), SaslFailure.Rejected);
    }

    [Fact]
    public void Channel_binding_and_mandatory_extensions_are_unsupported()
    {
        Failed(new ScramSha256Server(ServerNonce).Start(Ascii("p=tls-unique,,n=user,r=abc")), SaslFailure.Unsupported);
        Failed(new ScramSha256Server(ServerNonce).Start(Ascii("n,,m=ext,n=user,r=abc")), SaslFailure.Unsupported);
    }

    [Fact]
    public void Authorization_identity_must_be_the_user_itself()
    {
        Assert.IsType<SaslStep.NeedSecret>(new ScramSha256Server(ServerNonce).Start(Ascii("n,a=user,n=user,r=abc")));
        Failed(new ScramSha256Server(ServerNonce).Start(Ascii("n,a=admin,n=user,r=abc")), SaslFailure.AuthorizationFailed);
    }

    [Fact]
    public void Escaped_commas_and_equals_signs_in_the_user_name_are_decoded()
    {
        var need = Assert.IsType<SaslStep.NeedSecret>(new ScramSha256Server(ServerNonce).Start(Ascii("n,,n=a=2Cb=3Dc@example.com,r=abc")));

        Assert.Equal("a,b=c@example.com", need.Login);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x,,n=user,r=abc")]
    [InlineData("n,,r=abc")]
    [InlineData("n,,n=user")]
    [InlineData("n,,n=,r=abc")]
    [InlineData("n,,n=us=er,r=abc")]
    [InlineData("n,,n=user,r=")]
    [InlineData("n,b=x,n=user,r=abc")]
    public void Malformed_client_first_messages_fail_as_malformed(string message)
    {
        Failed(new ScramSha256Server(ServerNonce).Start(Ascii(message)), SaslFailure.Malformed);
    }

    [Theory]
    [InlineData("c=biws,r=x")]
    [InlineData("r=x,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")]
    [InlineData("c=biws,r=x,p=not-base64")]
    [InlineData("c=biws,r=x,p=AAAA")]
    public void Malformed_client_final_messages_fail_as_malformed(string message)
    {
        var scram = new ScramSha256Server(ServerNonce);
        scram.Start(Ascii(ClientFirst));
        scram.ProvideSecret(PencilSecret);

        Failed(scram.Step(Ascii(message)), SaslFailure.Malformed);
    }
}
