using System.Buffers.Binary;
using System.Text;
using AkkaImap.Server.Sasl;
using AkkaImap.Storage.Secrets;
using Xunit;
using static AkkaImap.Server.Tests.Sasl.SaslAssert;

namespace AkkaImap.Server.Tests.Sasl;

public sealed class NtlmServerTests
{
    // A NEGOTIATE message asking for Unicode, OEM, target, NTLM, always-sign and extended session security.
    private static readonly byte[] Negotiate = Convert.FromHexString("4e544c4d53535000010000000782080000000000200000000000000020000000");

    // AUTHENTICATE messages computed from the MS-NLMP §4.2 inputs against server challenge
    // 0123456789abcdef (Chromium's net/ntlm test data): the NTLM2 session response (flags
    // 0x00088203) and NTLMv2 (with a MIC and channel-binding AV pairs we do not check).
    private static readonly byte[] SessionResponseMessage = Convert.FromHexString(
        "4e544c4d5353500003000000180018004000000018001800580000000c000c0070000000080008007c000000100010008400000000000000"
        + "4000000003820800aaaaaaaaaaaaaaaa000000000000000000000000000000007537f803ae367128ca458204bde7caf81e97ed2683267232"
        + "44006f006d00610069006e00550073006500720043004f004d0050005500540045005200");

    private static readonly byte[] V2Message = Convert.FromHexString(
        "4e544c4d535350000300000018001800580000008a008a00700000000c000c00fa0000000800080006010000100010000e01000000000000"
        + "58000000038208000000000000000000f7361633f0ad9bdf4a7c421bc6b824a3000000000000000000000000000000000000000000000000"
        + "8c0260dbef690662af9c42d50782d2ed0101000000000000800bc8fd00d4d201aaaaaaaaaaaaaaaa0000000002000c0044006f006d006100"
        + "69006e0001000c0053006500720076006500720006000400020000000a0010006586e99d81c2fc984e47172fd4dd03100900160048005400"
        + "540050002f00530065007200760065007200000000000000000044006f006d00610069006e00550073006500720043004f004d0050005500540045005200");

    private static SaslSecret PasswordSecret => new(NtHash: NtHash.FromPassword("Password"));

    private static NtlmServer Server() => new("example.com", "imap", NtlmResponsesTests.ServerChallenge);

    /// <summary>Runs negotiate → challenge → authenticate and returns the lookup it asks for.</summary>
    private static (NtlmServer Server, SaslStep.NeedSecret Need) UpToSecret(byte[] authenticate)
    {
        var server = Server();
        Assert.IsType<SaslStep.Challenge>(server.Start(Negotiate));
        return (server, Assert.IsType<SaslStep.NeedSecret>(server.Step(authenticate)));
    }

