using System.Security.Cryptography;
using System.Text;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Sasl;
using AkkaImap.Server.Tests.Sessions;
using AkkaImap.Storage;
using AkkaImap.Storage.Secrets;
using Xunit;

namespace AkkaImap.Server.Tests.Sasl;

/// <summary>Each SASL mechanism through a real <c>SessionActor</c>: switched on and off, right and wrong password.</summary>
public sealed class SaslSessionTests : SessionTestKit
{
    private static ImapSettings AllOn { get; } = Settings with { Auth = Settings.Auth with { CramMd5 = true, Ntlm = true } };

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static byte[] Challenge(string line)
    {
        Assert.StartsWith("+ ", line);
        return Convert.FromBase64String(line[2..]);
    }

    private Task WithExtraSecrets() => Store.SetPasswordAsync(Login, Password, PasswordSecrets.CramMd5 | PasswordSecrets.Ntlm);

    [Fact]
    public void Capabilities_list_exactly_the_mechanisms_switched_on()
    {
        static string[] Auth(Client client) => client.Run("a", "CAPABILITY")[0].Split(' ').Where(c => c.StartsWith("AUTH=", StringComparison.Ordinal)).ToArray();

        Assert.Equal(["AUTH=PLAIN", "AUTH=LOGIN", "AUTH=SCRAM-SHA-256"], Auth(Connect()));
        Assert.Equal(["AUTH=PLAIN", "AUTH=LOGIN", "AUTH=CRAM-MD5", "AUTH=NTLM", "AUTH=SCRAM-SHA-256"], Auth(Connect(AllOn)));
        // Without TLS from an untrusted network only the mechanisms that never send the password.
        Assert.Equal(["AUTH=CRAM-MD5", "AUTH=NTLM", "AUTH=SCRAM-SHA-256"], Auth(Connect(AllOn, Untrusted)));
        var noScram = Settings with { Auth = Settings.Auth with { ScramSha256 = false, Login = false } };
        Assert.Equal(["AUTH=PLAIN"], Auth(Connect(noScram)));
    }

    [Theory]
    [InlineData("CRAM-MD5")]
    [InlineData("NTLM")]
    public void A_mechanism_switched_off_is_refused(string mechanism)
    {
        Assert.Equal(["a NO Unsupported authentication mechanism"], Connect().Run("a", "AUTHENTICATE " + mechanism));
    }

    [Fact]
    public void PLAIN_and_LOGIN_need_TLS_or_a_trusted_network()
    {
        var client = Connect(AllOn, Untrusted);

        Assert.StartsWith("a NO [PRIVACYREQUIRED]", client.Run("a", "AUTHENTICATE LOGIN")[^1]);
        Assert.StartsWith("b NO [PRIVACYREQUIRED]", client.Run("b", "AUTHENTICATE PLAIN " + B64($"\0{Login}\0{Password}"))[^1]);
    }

    [Theory]
    [InlineData(Password, "a OK [CAPABILITY ")]
    [InlineData("wrong", "a NO [AUTHENTICATIONFAILED]")]
    public void LOGIN_asks_user_name_then_password(string password, string answer)
    {
        var client = Connect();
        client.Send("a AUTHENTICATE LOGIN\r\n");
        Assert.Equal("+ VXNlcm5hbWU6", client.ReadLine());
        client.Send(B64(Login) + "\r\n");
        Assert.Equal("+ UGFzc3dvcmQ6", client.ReadLine());
        client.Send(B64(password) + "\r\n");

        Assert.StartsWith(answer, client.ReadUntilTagged("a")[^1]);
    }

    [Theory]
    [InlineData(Password, "a OK [CAPABILITY ")]
    [InlineData("wrong", "a NO [AUTHENTICATIONFAILED]")]
    public async Task CRAM_MD5_answers_the_challenge_with_the_HMAC_of_the_password(string password, string answer)
    {
        await WithExtraSecrets();
        var client = Connect(AllOn, Untrusted);
        client.Send("a AUTHENTICATE CRAM-MD5\r\n");
        var challenge = Challenge(client.ReadLine());
        var digest = Convert.ToHexStringLower(HMACMD5.HashData(Encoding.UTF8.GetBytes(password), challenge));
        client.Send(B64($"{Login} {digest}") + "\r\n");

        Assert.StartsWith(answer, client.ReadUntilTagged("a")[^1]);
    }

    [Fact]
    public void CRAM_MD5_fails_for_a_mailbox_whose_password_was_set_while_it_was_off()
    {
        var client = Connect(AllOn);
        client.Send("a AUTHENTICATE CRAM-MD5\r\n");
        var challenge = Challenge(client.ReadLine());
        var digest = Convert.ToHexStringLower(HMACMD5.HashData(Encoding.UTF8.GetBytes(Password), challenge));
        client.Send(B64($"{Login} {digest}") + "\r\n");

        Assert.Equal(["a NO [AUTHENTICATIONFAILED] Authentication failed"], client.ReadUntilTagged("a"));
    }

