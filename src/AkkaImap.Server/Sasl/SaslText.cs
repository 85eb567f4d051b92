using System.Text;

namespace AkkaImap.Server.Sasl;

/// <summary>Decoding helpers shared by the mechanisms; none throws on client input.</summary>
internal static class SaslText
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>False when <paramref name="bytes"/> is not valid UTF-8 or holds a NUL.</summary>
    public static bool TryUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        text = "";
        if (!System.Text.Unicode.Utf8.IsValid(bytes) || bytes.Contains((byte)0)) return false;
        text = Utf8.GetString(bytes);
        return true;
    }

    public static SaslStep.Failure Malformed(string text) => new(SaslFailure.Malformed, text);

    public static InvalidOperationException OutOfTurn(string mechanism) =>
        new($"{mechanism}: the session called the mechanism out of turn");
}