    [Fact]
    public void Challenge_message_carries_the_server_challenge_the_domain_and_the_agreed_flags()
    {
        var data = Assert.IsType<SaslStep.Challenge>(Server().Start(Negotiate)).Data;

        Assert.Equal("NTLMSSP\0"u8.ToArray(), data[..8]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8)));
        Assert.Equal(NtlmResponsesTests.ServerChallenge, data[24..32]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(20));
        const uint expected = NtlmMessages.NegotiateUnicode | NtlmMessages.RequestTarget | NtlmMessages.NegotiateNtlm
            | NtlmMessages.NegotiateAlwaysSign | NtlmMessages.TargetTypeDomain | NtlmMessages.NegotiateExtendedSessionSecurity
            | NtlmMessages.NegotiateTargetInfo;
        Assert.Equal(expected, flags);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(12));
        int nameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(16));
        Assert.Equal("example.com", Encoding.Unicode.GetString(data, nameOffset, nameLength));
        int infoLength = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(40));
        int infoOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(44));
        Assert.Equal(data.Length, infoOffset + infoLength);
        Assert.Equal(new byte[4], data[^4..]);
    }

    [Fact]
    public void Without_initial_response_an_empty_challenge_asks_for_the_negotiate_message()
    {
        var server = Server();

        Assert.Empty(Assert.IsType<SaslStep.Challenge>(server.Start(null)).Data);
        Assert.IsType<SaslStep.Challenge>(server.Step(Negotiate));
    }

    [Fact]
    public void Accepts_the_NTLM2_session_response()
    {
        var (server, need) = UpToSecret(SessionResponseMessage);

        Assert.Equal(("User@Domain", SaslSecretKind.NtHash), (need.Login, need.Kind));
        Assert.Equal("User@Domain", Assert.IsType<SaslStep.Success>(server.ProvideSecret(PasswordSecret)).Login);
    }

    [Fact]
    public void Accepts_NTLMv2()
    {
        var (server, need) = UpToSecret(V2Message);

        Assert.Equal("User@Domain", need.Login);
        Assert.IsType<SaslStep.Success>(server.ProvideSecret(PasswordSecret));
    }

    [Fact]
    public void Accepts_NTLMv1()
    {
        var v1 = NtlmTestMessages.Authenticate(new byte[24], Convert.FromHexString("67c43011f30298a2ad35ece64f16331c44bdbed927841f94"),
            "Domain", "User", flags: NtlmMessages.NegotiateUnicode | NtlmMessages.NegotiateNtlm);
        var (server, _) = UpToSecret(v1);

        Assert.IsType<SaslStep.Success>(server.ProvideSecret(PasswordSecret));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_wrong_password_is_rejected(bool v2)
    {
        var (server, _) = UpToSecret(v2 ? V2Message : SessionResponseMessage);

        Assert.Equal("User@Domain", Failed(server.ProvideSecret(new SaslSecret(NtHash: NtHash.FromPassword("password"))), SaslFailure.Rejected).Login);
    }

    [Fact]
    public void NTLMv1_is_not_taken_for_the_session_response_or_back()
    {
        // The session-response bytes with the extended-session-security flag cleared are wrong NTLMv1.
        var message = (byte[])SessionResponseMessage.Clone();
        message[62] &= unchecked((byte)~(NtlmMessages.NegotiateExtendedSessionSecurity >> 16));
        var (server, _) = UpToSecret(message);

        Failed(server.ProvideSecret(PasswordSecret), SaslFailure.Rejected);
    }

    [Theory]
    [InlineData("alice@example.com", "SOMEDOMAIN", "alice@example.com")]
    [InlineData("alice", "example.org", "alice@example.org")]
    [InlineData("alice", "", "alice@example.com")]
    public void The_login_is_user_at_domain_or_the_user_name_holding_an_at_sign(string user, string domain, string login)
    {
        var message = NtlmTestMessages.Authenticate(new byte[24], new byte[24], domain, user, NtlmMessages.NegotiateUnicode);

        Assert.Equal(login, UpToSecret(message).Need.Login);
    }

    [Fact]
    public void Unknown_account_is_rejected_and_one_without_an_NT_hash_says_why()
    {
        Failed(UpToSecret(V2Message).Server.ProvideSecret(null), SaslFailure.Rejected);
        Failed(UpToSecret(V2Message).Server.ProvideSecret(new SaslSecret()), SaslFailure.SecretUnavailable);
    }

    [Fact]
    public void Anonymous_authentication_is_rejected()
    {
        var server = Server();
        server.Start(Negotiate);

        Failed(server.Step(NtlmTestMessages.Authenticate([], [], "", "", NtlmMessages.NegotiateUnicode)), SaslFailure.Rejected);
    }

    [Fact]
    public void Malformed_messages_fail_as_malformed()
    {
        Failed(Server().Start(Ascii("not ntlm at all")), SaslFailure.Malformed);
        Failed(Server().Start(V2Message), SaslFailure.Malformed);

        var truncated = Server();
        truncated.Start(Negotiate);
        Failed(truncated.Step(V2Message[..200]), SaslFailure.Malformed);

        var outside = (byte[])V2Message.Clone();
        outside[24] = 0xff; // NT response offset past the end
        var server = Server();
        server.Start(Negotiate);
        Failed(server.Step(outside), SaslFailure.Malformed);
    }
}

/// <summary>Builds AUTHENTICATE messages (MS-NLMP §2.2.1.3) for tests.</summary>
internal static class NtlmTestMessages
{
    public static byte[] Authenticate(byte[] lm, byte[] nt, string domain, string user, uint flags)
    {
        var domainBytes = Encoding.Unicode.GetBytes(domain);
        var userBytes = Encoding.Unicode.GetBytes(user);
        var workstation = Encoding.Unicode.GetBytes("WS");
        var payload = new[] { lm, nt, domainBytes, userBytes, workstation, [] };
        var message = new byte[64 + payload.Sum(p => p.Length)];
        "NTLMSSP\0"u8.CopyTo(message);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 3);
        int offset = 64;
        for (int i = 0; i < payload.Length; i++)
        {
            var field = message.AsSpan(12 + i * 8);
            BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)payload[i].Length);
            BinaryPrimitives.WriteUInt16LittleEndian(field[2..], (ushort)payload[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(field[4..], (uint)offset);
            payload[i].CopyTo(message, offset);
            offset += payload[i].Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(60), flags);
        return message;
    }
}
