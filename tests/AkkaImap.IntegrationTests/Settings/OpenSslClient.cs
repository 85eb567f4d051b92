using System.Globalization;
using AkkaImap.IntegrationTests.Infrastructure;

namespace AkkaImap.IntegrationTests.Settings;

/// <summary>
/// <c>openssl s_client</c> as an operator would use it to check a TLS port: the IMAP lines are
/// given on stdin (LF turned into CRLF by <c>-crlf</c>); <c>-quiet</c> implies <c>-ign_eof</c>, so it
/// keeps reading until the server closes the connection, which the script's LOGOUT makes happen.
/// </summary>
public static class OpenSslClient
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Implicit TLS from the first byte on <paramref name="port"/>.</summary>
    public static Task<ExternalTool.Result> ImplicitAsync(int port, params string[] lines) =>
        RunAsync(["-connect", Address(port)], lines);

    /// <summary>Plain connection on <paramref name="port"/>, STARTTLS (s_client reads the greeting and CAPABILITY itself), then the script.</summary>
    public static Task<ExternalTool.Result> StartTlsAsync(int port, params string[] lines) =>
        RunAsync(["-connect", Address(port), "-starttls", "imap"], lines);

    /// <summary>Only the handshake, with extra options such as <c>-tls1_1</c>; stdin is closed at once.</summary>
    public static Task<ExternalTool.Result> HandshakeAsync(int port, params string[] options) =>
        ExternalTool.RunAsync("openssl", ["s_client", "-connect", Address(port), .. options], stdin: string.Empty, timeout: Bound);

    private static Task<ExternalTool.Result> RunAsync(string[] connect, string[] lines) =>
        ExternalTool.RunAsync(
            "openssl",
            ["s_client", .. connect, "-quiet", "-ign_eof", "-crlf"],
            stdin: string.Join("\n", lines) + "\n",
            timeout: Bound);

    private static string Address(int port) => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
}
