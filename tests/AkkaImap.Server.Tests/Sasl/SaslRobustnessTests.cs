using System.Text;
using AkkaImap.Server.Sasl;
using AkkaImap.Storage;
using AkkaImap.Storage.Secrets;
using Xunit;

namespace AkkaImap.Server.Tests.Sasl;

/// <summary>Client input never throws: random and truncated messages at every step end in a step, not an exception.</summary>
public sealed class SaslRobustnessTests
{
    private static readonly SaslSecret Secret = new(Scram.Derive("pw", new byte[16], 4096), HmacMd5Context.FromPassword("pw"), NtHash.FromPassword("pw"));

    private static readonly byte[] Negotiate = Convert.FromHexString("4e544c4d53535000010000000782080000000000200000000000000020000000");

    public static TheoryData<string> Mechanisms => new() { "PLAIN", "LOGIN", "CRAM-MD5", "NTLM", "SCRAM-SHA-256" };

    private static ISaslServer Create(string name) => name switch
    {
        "PLAIN" => new PlainServer(),
        "LOGIN" => new LoginServer(),
        "CRAM-MD5" => new CramMd5Server("<1.2@host>"),
        "NTLM" => new NtlmServer("example.com", "host", new byte[8]),
        _ => new ScramSha256Server("snonce"),
    };

    // Prefixes that get past the first checks, so the random tail reaches the deeper parsing.
    private static readonly byte[][] Prefixes =
    [
        [],
        Encoding.ASCII.GetBytes("n,,n=alice@example.com,r="),
        Encoding.ASCII.GetBytes("c=biws,r=abcsnonce,p="),
        Encoding.ASCII.GetBytes("alice@example.com "),
        [.. "NTLMSSP\0"u8, 3, 0, 0, 0],
        [.. "NTLMSSP\0"u8, 1, 0, 0, 0],
    ];

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Random_client_messages_never_throw(string mechanism)
    {
        var random = new Random(20261127);
        for (int i = 0; i < 3000; i++)
        {
            var server = Create(mechanism);
            var step = server.Start(i % 3 == 0 ? null : Message(random));
            // Follow the exchange: answer challenges with more random data, provide the secret when asked.
            for (int round = 0; round < 4; round++)
            {
                step = step switch
                {
                    SaslStep.Challenge => server.Step(round == 0 && mechanism == "NTLM" ? Negotiate : Message(random)),
                    SaslStep.NeedSecret => server.ProvideSecret(random.Next(3) == 0 ? null : Secret),
                    _ => step,
                };
            }
            Assert.NotNull(step);
        }
    }

    private static byte[] Message(Random random)
    {
        var prefix = Prefixes[random.Next(Prefixes.Length)];
        var tail = new byte[random.Next(0, 120)];
        random.NextBytes(tail);
        if (random.Next(2) == 0)
        {
            // Mostly printable tails exercise the text parsers rather than the UTF-8 check.
            for (int i = 0; i < tail.Length; i++) tail[i] = (byte)(tail[i] % 95 + 32);
        }
        return [.. prefix, .. tail];
    }
}
