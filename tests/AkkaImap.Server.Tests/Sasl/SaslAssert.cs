using System.Text;
using AkkaImap.Server.Sasl;
using Xunit;

namespace AkkaImap.Server.Tests.Sasl;

/// <summary>Small helpers to read a <see cref="SaslStep"/> in a test.</summary>
internal static class SaslAssert
{
    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static string ChallengeText(SaslStep step) => Encoding.UTF8.GetString(Assert.IsType<SaslStep.Challenge>(step).Data);

    public static SaslStep.Failure Failed(SaslStep step, SaslFailure reason)
    {
        var failure = Assert.IsType<SaslStep.Failure>(step);
        Assert.Equal(reason, failure.Reason);
        return failure;
    }
}
