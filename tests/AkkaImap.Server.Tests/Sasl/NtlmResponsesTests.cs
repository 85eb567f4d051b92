using AkkaImap.Server.Sasl;
using AkkaImap.Storage.Secrets;
using Xunit;

namespace AkkaImap.Server.Tests.Sasl;

/// <summary>MS-NLMP §4.2 known answers: User "User", Domain "Domain", Password "Password".</summary>
public sealed class NtlmResponsesTests
{
    internal static readonly byte[] ServerChallenge = Convert.FromHexString("0123456789abcdef");
    internal static readonly byte[] ClientChallenge = Convert.FromHexString("aaaaaaaaaaaaaaaa");
    private static readonly byte[] PasswordHash = NtHash.FromPassword("Password");

    [Fact]
    public void NTLMv1_response_matches_section_4_2_2()
    {
        Assert.Equal("67c43011f30298a2ad35ece64f16331c44bdbed927841f94",
            Convert.ToHexStringLower(NtlmResponses.V1(PasswordHash, ServerChallenge)));
    }

    [Fact]
    public void NTLM2_session_response_matches_section_4_2_3()
    {
        Assert.Equal("7537f803ae367128ca458204bde7caf81e97ed2683267232",
            Convert.ToHexStringLower(NtlmResponses.SessionResponse(PasswordHash, ServerChallenge, ClientChallenge)));
    }

    [Fact]
    public void NTLMv2_hash_and_proof_match_section_4_2_4()
    {
        // temp (§4.2.4.1.3): 0x0101, reserved, time 0, client challenge, reserved, the AV pairs
        // (NbDomainName "Domain", NbComputerName "Server", EOL), then 4 zero bytes.
        var temp = Convert.FromHexString(
            "0101000000000000" + "0000000000000000" + "aaaaaaaaaaaaaaaa" + "00000000"
            + "02000c0044006f006d00610069006e00" + "01000c0053006500720076006500720000000000" + "00000000");

        var ntowf = NtlmResponses.NtowfV2(PasswordHash, "User", "Domain");

        Assert.Equal("0c868a403bfd7a93a3001ef22ef02e3f", Convert.ToHexStringLower(ntowf));
        Assert.Equal("68cd0ab851e51c96aabc927bebef6a1c", Convert.ToHexStringLower(NtlmResponses.V2Proof(ntowf, ServerChallenge, temp)));
    }

    [Fact]
    public void The_user_name_is_upper_cased_but_the_domain_is_not()
    {
        Assert.Equal(NtlmResponses.NtowfV2(PasswordHash, "USER", "Domain"), NtlmResponses.NtowfV2(PasswordHash, "user", "Domain"));
        Assert.NotEqual(NtlmResponses.NtowfV2(PasswordHash, "User", "DOMAIN"), NtlmResponses.NtowfV2(PasswordHash, "User", "Domain"));
    }
}