    [Theory]
    [InlineData(Password, true)]
    [InlineData("wrong", false)]
    public void SCRAM_SHA_256_proves_the_password_and_the_server_signs_back(string password, bool succeeds)
    {
        var client = Connect(connection: Untrusted);
        const string clientFirstBare = "n=" + Login + ",r=fyko+d2lbbFgONRv9qkxdawL";
        client.Send("a AUTHENTICATE SCRAM-SHA-256 " + B64("n,," + clientFirstBare) + "\r\n");
        var serverFirst = Encoding.UTF8.GetString(Challenge(client.ReadLine()));
        var fields = serverFirst.Split(',').ToDictionary(f => f[..1], f => f[2..]);
        Assert.StartsWith("fyko+d2lbbFgONRv9qkxdawL", fields["r"]);
        Assert.Equal("4096", fields["i"]);

        var salted = Scram.SaltedPassword(password, Convert.FromBase64String(fields["s"]), 4096);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var withoutProof = "c=biws,r=" + fields["r"];
        var authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}");
        var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
        var proof = clientKey.Zip(signature, (k, s) => (byte)(k ^ s)).ToArray();
        client.Send(B64($"{withoutProof},p={B64(proof)}") + "\r\n");

        if (!succeeds)
        {
            Assert.Equal(["a NO [AUTHENTICATIONFAILED] Authentication failed"], client.ReadUntilTagged("a"));
            return;
        }
        var serverSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
        Assert.Equal("v=" + B64(serverSignature), Encoding.ASCII.GetString(Challenge(client.ReadLine())));
        client.Send("\r\n");
        Assert.StartsWith("a OK [CAPABILITY ", client.ReadUntilTagged("a")[^1]);
    }

    [Fact]
    public void SCRAM_SHA_256_can_be_cancelled()
    {
        var client = Connect();
        client.Send("a AUTHENTICATE SCRAM-SHA-256\r\n");
        Assert.Equal("+ ", client.ReadLine());
        client.Send("*\r\n");

        Assert.Equal(["a BAD Authentication cancelled"], client.ReadUntilTagged("a"));
    }

    [Theory]
    [InlineData("alice", "example.com", Password, true)]
    [InlineData(Login, "", Password, true)]
    [InlineData("alice", "example.com", "wrong", false)]
    public async Task NTLMv2_logs_in_with_user_and_domain_or_the_full_login(string user, string domain, string password, bool succeeds)
    {
        await WithExtraSecrets();
        var client = Connect(AllOn, Untrusted);
        client.Send("a AUTHENTICATE NTLM " + B64(Convert.FromHexString("4e544c4d53535000010000000782080000000000200000000000000020000000")) + "\r\n");
        var challenge = Challenge(client.ReadLine());
        var serverChallenge = challenge[24..32];
        int infoLength = BitConverter.ToUInt16(challenge, 40);
        int infoOffset = BitConverter.ToInt32(challenge, 44);
        // NTLMv2_CLIENT_CHALLENGE (MS-NLMP §2.2.2.7): 1, 1, zeros, time, client challenge, zeros, target info, zeros.
        var temp = new byte[28 + infoLength + 4];
        temp[0] = 1;
        temp[1] = 1;
        BitConverter.GetBytes(DateTime.UtcNow.ToFileTimeUtc()).CopyTo(temp, 8);
        RandomNumberGenerator.Fill(temp.AsSpan(16, 8));
        Array.Copy(challenge, infoOffset, temp, 28, infoLength);
        var ntowf = NtlmResponses.NtowfV2(NtHash.FromPassword(password), user, domain);
        var nt = NtlmResponses.V2Proof(ntowf, serverChallenge, temp).Concat(temp).ToArray();
        client.Send(B64(NtlmTestMessages.Authenticate(new byte[24], nt, domain, user, NtlmMessages.NegotiateUnicode | NtlmMessages.NegotiateNtlm)) + "\r\n");

        Assert.StartsWith(succeeds ? "a OK [CAPABILITY " : "a NO [AUTHENTICATIONFAILED]", client.ReadUntilTagged("a")[^1]);
    }

    [Fact]
    public async Task NTLMv1_logs_in_after_an_empty_first_challenge()
    {
        await WithExtraSecrets();
        var client = Connect(AllOn);
        client.Send("a AUTHENTICATE NTLM\r\n");
        Assert.Equal("+ ", client.ReadLine());
        client.Send(B64(Convert.FromHexString("4e544c4d53535000010000000782000000000000200000000000000020000000")) + "\r\n");
        var serverChallenge = Challenge(client.ReadLine())[24..32];
        var nt = NtlmResponses.V1(NtHash.FromPassword(Password), serverChallenge);
        client.Send(B64(NtlmTestMessages.Authenticate(new byte[24], nt, "example.com", "alice", NtlmMessages.NegotiateUnicode | NtlmMessages.NegotiateNtlm)) + "\r\n");

        Assert.StartsWith("a OK [CAPABILITY ", client.ReadUntilTagged("a")[^1]);
    }

    [Fact]
    public async Task Repeated_CRAM_MD5_failures_lock_the_account()
    {
        await WithExtraSecrets();
        var settings = AllOn with { Auth = AllOn.Auth with { Lockout = AllOn.Auth.Lockout with { Failures = 2 } } };
        var client = Connect(settings);
        string Attempt(string tag, string password)
        {
            client.Send($"{tag} AUTHENTICATE CRAM-MD5\r\n");
            var challenge = Challenge(client.ReadLine());
            client.Send(B64($"{Login} {Convert.ToHexStringLower(HMACMD5.HashData(Encoding.UTF8.GetBytes(password), challenge))}") + "\r\n");
            return client.ReadUntilTagged(tag)[^1];
        }

        Assert.StartsWith("a NO [AUTHENTICATIONFAILED]", Attempt("a", "wrong"));
        Assert.StartsWith("b NO [AUTHENTICATIONFAILED]", Attempt("b", "wrong"));
        Assert.StartsWith("c NO [AUTHENTICATIONFAILED]", Attempt("c", Password));
        Assert.True((await Store.GetLockoutAsync(Login))!.IsLocked(DateTimeOffset.UtcNow));
    }
}
