using System.Security.Cryptography;
using AkkaImap.IntegrationTests.Protocol;
using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>
/// NTLMv1 and the NTLM2 session response, which MailKit no longer sends, over the raw protocol
/// (MS-OXIMAP4 §2.2.2: AUTHENTICATE NTLM, NEGOTIATE, CHALLENGE, AUTHENTICATE as base64 lines).
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class RawNtlmTests(AllMechanismsServer server) : IClassFixture<AllMechanismsServer>
{
    private const uint V1Flags = NtlmV1Client.NegotiateUnicode | NtlmV1Client.RequestTarget | NtlmV1Client.NegotiateNtlm;
    private const uint SessionFlags = V1Flags | NtlmV1Client.ExtendedSessionSecurity;

    [Fact]
    public async Task A_ntlm_v1_logs_in_with_the_post_office_as_domain()
    {
        var (raw, last) = await AuthenticateAsync(V1Flags, "example.com", "alice", c => NtlmV1Client.V1(server.Users["alice@example.com"], c));
        await using (raw)
        {
            Assert.StartsWith("A OK", last);
            await raw.OkAsync("S", "SELECT INBOX");
        }
    }

    [Fact]
    public async Task B_ntlm_v1_fails_with_a_wrong_password()
    {
        var (raw, last) = await AuthenticateAsync(V1Flags, "example.com", "alice", c => NtlmV1Client.V1("alice-Wrong-1", c));
        await using (raw)
        {
            Assert.StartsWith("A NO", last);
            Assert.StartsWith("S BAD", (await raw.RunAsync("S", "SELECT INBOX"))[^1]);
        }
    }

    [Fact]
    public async Task C_ntlm2_session_response_logs_in_with_the_full_address_and_no_domain()
    {
        var clientChallenge = RandomNumberGenerator.GetBytes(8);
        var (raw, last) = await AuthenticateAsync(SessionFlags, "", "bob@example.com",
            c => NtlmV1Client.SessionResponse(server.Users["bob@example.com"], c, clientChallenge));
        await using (raw)
        {
            Assert.StartsWith("A OK", last);
            await raw.OkAsync("S", "SELECT INBOX");
        }
    }

    [Fact]
    public async Task D_ntlm2_session_response_fails_with_a_wrong_password()
    {
        var clientChallenge = RandomNumberGenerator.GetBytes(8);
        var (raw, last) = await AuthenticateAsync(SessionFlags, "", "bob@example.com",
            c => NtlmV1Client.SessionResponse("bob-Wrong-2", c, clientChallenge));
        await using (raw)
        {
            Assert.StartsWith("A NO", last);
        }
    }

    [Fact]
    public void Z_no_password_bytes_in_the_data_folder_or_the_log() =>
        PasswordScan.AssertNowhere(server, [.. server.Users.Values, "alice-Wrong-1", "bob-Wrong-2"]);

    /// <summary>Runs the three-step exchange; returns the connection and the tagged answer.</summary>
    private async Task<(RawImapClient Raw, string Last)> AuthenticateAsync(
        uint flags, string domain, string user, Func<byte[], (byte[] Lm, byte[] Nt)> responses)
    {
        var raw = await RawImapClient.ConnectAsync(server.Port);
        await raw.SendAsync("A AUTHENTICATE NTLM\r\n");
        Assert.StartsWith("+", await raw.ReadResponseAsync());
        await raw.SendAsync(Convert.ToBase64String(NtlmV1Client.Negotiate(flags)) + "\r\n");
        var challengeLine = await raw.ReadResponseAsync() ?? throw new IOException("closed:\n" + raw.Transcript);
        Assert.StartsWith("+ ", challengeLine);
        var serverChallenge = NtlmV1Client.ServerChallenge(Convert.FromBase64String(challengeLine[2..]));
        var (lm, nt) = responses(serverChallenge);
        var message = NtlmV1Client.Authenticate(flags, lm, nt, domain, user, "TESTHOST");
        await raw.SendAsync(Convert.ToBase64String(message) + "\r\n");
        var lines = await raw.ReadUntilTaggedAsync("A");
        return (raw, lines[^1]);
    }
}
