using System.Security.Cryptography;
using Akka.Configuration;

namespace AkkaImap.Host;

/// <summary>
/// <c>akkaimap demo</c>: a scratch folder with a store holding post office example.com (public
/// folders on) and mailboxes alice and bob, a self-signed certificate, and settings for plain +
/// STARTTLS on 127.0.0.1:1143 and implicit TLS on 127.0.0.1:1993. Prints how to connect.
/// </summary>
internal static class DemoSetup
{
    public const string PostOffice = "example.com";
    public const int PlainPort = 1143;
    public const int TlsPort = 1993;
    private static readonly string[] Users = ["alice", "bob"];

    /// <summary>Creates the scratch folder and store; returns the configuration to serve.</summary>
    public static async Task<HostConfig> PrepareAsync(string? operatorFile, TextWriter output, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("akkaimap-demo-").FullName;
        var configPath = Path.Combine(folder, "akkaimap.conf");
        var demoHocon = $$"""
            # Written by akkaimap demo. Run it again with: akkaimap serve --config {{configPath}}
            akka-imap {
              bind = ["127.0.0.1"]
              port = {{PlainPort}}
              ssl = off
              alternate-port { enabled = on, port = {{TlsPort}}, ssl = on }
              storage.path = {{Quote(Path.Combine(folder, "data"))}}
            }
            """;
        await File.WriteAllTextAsync(configPath, demoHocon + Environment.NewLine, ct);
        var config = HostConfig.Load(operatorFile, ConfigurationFactory.ParseString(demoHocon));

        // No tls.* here: the server makes its self-signed certificate in the data folder.
        var certificate = ServerHosting.LoadCertificate(config.Settings).Source;

        var passwords = Users.ToDictionary(u => u, _ => RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 16));
        await using (var store = await StoreAccess.OpenAsync(config.Settings.Storage, ct))
        {
            await store.AddPostOfficeAsync(PostOffice, publicFolders: true, ct);
            foreach (var (user, password) in passwords)
            {
                await store.AddAccountAsync($"{user}@{PostOffice}", password, Cli.MailboxCommands.ExtraSecrets(config.Settings.Auth), ct);
            }
        }

        var alice = $"alice@{PostOffice}";
        output.WriteLine($"""
            AkkaImap demo
              scratch folder:  {folder}  (delete it when done)
              configuration:   {configPath}
              post office:     {PostOffice} (public folders on)
              mailboxes:       {string.Join("\n                   ", passwords.Select(p => $"{p.Key}@{PostOffice}  password {p.Value}"))}
              IMAP:            127.0.0.1:{PlainPort} plain, STARTTLS available
              IMAPS:           127.0.0.1:{TlsPort} implicit TLS
              certificate:     {certificate} (self-signed; tell clients to accept it)

            Try it:
              openssl s_client -quiet -connect 127.0.0.1:{TlsPort}
              openssl s_client -quiet -starttls imap -connect 127.0.0.1:{PlainPort}
                then type:  a LOGIN {alice} {passwords["alice"]}
                            b LIST "" "*"
                            c LOGOUT
              curl -k --ssl-reqd --user '{alice}:{passwords["alice"]}' imap://127.0.0.1:{PlainPort}/
              curl -k --user '{alice}:{passwords["alice"]}' imaps://127.0.0.1:{TlsPort}/INBOX
            Stop with Ctrl+C.

            """);
        return config;
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
